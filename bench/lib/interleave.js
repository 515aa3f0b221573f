/**
 * Interleaved rounds: contenders run alternately (A, B, A, B, ...) so that slow phases of a shared machine
 * (another engineer's test run, a GC of a neighbour) fall on every contender alike instead of on whichever
 * happened to run its rounds at that moment.
 * @module
 */

/**
 * Collect a full heap before a measured run when the process was started with `--expose-gc`, so one
 * contender does not pay for the garbage of the previous one.
 */
export function collectGarbage() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

/**
 * Run `measure(contender)` for every contender in turn, `rounds` times over, after `warmup` unrecorded
 * rounds (JIT tiers up during those).
 *
 * @template C
 * @template S
 * @param {readonly C[]} contenders
 * @param {{ rounds: number, warmup?: number }} plan
 * @param {(contender: C, round: number) => S | Promise<S>} measure one sample for one contender
 * @returns {Promise<Map<C, S[]>>} samples per contender, in round order
 */
export async function interleave(contenders, plan, measure) {
  const samples = new Map(contenders.map((c) => [c, /** @type {S[]} */ ([])]));
  const warmup = plan.warmup ?? 1;
  for (let round = -warmup; round < plan.rounds; round++) {
    for (const contender of contenders) {
      collectGarbage();
      const sample = await measure(contender, round);
      if (round >= 0) samples.get(contender)?.push(sample);
    }
  }
  return samples;
}
