/**
 * Plain-text and Markdown tables for the benchmark report.
 * @module
 */

/**
 * A number with a sensible number of significant digits and thousands separators.
 * @param {number} value
 * @param {number} [digits] significant digits for values below 1000
 */
export function num(value, digits = 3) {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** A ratio such as `2.31×`. @param {number} value */
export function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

/** `median (min–max)`. @param {{ median: number, min: number, max: number }} s */
export function spread(s) {
  return `${num(s.median)} (${num(s.min)}–${num(s.max)})`;
}

/**
 * @typedef {{ title: string, columns: string[], rows: string[][], notes?: string[] }} Table
 */

/**
 * A Markdown table (also readable in a terminal).
 * @param {Table} table
 * @returns {string}
 */
export function markdownTable(table) {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (/** @type {string[]} */ cells) =>
    `| ${cells.map((cell, i) => (cell ?? '').padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [
    `### ${table.title}`,
    '',
    line(table.columns),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
  ];
  for (const row of table.rows) out.push(line(row));
  for (const note of table.notes ?? []) out.push('', note);
  return out.join('\n');
}
