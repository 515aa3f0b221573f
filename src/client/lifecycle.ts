/**
 * What the chart decided, as the client reports it: the flattened state and the details of the
 * change (attempt, the planned wait and why, the failure that caused it), read from one snapshot.
 *
 * @module
 */
import type { ReconnectReason, SseMachineContext } from '../../machines/connection.machine.js';
import { isSseError, type SerializedSseError, SseError } from '../errors.js';
import type { SseState } from '../metrics.js';

/** What a `state` listener receives besides the state. */
export interface SseStateDetails {
  /** The state before this change. */
  readonly previous: SseState;
  /** The attempt running or last run (1 for the first); while `reconnecting`, the one that ended. */
  readonly attempt: number;
  /** While `reconnecting`: the wait before the next attempt, in ms. */
  readonly delay?: number;
  /** While `reconnecting`: what decided the wait. */
  readonly reason?: ReconnectReason;
  /** The failure that caused this change, when one did. */
  readonly error?: SseError;
}

/** The flattened state of a snapshot of the connection machine. */
export function flattenState(value: unknown): SseState {
  if (typeof value === 'string') return value as SseState;
  const active = (value as { active?: unknown }).active;
  return active === 'connecting' ? 'connecting' : 'connected';
}

/** A live error (a restored snapshot holds the serialized form). */
export function liveError(error: SseError | SerializedSseError | undefined): SseError | undefined {
  if (error === undefined || isSseError(error)) return error;
  return SseError.from(error);
}

/** The details of a change from `previous` to the state of `context`. */
export function describeChange(
  state: SseState,
  previous: SseState,
  context: SseMachineContext,
  error: SseError | undefined,
): SseStateDetails {
  if (state === 'reconnecting') {
    return {
      previous,
      attempt: context.attempt,
      delay: context.nextDelay,
      reason: context.delayReason,
      ...(error === undefined ? {} : { error }),
    };
  }
  return { previous, attempt: context.attempt, ...(error === undefined ? {} : { error }) };
}
