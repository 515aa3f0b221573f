/**
 * SHIM(i17, until issue 12 lands): the `details` of `client.on('state', (state, details) => …)`,
 * derived from snapshots of the connection chart. The lead's client emits them itself; once it
 * does, delete this folder and import `SseStateDetails` (or its final name) from the client.
 *
 * @module
 */
import type { SseMachineContext } from '../../../machines/connection.machine.js';
import { SseError } from '../../errors.js';
import type { SseState } from '../../metrics.js';

/**
 * Why a wait before reconnecting lasts as long as it does.
 *
 * @example
 * ```ts
 * const busy = (reason: ReconnectReason | undefined) => reason === 'retry-after';
 * ```
 */
export type ReconnectReason = 'backoff' | 'server-retry' | 'retry-after' | 'chosen' | 'immediate';

/**
 * What a state listener receives besides the state (issue 12's `details`).
 *
 * @example
 * ```ts
 * client.on('state', (state, details: StateDetails) => {
 *   if (state === 'reconnecting') show(`reconnecting in ${Math.ceil(details.delay! / 1000)} s`);
 * });
 * ```
 */
export interface StateDetails {
  /** The state before this one. */
  readonly previous: SseState;
  /** Connection attempts made so far (1 for the first). */
  readonly attempt: number;
  /** In `reconnecting`: the wait (ms) before the next attempt. */
  readonly delay?: number;
  /** In `reconnecting`: where {@link StateDetails.delay} comes from. */
  readonly reason?: ReconnectReason;
  /** The failure that caused this change, when one did. */
  readonly error?: SseError;
}

/** The part of a snapshot the details are derived from. */
export interface ChartSnapshotLike {
  readonly value: unknown;
  readonly context: unknown;
}

/** `{ active: { connected: … } }` → `'connected'`. */
export function flatState(value: unknown): SseState {
  if (typeof value === 'string') return value as SseState;
  const active = (value as { active?: unknown }).active;
  return active === 'connecting' ? 'connecting' : 'connected';
}

/** The details of the change from `before` to `after` (SHIM: read from the chart's context). */
export function stateDetailsOf(before: ChartSnapshotLike, after: ChartSnapshotLike): StateDetails {
  const was = before.context as SseMachineContext;
  const now = after.context as SseMachineContext;
  const state = flatState(after.value);
  const failed = now.lastError !== undefined && now.lastError !== was.lastError;
  const error = failed && now.lastError !== undefined ? SseError.from(now.lastError) : undefined;
  const base = { previous: flatState(before.value), attempt: now.attempt, ...(error ? { error } : {}) };
  if (state !== 'reconnecting') return base;
  const retryAfter = now.lastError?.retryAfter;
  const reason: ReconnectReason =
    retryAfter !== undefined && failed && now.nextDelay >= retryAfter
      ? 'retry-after'
      : now.reconnect.strategy === 'immediate'
        ? 'immediate'
        : now.serverRetry !== undefined
          ? 'server-retry'
          : 'backoff';
  return { ...base, delay: now.nextDelay, reason };
}
