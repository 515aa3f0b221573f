/**
 * The exports both platform entries share (everything but the default transport).
 *
 * @module
 */
export {
  DEFAULT_CONNECT_TIMEOUT,
  DEFAULT_HEARTBEAT_TIMEOUT,
  DEFAULT_IDLE_EVENT_TIMEOUT,
  type ReconnectOnEnd,
  type SseMachineContext,
  type SseMachineEmitted,
  type SseMachineEvent,
  type SseMachineInput,
  sseMachine,
} from '../machines/connection.machine.js';
export {
  computeReconnectDelay,
  DEFAULT_RECONNECT_POLICY,
  type ReconnectPolicy,
  type ReconnectStrategy,
} from './backoff.js';
export type {
  SseClient,
  SseClientEventMap,
  SseClientOptions,
  SseIteratorOptions,
  SseOpenInfo,
} from './client.js';
export { createConnectionMachine } from './connection-machine.js';
export {
  isSseError,
  type SerializedSseError,
  SSE_ERROR_CODES,
  SseError,
  type SseErrorCode,
} from './errors.js';
export { EVENT_RATE_WINDOW_SECONDS, type SseMetrics, type SseState } from './metrics.js';
export type { ReconnectOptions, SseBody, SseHeaders, SseOptions } from './options.js';
export { createEventStreamParser, DEFAULT_MAX_EVENT_SIZE } from './parser/create-event-stream-parser.js';
export type {
  EventStreamCallbacks,
  EventStreamParser,
  EventStreamParserOptions,
  SseEvent,
} from './parser/types.js';
export * from './trace.js';
export { createStreamLogic } from './transport/create-stream-logic.js';
export { createFetchTransport, type FetchTransportOptions } from './transport/fetch.js';
export type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  StreamEvent,
  StreamInput,
  StreamOptions,
} from './transport/types.js';
