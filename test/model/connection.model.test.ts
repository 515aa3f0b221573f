/**
 * Model-based tests: paths generated from `sseMachine` by `xstate/graph`, each executed against the
 * real machine with the real undici transport and a real loopback server. Coverage is what the
 * real actors did (`@xstate.microstep`), against every edge of `toDirectedGraph(sseMachine)`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sseMachine } from '../../machines/connection.machine.js';
import { getModelPaths, type ModelScenario } from '../../src/testing/connection-model.js';
import { createCoverageRecorder } from '../../src/testing/coverage.js';
import { runModelPath } from '../../src/testing/run-model-path.js';
import { type SseServer, startSseServer } from '../../src/testing/server.js';
import { createUndiciTransport } from '../../src/transport/undici.js';

// maxAttempts 1 keeps the traversal finite (retries is 0 or 1); jitter 0 makes every delay exact.
const reconnect = { initialDelay: 100, jitter: 0, maxAttempts: 1, resetAfter: 30_000 };
const LONG = 60_000;

/**
 * Each scenario offers only timers that are due first whenever the model fires them: a timer that
 * the model skips is set longer than the one it fires in the same state, or 0 where it is disabled
 * and only its `timerDisabled` edge is wanted.
 */
const scenarios: ModelScenario[] = [
  {
    name: 'connect timeout, end without a cursor is final',
    input: { reconnect, connectTimeout: 1000, heartbeatTimeout: LONG, reconnectOnEnd: 'if-resumable' },
    timers: ['connectTimeout', 'reconnectDelay'],
  },
  {
    name: 'heartbeat timeout',
    input: { reconnect, heartbeatTimeout: 5000, idleEventTimeout: LONG },
    timers: ['heartbeatTimeout', 'reconnectDelay'],
  },
  {
    name: 'idle-event timeout',
    input: { reconnect, heartbeatTimeout: LONG, idleEventTimeout: 5000 },
    timers: ['idleEventTimeout'],
  },
  {
    name: 'stable connection resets the retry budget',
    input: { reconnect: { ...reconnect, resetAfter: 1000 }, heartbeatTimeout: LONG, idleEventTimeout: LONG },
    timers: ['resetAfter'],
  },
  {
    name: 'connect and heartbeat timers disabled',
    input: { reconnect, connectTimeout: 0, heartbeatTimeout: 0, idleEventTimeout: LONG },
    timers: ['connectTimeout', 'heartbeatTimeout'],
  },
  {
    name: 'idle-event timer disabled',
    input: { reconnect, heartbeatTimeout: LONG, idleEventTimeout: 0 },
    timers: ['idleEventTimeout'],
  },
];

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
  for (const scenario of scenarios) {
    // Simple paths only where the space stays small: the scenario with the most edge cases.
    const simple = scenario === scenarios[0];
    const paths = getModelPaths(scenario, { simple });
    it(`${scenario.name}: ${paths.length} ${simple ? 'shortest + simple' : 'shortest'} paths`, async () => {
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) {
        await runModelPath(path, {
          server,
          transport,
          scenario,
          pathname: `/model/${run++}`,
          inspect: coverage.inspect,
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
