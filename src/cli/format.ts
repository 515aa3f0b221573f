/**
 * How the CLI writes: event lines, timestamped status lines, the metrics summary, colours.
 *
 * @module
 */
import { styleText } from 'node:util';
import type { SseMetrics } from '../metrics.js';
import type { SseEvent } from '../parser/types.js';

/** A stream the CLI writes to (stdout or stderr, or a test double). */
export interface OutputStream {
  write(text: string): boolean;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

type Style = Parameters<typeof styleText>[0];

/**
 * Whether to colour `stream`: only a TTY, and never with `NO_COLOR` set (https://no-color.org) or
 * `TERM=dumb`; `FORCE_COLOR` (non-zero) wins. The decision is ours alone: `painter` tells `styleText`
 * not to second-guess it (Node ≥ 20.20 otherwise drops colours when `CI` is set, even on a TTY).
 */
export function useColor(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** A painter bound to one decision about colour. */
export type Paint = (style: Style, text: string) => string;

/** A painter for `stream` (identity when colour is off). */
export function painter(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): Paint {
  return useColor(stream, env)
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_style, text) => text;
}

/** `HH:MM:SS.mmm` in local time: status lines are read by people next to their own clock. */
export function timestamp(date: Date = new Date()): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

// Control characters from the server would be obeyed by the terminal: ESC starts a colour, a
// cursor move or a title change, BEL rings, C1 (U+0080–U+009F) are 8-bit ESC sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const UNPRINTABLE = /[\\\u0000-\u001f\u007f-\u009f]/g;
const UNPRINTABLE_IN_JSON = /[\u007f-\u009f]/g;
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

const unicodeEscape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` safe for a terminal, on one line: `\` → `\\`, CR, LF and tab → `\r`, `\n`, `\t`, every
 * other control character → `\u001b` style. Backslashes are doubled so that the escapes stay
 * unambiguous.
 */
export function escapeText(text: string): string {
  return text.replace(UNPRINTABLE, (char) => SHORT_ESCAPES[char] ?? unicodeEscape(char));
}

/**
 * `JSON.stringify(value)` with U+007F–U+009F escaped too (JSON only requires U+0000–U+001F), so
 * that a JSON line is printable through and through.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(UNPRINTABLE_IN_JSON, unicodeEscape);
}

/**
 * One event as one line: `[type] id data`. The id is `-` when the stream has none; newlines and
 * other control characters in any of the three are escaped ({@link escapeText}) so that
 * line-oriented tools (grep, wc -l) see one event per line and the terminal obeys none of them.
 */
export function formatEvent(event: SseEvent, paint: Paint = (_s, t) => t): string {
  const id = event.lastEventId === '' ? '-' : escapeText(event.lastEventId);
  return `${paint('cyan', `[${escapeText(event.type)}]`)} ${paint('dim', id)} ${escapeText(event.data)}\n`;
}

/** One event as one JSON object per line (the data exactly as received). */
export function formatEventJson(event: SseEvent): string {
  return `${printableJson({ type: event.type, id: event.lastEventId, data: event.data })}\n`;
}

/** Bytes for people: 1234 → "1.2 kB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** Milliseconds for people: 950 → "950 ms", 1500 → "1.5 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The summary printed on exit (Ctrl-C, --count, end of stream); server-given text is escaped. */
export function formatSummary(metrics: SseMetrics): string {
  const time = metrics.timeInState;
  const lines = [
    `events ${metrics.eventsReceived}, bytes ${formatBytes(metrics.bytesReceived)}, ` +
      `reconnects ${metrics.reconnects}, attempts ${metrics.attempt}` +
      (metrics.lastEventId === '' ? '' : `, last id ${escapeText(metrics.lastEventId)}`),
    `time connected ${formatMs(time.connected)}, connecting ${formatMs(time.connecting)}, ` +
      `reconnecting ${formatMs(time.reconnecting)}` +
      (metrics.connectTime.median === undefined
        ? ''
        : `; connect time median ${formatMs(metrics.connectTime.median)}`),
  ];
  if (metrics.lastError !== undefined) {
    lines.push(`last error ${metrics.lastError.code}: ${escapeText(metrics.lastError.message)}`);
  }
  return `${lines.map((line) => `summary: ${line}`).join('\n')}\n`;
}

/** The live status line of a TTY: state, attempt, events/s, bytes. */
export function formatStatusLine(state: string, metrics: SseMetrics): string {
  return `${state} · attempt ${metrics.attempt} · ${metrics.eventsReceived} events · ${metrics.eventsPerSecond.toFixed(1)}/s · ${formatBytes(metrics.bytesReceived)}`;
}
