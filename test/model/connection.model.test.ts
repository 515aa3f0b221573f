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
beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

describe('model-based paths against the real machine, undici and a loopback server', () => {
  for (const scenario of CONNECTION_MODEL_SCENARIOS) {
    // Simple paths only where the space stays small: the scenario with the most edge cases.
    const simple = scenario === CONNECTION_MODEL_SCENARIOS[0];
    const paths = [...executablePaths(scenario, { simple })];
    it(`${scenario.name}: ${paths.length} ${simple ? 'shortest + simple' : 'shortest'} paths`, async () => {
      expect(paths.length).toBeGreaterThan(0);
      for (const { description, run: execute } of paths) {
        run++;
        // The description names the failing path; the executor's error names the step.
        await execute({ server, transport, inspect: coverage.inspect }).catch((error: Error) => {
          throw new Error(`${description}: ${error.message}`);
        });
      }
    });
  }

  it('covers every state and every transition of sseMachine', () => {
    const report = coverage.report();
    console.log(`model coverage (${run} paths): ${coverage.format()}`);
    expect(report.states.missing).toEqual([]);
    expect(report.transitions.missing).toEqual([]);
    expect(report.transitions.covered).toBe(25);
  });
});
