/**
 * Model-based tests: paths generated from `sseMachine` by `xstate/graph`, each executed against the
 * real machine with the real undici transport and a real loopback server. Coverage is what the
 * real actors did (`@xstate.microstep`), against every edge of `toDirectedGraph(sseMachine)`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseMachine } from '../../machines/connection.machine.js';
import { createCoverageRecorder } from '../../src/testing/coverage.js';
import { type SseServer, startSseServer } from '../../src/testing/server.js';
import { createUndiciTransport } from '../../src/transport/undici.js';
import { executablePaths } from './kit/executable-paths.js';
import { CONNECTION_MODEL_SCENARIOS } from './kit/scenarios.js';

let server: SseServer;
const transport = createUndiciTransport();
const coverage = createCoverageRecorder(sseMachine);
let run = 0;
/** Every scenario's paths, and which scenarios have run: the coverage test runs those that did not. */
const scenarios = CONNECTION_MODEL_SCENARIOS.map((scenario) => {
  // Simple paths only where the space stays small: the scenario with the most edge cases.
  const simple = scenario === CONNECTION_MODEL_SCENARIOS[0];
  return { scenario, simple, paths: [...executablePaths(scenario, { simple })], done: false };
});

async function runScenario(entry: (typeof scenarios)[number]): Promise<void> {
  for (const { description, run: execute } of entry.paths) {
    run++;
    // The description names the failing path; the executor's error names the step.
    await execute({ server, transport, inspect: coverage.inspect }).catch((error: Error) => {
      throw new Error(`${description}: ${error.message}`);
    });
  }
  entry.done = true;
}

beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

describe('model-based paths against the real machine, undici and a loopback server', () => {
  for (const entry of scenarios) {
    const { scenario, simple, paths } = entry;
    it(`${scenario.name}: ${paths.length} ${simple ? 'shortest + simple' : 'shortest'} paths`, async () => {
      expect(paths.length).toBeGreaterThan(0);
      await runScenario(entry);
    });
  }

  // Self-contained: run alone (`-t covers`), it executes the paths itself.
  it('covers every state and every transition of sseMachine', async () => {
    for (const entry of scenarios) if (!entry.done) await runScenario(entry);
    const report = coverage.report();
    console.log(`model coverage (${run} paths): ${coverage.format()}`);
    expect(report.states.missing).toEqual([]);
    expect(report.transitions.missing).toEqual([]);
    expect(report.transitions.covered).toBe(29);
  });
});
