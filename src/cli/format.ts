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

/**
 * One event as one line: `[type] id data`. The id is `-` when the stream has none, and newlines
 * in the data are shown as `\n` so that line-oriented tools (grep, wc -l) see one event per line.
 */
export function formatEvent(event: SseEvent, paint: Paint = (_s, t) => t): string {
  const id = event.lastEventId === '' ? '-' : event.lastEventId;
  const data = event.data.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return `${paint('cyan', `[${event.type}]`)} ${paint('dim', id)} ${data}\n`;
}

/** One event as one JSON object per line (the data exactly as received). */
export function formatEventJson(event: SseEvent): string {
  return `${JSON.stringify({ type: event.type, id: event.lastEventId, data: event.data })}\n`;
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

/** The summary printed on exit (Ctrl-C, --count, end of stream). */
export function formatSummary(metrics: SseMetrics): string {
  const time = metrics.timeInState;
  const lines = [
    `events ${metrics.eventsReceived}, bytes ${formatBytes(metrics.bytesReceived)}, ` +
      `reconnects ${metrics.reconnects}, attempts ${metrics.attempt}` +
      (metrics.lastEventId === '' ? '' : `, last id ${metrics.lastEventId}`),
    `time connected ${formatMs(time.connected)}, connecting ${formatMs(time.connecting)}, ` +
      `reconnecting ${formatMs(time.reconnecting)}` +
      (metrics.connectTime.median === undefined
        ? ''
        : `; connect time median ${formatMs(metrics.connectTime.median)}`),
  ];
  if (metrics.lastError !== undefined) {
    lines.push(`last error ${metrics.lastError.code}: ${metrics.lastError.message}`);
  }
  return `${lines.map((line) => `summary: ${line}`).join('\n')}\n`;
}

/** The live status line of a TTY: state, attempt, events/s, bytes. */
export function formatStatusLine(state: string, metrics: SseMetrics): string {
  return `${state} · attempt ${metrics.attempt} · ${metrics.eventsReceived} events · ${metrics.eventsPerSecond.toFixed(1)}/s · ${formatBytes(metrics.bytesReceived)}`;
}
