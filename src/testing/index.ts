/**
 * Entry `sse-machine/testing`: building blocks for model-based tests of the connection statechart
 * and of apps that embed it.
 *
 * - {@link startSseServer}: a real loopback `node:http` server that parks every request, so a test
 *   decides each response step by step (open, write, end, destroy, any status).
 * - {@link executablePaths}: paths generated from `sseMachine` by `xstate/graph` for a
 *   {@link ModelScenario}, each with an executor that plays it against the real machine, a real
 *   transport and the server, on a `SimulatedClock`; it throws on any event it cannot perform.
 * - {@link createCoverageRecorder}: state and transition coverage from inspection events.
 *
 * @example
 * ```ts
 * import { sseMachine } from 'sse-machine/machine';
 * import { createUndiciTransport } from 'sse-machine'; // any HttpTransport works
 * import {
 *   CONNECTION_MODEL_SCENARIOS,
 *   createCoverageRecorder,
 *   executablePaths,
 *   startSseServer,
 * } from 'sse-machine/testing';
 *
 * const server = await startSseServer();
 * const transport = createUndiciTransport();
 * const coverage = createCoverageRecorder(sseMachine);
 * for (const scenario of CONNECTION_MODEL_SCENARIOS) {
 *   for (const path of executablePaths(scenario)) {
 *     await path.run({ server, transport, inspect: coverage.inspect }); // rejects on any divergence
 *   }
 * }
 * console.log(coverage.format()); // states 15/15 (100 %), transitions 25/25 (100 %)
 * await server.close();
 * ```
 *
 * @module
 */
export {
  delayedEvents,
  delayOf,
  eventKey,
  getModelPaths,
  isModelEvent,
  MODEL_EVENT_ID,
  type ModelDelay,
  type ModelPath,
  type ModelScenario,
  type ModelSnapshot,
  maximalPaths,
  modelEvents,
  stateKey,
  transitionKey,
  traversalOptions,
} from './connection-model.js';
export { type CoverageRecorder, type CoverageReport, createCoverageRecorder } from './coverage.js';
export { type ExecutablePath, type ExecutablePathOptions, executablePaths } from './executable-paths.js';
export { ATTEMPT_HEADER, type ModelRunOptions, observable, runModelPath } from './run-model-path.js';
export { CONNECTION_MODEL_SCENARIOS } from './scenarios.js';
export {
  type ParkedRequest,
  type RouteHandler,
  type SseServer,
  startSseServer,
} from './server.js';
