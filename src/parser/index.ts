/**
 * Entry `sse-machine/parser`: a spec-exact, incremental `text/event-stream` parser with bounded memory.
 * No dependencies; runs anywhere `TextDecoder` exists. On Node, pass `createNodeDecoder` from
 * `sse-machine/parser/node` as `createDecoder` for faster decoding.
 *
 * @module
 */
export { isSseError, type SerializedSseError, SseError, type SseErrorCode } from '../errors.js';
export {
  createEventStreamParser,
  createTextDecoderDecoder,
  DEFAULT_MAX_EVENT_SIZE,
} from './create-event-stream-parser.js';
export type {
  EventStreamCallbacks,
  EventStreamDecoder,
  EventStreamParser,
  EventStreamParserOptions,
  SseEvent,
} from './types.js';
