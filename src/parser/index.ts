/**
 * Entry `sse-machine/parser`: a spec-exact, incremental `text/event-stream` parser with bounded memory.
 * No dependencies; runs anywhere `TextDecoder` exists.
 *
 * @module
 */
export { isSseError, type SerializedSseError, SseError, type SseErrorCode } from '../errors.js';
export { createEventStreamParser, DEFAULT_MAX_EVENT_SIZE } from './create-event-stream-parser.js';
export type {
  EventStreamCallbacks,
  EventStreamParser,
  EventStreamParserOptions,
  SseEvent,
} from './types.js';
