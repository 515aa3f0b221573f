/**
 * The exports both platform entries share (everything but the default transport): the pure
 * machine entry's exports plus the client, parser, transports and tracing.
 *
 * @module
 */

export type {
  SseActor,
  SseClient,
  SseClientEventMap,
  SseClientOptions,
  SseDecoder,
  SseEventOf,
  SseEventTypes,
  SseIteratorOptions,
  SseOpenInfo,
  SseParse,
  SseParseMap,
  SseStateDetails,
  SseTypedClient,
  SseTypedClientOptions,
  SseTypedEvent,
} from './client.js';
export type { SseClock } from './clock.js';
export { createConnectionMachine } from './connection-machine.js';
export * from './machine.js';
export { EVENT_RATE_WINDOW_SECONDS, type SseMetrics, type SseState } from './metrics.js';
export type {
  ReconnectOptions,
  ReconnectQuestion,
  ShouldReconnect,
  SseBody,
  SseHeaders,
  SseHeadersOption,
  SseOptions,
} from './options.js';
export { createEventStreamParser, DEFAULT_MAX_EVENT_SIZE } from './parser/create-event-stream-parser.js';
export type { EventStreamCallbacks, EventStreamParser, EventStreamParserOptions } from './parser/types.js';
export { redactUrl } from './redact.js';
export type {
  StandardSchemaV1,
  StandardSchemaV1Issue,
  StandardSchemaV1Output,
  StandardSchemaV1Props,
  StandardSchemaV1Result,
  StandardSchemaV1Types,
} from './standard-schema.js';
export * from './trace.js';
export type { StreamOptions } from './transport/attempt.js';
export {
  createFetchTransport,
  FETCH_LIKE_HEADERS,
  type FetchLike,
  type FetchLikeResponse,
  type FetchTransportOptions,
  type SseFetchInit,
} from './transport/fetch.js';
export type { HttpRequest, HttpResponse, HttpTransport } from './transport/http.js';
export { createStreamLogic } from './transport/stream-actor.js';
