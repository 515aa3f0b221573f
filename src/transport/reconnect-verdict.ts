/**
 * The user's `shouldReconnect` applied to a failure, over the status policy's default verdict.
 *
 * @module
 */
import type { ReconnectQuestion, ShouldReconnect } from '../request.js';

/** Whether to reconnect, and after which chosen wait (ms) if the user named one. */
export interface ReconnectVerdict {
  readonly retryable: boolean;
  readonly delay?: number;
}

/**
 * Apply `shouldReconnect` to a failure. Its exceptions fall back to the default policy; a number
 * that is no wait (`NaN`, negative, infinite) reconnects with the policy's wait, like `true`.
 */
export function consultShouldReconnect(
  shouldReconnect: ShouldReconnect | undefined,
  question: ReconnectQuestion,
  retryable: boolean,
): ReconnectVerdict {
  if (shouldReconnect === undefined) return { retryable };
  let verdict: unknown;
  try {
    verdict = shouldReconnect(question);
  } catch {
    return { retryable };
  }
  if (verdict === undefined) return { retryable };
  if (verdict === false) return { retryable: false };
  if (typeof verdict === 'number' && Number.isFinite(verdict) && verdict >= 0) {
    return { retryable: true, delay: verdict };
  }
  return { retryable: true };
}
