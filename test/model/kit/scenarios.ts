/**
 * Machine configurations for the connection model.
 *
 * @module
 */
import type { ModelScenario } from './connection-model.js';

// maxAttempts 1 keeps the traversal finite (retries is 0 or 1); jitter 0 makes every delay exact.
const reconnect = { initialDelay: 100, jitter: 0, maxAttempts: 1, resetAfter: 30_000 };
const LONG = 60_000;

/**
 * Scenarios that together take every state and transition of `sseMachine` (see the model tests).
 * Each scenario offers only timers that are due first whenever the model fires them: a timer that
 * the model skips is set longer than the one it fires in the same state; a timer of 0 is never
 * scheduled, so the model never offers it.
 *
 * @example
 * ```ts
 * describe.each(CONNECTION_MODEL_SCENARIOS)('$name', (scenario) => {
 *   for (const { description, run } of executablePaths(scenario)) {
 *     it(description, () => run({ server, transport }));
 *   }
 * });
 * ```
 */
export const CONNECTION_MODEL_SCENARIOS: readonly ModelScenario[] = [
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
    // Safe POST: an accepted request without a cursor is not sent again (failed / closed); with the
    // cursor a PROGRESS committed it reconnects. Both branches are on the paths of this scenario.
    name: 'POST accepted: not sent again without a cursor',
    input: { reconnect, method: 'POST', body: 'prompt', heartbeatTimeout: 5000, idleEventTimeout: LONG },
    timers: ['heartbeatTimeout', 'reconnectDelay'],
  },
  {
    name: 'every silence timer disabled',
    input: { reconnect, connectTimeout: 0, heartbeatTimeout: 0, idleEventTimeout: 0 },
    timers: ['connectTimeout', 'heartbeatTimeout', 'idleEventTimeout'],
  },
];
