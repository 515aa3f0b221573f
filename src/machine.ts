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
  type SseMachineContext,
  type SseMachineEmitted,
  type SseMachineEvent,
  type SseMachineInput,
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
  isSseError,
  type SerializedSseError,
  SSE_ERROR_CODES,
  SseError,
  type SseErrorCode,
} from './errors.js';
export type { SseEvent } from './parser/types.js';
export type {
  StreamEndEvent,
  StreamErrorEvent,
  StreamEvent,
  StreamInput,
  StreamOpenEvent,
  StreamProgressEvent,
} from './transport/types.js';
