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

/**
 * The longest wait a timer can hold: 2³¹ − 1 ms (about 24.8 days). JavaScript timers fire at once,
 * with a warning printed by Node, for anything longer, so every planned wait and timeout is capped
 * here instead of turning a huge `Retry-After` into a reconnect loop.
 *
 * @example
 * ```ts
 * computeReconnectDelay(policy, 1, { retryAfter: 10 ** 12 }); // MAX_DELAY, not 10¹² ms
 * ```
 */
export const MAX_DELAY = 2_147_483_647;

/** Smallest base (ms) that `exponential` and `linear` grow from after a server `retry:`. */
const SERVER_RETRY_GROWTH_FLOOR = 100;

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
 * A server `retry:` replaces the base delay (as browsers do) and growth applies on top of it, from
 * at least 100 ms after the first reconnect, so `retry: 0` cannot make the client spin; jitter never
 * takes a wait below the server's `retry:`;
 * `Retry-After` is a floor, because the server said it will not serve us sooner. The result never
 * exceeds {@link MAX_DELAY}.
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
  // Every input is checked here, not trusted: a server's `retry:` of 309+ digits is `Infinity`,
  // and `Infinity − Infinity·jitter` is `NaN`, which a timer reads as ~1 ms (measured: 214–361
  // reconnects per second against a server that had gone away). See {@link clampDelay}.
  const initialDelay = clampDelay(policy.initialDelay) ?? DEFAULT_RECONNECT_POLICY.initialDelay;
  const maxDelay = clampDelay(policy.maxDelay) ?? DEFAULT_RECONNECT_POLICY.maxDelay;
  const jitter = policy.jitter >= 0 && policy.jitter <= 1 ? policy.jitter : DEFAULT_RECONNECT_POLICY.jitter;
  const step = Number.isFinite(retry) && retry >= 1 ? Math.floor(retry) : 1;
  const serverRetry = clampDelay(hints.serverRetry);
  const retryAfter = clampDelay(hints.retryAfter);
  const fromServer = serverRetry !== undefined;
  const base = serverRetry ?? initialDelay;
  // The server's `retry:` sets the first wait exactly. Growth after it starts from at least
  // SERVER_RETRY_GROWTH_FLOOR: a server that sends `retry: 0` and then closes every connection at
  // once must not hold the client in a tight reconnect loop (0 · 2ⁿ is still 0).
  const growthBase = fromServer && step > 1 ? Math.max(base, SERVER_RETRY_GROWTH_FLOOR) : base;
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
      delay = growthBase * step;
      break;
    default:
      // 'exponential', and any strategy a machine created without validation was given.
      // 2 ** 1023 is the largest finite power; past ~40 retries every realistic cap is reached anyway.
      delay = growthBase * 2 ** Math.min(step - 1, 40);
      break;
  }
  delay = Math.min(delay, Math.max(maxDelay, base), MAX_DELAY);
  if (jitter > 0 && delay > 0) {
    const draw = random();
    // A replaced `random` returning NaN, a negative number or more than 1 must not do what a server cannot.
    delay -= delay * jitter * (draw >= 0 && draw <= 1 ? draw : 0);
  }
  delay = Math.round(delay);
  // The server's reconnection time is a minimum (WHATWG: "wait a delay equal to the reconnection
  // time", then optionally more): jitter spreads clients out above it, never below.
  if (fromServer && policy.strategy !== 'immediate' && policy.strategy !== 'none') {
    delay = Math.max(delay, base);
  }
  return Math.min(retryAfter === undefined ? delay : Math.max(delay, retryAfter), MAX_DELAY);
}

/**
 * A wait as a timer can hold it: a whole number of ms in `[0, MAX_DELAY]`, or `undefined` when the
 * value is no wait at all (`NaN`, negative, not a number). A huge value, `Infinity` included, is
 * what the server asked for, "wait very long", so it becomes {@link MAX_DELAY} rather than being
 * dropped (the WHATWG parser accepts any run of ASCII digits as the reconnection time).
 *
 * @example
 * ```ts
 * clampDelay(Number('9'.repeat(400))); // MAX_DELAY (the digits parse to Infinity)
 * clampDelay(-5); // undefined: ignored, the policy's own wait applies
 * ```
 */
export function clampDelay(value: number | undefined): number | undefined {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) return undefined;
  return value >= MAX_DELAY ? MAX_DELAY : Math.round(value);
}
