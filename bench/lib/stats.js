/**
 * Order statistics over a list of samples. Medians and extremes, not means: on a shared 2-core machine a
 * single descheduled round would drag a mean far from what a quiet run shows.
 * @module
 */

/** @param {readonly number[]} values @returns {number[]} a sorted copy */
function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/**
 * The q-quantile by the nearest-rank method (no interpolation: every reported figure was observed).
 * @param {readonly number[]} values
 * @param {number} q between 0 and 1
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return /** @type {number} */ (s[rank]);
}

/** @param {readonly number[]} values */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  const upper = s[mid] ?? Number.NaN;
  return s.length % 2 === 1 ? upper : ((s[mid - 1] ?? Number.NaN) + upper) / 2;
}

/** @param {readonly number[]} values */
export function min(values) {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

/** @param {readonly number[]} values */
export function max(values) {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** @param {readonly number[]} values */
export function p99(values) {
  return quantile(values, 0.99);
}

/**
 * Median, extremes and p99 of a sample list.
 * @param {readonly number[]} values
 * @returns {{ n: number, median: number, min: number, max: number, p99: number }}
 */
export function summarize(values) {
  return { n: values.length, median: median(values), min: min(values), max: max(values), p99: p99(values) };
}
