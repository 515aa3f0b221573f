/**
 * Reconnect delay policies: pure functions of the attempt number and what the server said.
 * The machine calls {@link computeReconnectDelay} once per scheduled reconnect.
 *
 * @module
 */

/** How the wait before a reconnect grows. */
export type ReconnectStrategy = 'exponential' | 'linear' | 'fixed' | 'immediate' | 'none';

/** Reconnection policy with every default filled in. `null` means "no limit" (JSON has no Infinity). */
export interface ReconnectPolicy {
  /** How the wait grows from one reconnect to the next; `'none'` never reconnects. */
  readonly strategy: ReconnectStrategy;
  /** Base delay in ms: the first wait of `exponential` and `linear`, every wait of `fixed`. */
  readonly initialDelay: number;
  /** Cap on a computed wait in ms (a server's `retry:` or `Retry-After` may exceed it). */
  readonly maxDelay: number;
  /** Reconnects in a row before giving up; `null` for no limit. */
  readonly maxAttempts: number | null;
  /** Total backoff wait (ms) since the last stable connection before giving up; `null` for no limit. */
  readonly maxElapsed: number | null;
  /** 0–1: a wait `d` becomes uniform in `[d·(1−jitter), d]`; 1 is "full jitter", 0 turns it off. */
  readonly jitter: number;
  /** A connection open this long (ms) is stable: the attempt counter and wait budget start again. */
  readonly resetAfter: number;
}

/**
 * Defaults of {@link ReconnectPolicy}: exponential from 1 s to 30 s with 20 % jitter, never giving
 * up, and a connection counts as stable after 10 s open.
 *
 * @example
 * ```ts
 * // The waits a client with the defaults would plan, without jitter: 1000, 2000, 4000, 8000 ms.
 * const policy = { ...DEFAULT_RECONNECT_POLICY, jitter: 0 };
 * const waits = [1, 2, 3, 4].map((retry) => computeReconnectDelay(policy, retry));
 * ```
 */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  strategy: 'exponential',
  initialDelay: 1000,
  maxDelay: 30_000,
  maxAttempts: null,
  maxElapsed: null,
  jitter: 0.2,
  resetAfter: 10_000,
};

/** What the server said about waiting. */
export interface ServerDelayHints {
  /** The last `retry:` field of the stream (persists across connections). */
  readonly serverRetry?: number | undefined;
  /** `Retry-After` of the failed response (or a delay chosen by `shouldReconnect`), in ms. */
  readonly retryAfter?: number | undefined;
}

/**
 * The wait before reconnect number `retry` (1 for the first reconnect after a failure).
 *
 * A server `retry:` replaces the base delay (as browsers do) and growth applies on top of it;
 * `Retry-After` is a floor, because the server said it will not serve us sooner.
 *
 * @example
 * ```ts
 * computeReconnectDelay({ ...DEFAULT_RECONNECT_POLICY, jitter: 0 }, 3); // 4000
 * ```
 */
export function computeReconnectDelay(
  policy: ReconnectPolicy,
  retry: number,
  hints: ServerDelayHints = {},
  random: () => number = Math.random,
): number {
  const base = hints.serverRetry ?? policy.initialDelay;
  let delay: number;
  switch (policy.strategy) {
    case 'immediate':
    case 'none':
      delay = 0;
      break;
    case 'fixed':
      delay = base;
      break;
    case 'linear':
      delay = base * retry;
      break;
    case 'exponential':
      // 2 ** 1023 is the largest finite power; past ~40 retries every realistic cap is reached anyway.
      delay = base * 2 ** Math.min(retry - 1, 40);
      break;
  }
  delay = Math.min(delay, Math.max(policy.maxDelay, base));
  if (policy.jitter > 0 && delay > 0) delay -= delay * policy.jitter * random();
  delay = Math.round(delay);
  return hints.retryAfter === undefined ? delay : Math.max(delay, hints.retryAfter);
}
