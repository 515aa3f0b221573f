/**
 * What the server does in each generated test: the scenarios of {@link generateConnectionTests}.
 *
 * @module
 */

/**
 * One thing the loopback server can do to the connection of the app under test.
 *
 * - `open`: answer 200 `text/event-stream`.
 * - `keep-alive`: write a comment (`: keep-alive`).
 * - `event`: write an event with an id (`id: 3`, `data: event 3`).
 * - `end`: end the response cleanly.
 * - `drop`: destroy the socket mid-stream.
 * - `unavailable`: answer 503 with `Retry-After: 2`.
 * - `no-content`: answer 204.
 * - `wrong-content-type`: answer 200 `text/plain`.
 *
 * @example
 * ```ts
 * const silent: ServerAction[] = ['open']; // opens, then says nothing
 * ```
 */
export type ServerAction =
  | 'open'
  | 'keep-alive'
  | 'event'
  | 'end'
  | 'drop'
  | 'unavailable'
  | 'no-content'
  | 'wrong-content-type';

/**
 * A server behaviour to cover: the generator takes every path of the chart that these server
 * actions and timers allow (plus the app's own actions: close, retry, connect).
 *
 * @example
 * ```ts
 * const flaky: ConnectionScenario = {
 *   name: 'flaky proxy',
 *   server: ['open', 'event', 'drop'],
 *   timers: ['reconnectDelay'],
 * };
 * generateConnectionTests({ ...suite, scenarios: [flaky, CONNECTION_SCENARIOS.retryAfter] });
 * ```
 */
export interface ConnectionScenario {
  /** Shown first in each test's description. */
  readonly name: string;
  /** What the server may do. */
  readonly server: readonly ServerAction[];
  /**
   * The chart's named delays that may run out (`connectTimeout`, `heartbeatTimeout`,
   * `idleEventTimeout`, `reconnectDelay`, `resetAfter`); the others never fire on the test clock.
   */
  readonly timers: readonly string[];
}

/**
 * Names of the built-in {@link CONNECTION_SCENARIOS}.
 *
 * @example
 * ```ts
 * const names: ConnectionScenarioName[] = ['noHeartbeat', 'resumption'];
 * const scenarios = names.map((name) => CONNECTION_SCENARIOS[name]);
 * ```
 */
export type ConnectionScenarioName =
  | 'heartbeat'
  | 'noHeartbeat'
  | 'serverEnds'
  | 'retryAfter'
  | 'noContent'
  | 'wrongContentType'
  | 'resumption';

/**
 * The built-in scenarios; {@link generateConnectionTests} takes them all unless told otherwise.
 *
 * | name | the server | timers that run out |
 * |---|---|---|
 * | `heartbeat` | opens, sends keep-alives and events | the stable period |
 * | `noHeartbeat` | stays silent: sends no headers, or opens and sends nothing | connect, heartbeat and idle-event timeouts, the stable period, the reconnect wait |
 * | `serverEnds` | opens, sends an event, ends the response | the reconnect wait |
 * | `retryAfter` | answers 503 with `Retry-After: 2`, then opens | the reconnect wait |
 * | `noContent` | answers 204 (the app may connect or retry again) | |
 * | `wrongContentType` | answers 200 `text/plain` | |
 * | `resumption` | opens, sends events, drops the connection, opens again | the reconnect wait |
 *
 * @example
 * ```ts
 * const tests = generateConnectionTests({
 *   ...suite,
 *   scenarios: [CONNECTION_SCENARIOS.noHeartbeat, CONNECTION_SCENARIOS.resumption],
 * });
 * ```
 */
export const CONNECTION_SCENARIOS: Readonly<Record<ConnectionScenarioName, ConnectionScenario>> = {
  heartbeat: { name: 'heartbeat', server: ['open', 'keep-alive', 'event'], timers: ['resetAfter'] },
  noHeartbeat: {
    name: 'no heartbeat',
    server: ['open'],
    timers: ['connectTimeout', 'heartbeatTimeout', 'idleEventTimeout', 'reconnectDelay', 'resetAfter'],
  },
  serverEnds: { name: 'server ends', server: ['open', 'event', 'end'], timers: ['reconnectDelay'] },
  retryAfter: { name: '503 Retry-After', server: ['unavailable', 'open'], timers: ['reconnectDelay'] },
  noContent: { name: '204', server: ['no-content'], timers: [] },
  wrongContentType: { name: 'wrong content type', server: ['wrong-content-type'], timers: [] },
  resumption: { name: 'resumption', server: ['open', 'event', 'drop'], timers: ['reconnectDelay'] },
};
