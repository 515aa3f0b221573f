/**
 * Entry `sse-machine/machine`: the pure statechart with a placeholder `stream` actor.
 * No undici, no I/O: safe in browsers and for tooling (Stately, diagrams, model-based tests).
 *
 * @module
 */
export {
  DEFAULT_CONNECT_TIMEOUT,
  DEFAULT_HEARTBEAT_TIMEOUT,
  DEFAULT_IDLE_EVENT_TIMEOUT,
  type ReconnectOnEnd,
  type ReconnectReason,
  type SseMachineContext,
  type SseMachineEmitted,
  type SseMachineEvent,
  type SseMachineInput,
  type SseResponseInfo,
  sseMachine,
} from '../machines/connection.machine.js';
export {
  computeReconnectDelay,
  DEFAULT_RECONNECT_POLICY,
  MAX_DELAY,
  type ReconnectPolicy,
  type ReconnectStrategy,
} from './backoff.js';
export {
  CREDENTIAL_RESPONSE_HEADERS,
  isSseError,
  type SerializedSseError,
  SSE_ERROR_CODES,
  SseError,
  type SseErrorCode,
} from './errors.js';
export type { SseEvent } from './parser/types.js';
export {
  PROGRESS_INTERVAL,
  type StreamCommand,
  type StreamEndEvent,
  type StreamErrorEvent,
  type StreamEvent,
  type StreamInput,
  type StreamOpenEvent,
  type StreamProgressEvent,
  type StreamRestartEvent,
  type StreamTimeoutEvent,
} from './transport/stream-protocol.js';
