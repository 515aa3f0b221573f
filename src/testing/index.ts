/**
 * Entry `sse-machine/testing`: model-based tests of **your** app's connection handling.
 *
 * - {@link generateConnectionTests}: the connection chart generates the paths (configured as your
 *   app configures its client); each test starts your app against a loopback server with a
 *   simulated clock, drives a real connection along one path, and runs your assertion for the
 *   state after every step.
 * - {@link startSseServer}: the loopback `node:http` server that parks every request, so a test
 *   decides each response step by step (open, write, end, destroy, any status).
 * - {@link createCoverageRecorder}: the chart's states and transitions your app's client reached.
 * - {@link CONNECTION_SCENARIOS}: server behaviours to cover (heartbeat on and off, a server that
 *   ends, 503 with `Retry-After`, 204, a wrong content type, a dropped connection with resumption).
 *
 * @example
 * ```ts
 * import { afterAll, beforeAll, it } from 'vitest';
 * import { createCoverageRecorder, generateConnectionTests, startSseServer, type SseServer } from 'sse-machine/testing';
 *
 * let server: SseServer;
 * beforeAll(async () => { server = await startSseServer(); });
 * afterAll(() => server.close());
 * const coverage = createCoverageRecorder();
 * const tests = generateConnectionTests({
 *   server: () => server,
 *   start: (url, options) => mountBadge(url, options), // forwards options to createSseClient
 *   close: (badge) => badge.unmount(),
 *   coverage,
 *   expect: { connected: (badge) => assert.equal(badge.text(), 'online') },
 * });
 * for (const { description, run } of tests) it(description, run);
 * afterAll(() => console.log(coverage.summary()));
 * ```
 *
 * @module
 */
export {
  CONNECTION_SCENARIOS,
  type ConnectionScenario,
  type ConnectionScenarioName,
  type ServerAction,
} from './connection-scenarios.js';
export { type CoverageRecorder, type CoverageReport, createCoverageRecorder } from './coverage.js';
export {
  type ConnectionExpectations,
  type ConnectionStep,
  type ConnectionTestCase,
  type ConnectionTestOptions,
  type ConnectionTestSuite,
  generateConnectionTests,
  type LoopbackRequest,
  type LoopbackServer,
  type SentEvent,
  type StateAssertion,
  type StateDetails,
} from './generate-connection-tests.js';
export {
  type ParkedRequest,
  type RouteHandler,
  type SseServer,
  startSseServer,
} from './server.js';
export { TestClock } from './test-clock.js';
