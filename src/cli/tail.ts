/**
 * `sse-machine tail <url>`: events to stdout, connection status to stderr, an exit code that says
 * how it ended (0 closed normally, 1 failed).
 *
 * @module
 */
import { once } from 'node:events';
import { isSseError, type SseError } from '../errors.js';
import { createSseClient } from '../index.js';
import type { SseEvent } from '../parser/types.js';
import { redactUrl, redactUrlsIn } from '../redact.js';
import { type TailCommand, UsageError } from './args.js';
import {
  escapeText,
  formatEvent,
  formatEventJson,
  formatMs,
  formatStatusLine,
  formatSummary,
  type OutputStream,
  painter,
  printableJson,
  timestamp,
} from './format.js';
import { StatusLine } from './status-line.js';
import { openTrace, type TraceWriter } from './trace.js';

/** Where tail writes, and how it learns about Ctrl-C. Tests and the real process both fit. */
export interface TailIo {
  readonly stdout: OutputStream & { once?(event: 'drain', listener: () => void): unknown };
  readonly stderr: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  /** Call `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onInterrupt(handler: () => void): () => void;
  /**
   * Aborted, with the write error as its reason, once stdout cannot be written any more: its
   * reader went away (`| head -1`). Whoever owns stdout listens for its 'error' events.
   */
  readonly stdoutClosed: AbortSignal;
}

/** Exit codes of the CLI, as documented in `--help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Describe an error on one line: code, message, HTTP status (escaped: it may quote the server).
 * URLs in it show no query, fragment or credentials (the message is redacted already; a cause
 * string from a snapshot may not be).
 */
export function describeError(error: SseError): string {
  const status = error.status === undefined ? '' : ` (status ${error.status})`;
  // RECONNECT_EXHAUSTED carries the failure that used up the budget: say what it was.
  const cause = isSseError(error.cause)
    ? ` (${error.cause.code}: ${error.cause.message})`
    : typeof error.cause === 'string'
      ? ` (${redactUrlsIn(error.cause)})`
      : '';
  return escapeText(`${error.code}: ${error.message}${status}${cause}`);
}

/**
 * Why stdout broke, when that is a failure; `undefined` when it did not break, or broke because its
 * reader went away (EPIPE: `| head -1` has read enough), which only ends the run.
 */
export function stdoutFailure(closed: AbortSignal): string | undefined {
  if (!closed.aborted) return undefined;
  const code = (closed.reason as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' ? undefined : escapeText(String(closed.reason));
}

/** Abort `controller` when `signal` aborts (at once if it has); returns a function that stops following. */
export function follow(signal: AbortSignal, controller: AbortController): () => void {
  const abort = (): void => controller.abort();
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

/** Wait until `stream` drains; false when `signal` ends the wait first. */
async function drained(stream: TailIo['stdout'], signal: AbortSignal): Promise<boolean> {
  if (stream.once === undefined) return true;
  try {
    await once(stream as unknown as NodeJS.EventEmitter, 'drain', { signal });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

function openTraceFile(path: string): TraceWriter {
  try {
    return openTrace(path);
  } catch (error) {
    // A path that cannot be written is a mistake on the command line, like an unreadable --data-file.
    throw new UsageError(`cannot open --trace ${printableJson(path)}: ${(error as Error).message}`);
  }
}

/** Run `tail` until the stream ends, fails, `--count` or `--timeout` is reached, or Ctrl-C. */
export async function runTail(command: TailCommand, io: TailIo): Promise<number> {
  const err = painter(io.stderr, io.env);
  const out = painter(io.stdout, io.env);
  const trace = command.trace === undefined ? undefined : openTraceFile(command.trace);

  let client: ReturnType<typeof createSseClient>;
  try {
    client = createSseClient(command.url, {
      ...command.options,
      ...(trace === undefined ? {} : { inspect: trace.inspect }),
    });
  } catch (error) {
    trace?.close();
    // Options the library rejects are mistakes on the command line.
    if (error instanceof TypeError) throw new UsageError(error.message.replace(/^sse-machine: /, ''));
    throw error;
  }
  const status = new StatusLine(io.stderr, io.stderr.isTTY === true && !command.quiet, () =>
    formatStatusLine(client.state, client.metrics()),
  );
  // Once the outcome is known, the closing transitions are noise: the summary says what happened.
  let finished = false;
  const log = (text: string): void => {
    if (command.quiet || finished) return;
    status.clear();
    io.stderr.write(`${err('dim', timestamp())} ${text}\n`);
    status.draw();
  };

  client.on('state', (state, { attempt, delay }) => {
    if (state === 'connecting') log(`connecting to ${redactUrl(command.url)} (attempt ${attempt})`);
    else if (state === 'reconnecting') {
      log(err('yellow', `reconnecting in ${formatMs(delay ?? 0)} (attempt ${attempt + 1} next)`));
    } else if (state !== 'connected') log(`state ${state}`);
  });
  client.on('open', (open) => log(err('green', `connected: ${open.status} (attempt ${open.attempt})`)));
  client.on('error', (error) => log(err('red', `error ${describeError(error)}`)));
  if (command.comments) client.on('comment', (text) => log(err('dim', `: ${escapeText(text)}`)));

  // Ctrl-C, --timeout and a stdout nobody reads any more all end the run, even while it waits for
  // stdout to drain: a reader that does not read (`| less`, not scrolled) must not hold it forever.
  const stop = new AbortController();
  stop.signal.addEventListener('abort', () => client.close(), { once: true });
  const stopFollowing = follow(io.stdoutClosed, stop);
  let interrupted = false;
  let timedOut = false;
  const stopInterrupt = io.onInterrupt(() => {
    interrupted = true;
    stop.abort();
  });
  const timer =
    command.timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop.abort();
        }, command.timeout);

  status.start();
  // TTY stdout and stderr share a screen: an event line must not land on the status line.
  const sharesScreen = io.stdout.isTTY === true && io.stderr.isTTY === true;
  let received = 0;
  let failure: unknown;
  try {
    for await (const event of client.events()) {
      if (stop.signal.aborted) break;
      if (sharesScreen) status.clear();
      const line = command.json ? formatEventJson(event) : formatEvent(event as SseEvent, out);
      const flushed = io.stdout.write(line);
      received++;
      // Respect a slow reader downstream (a pipe into `less`): the iterator pauses the socket meanwhile.
      if (!flushed && !(await drained(io.stdout, stop.signal))) break;
      if (command.count !== undefined && received >= command.count) break;
    }
  } catch (error) {
    failure = error;
  } finally {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    stopInterrupt();
    stopFollowing();
    client.close();
    status.stop();
    trace?.close();
  }

  if (interrupted || !command.quiet) io.stderr.write(formatSummary(client.metrics()));
  if (failure !== undefined) {
    const text = isSseError(failure) ? describeError(failure) : escapeText(String(failure));
    io.stderr.write(`${err('red', 'sse-machine: failed:')} ${text}\n`);
    return EXIT.failed;
  }
  const broken = stdoutFailure(io.stdoutClosed);
  if (broken !== undefined) {
    io.stderr.write(`${err('red', 'sse-machine: failed:')} cannot write to stdout: ${broken}\n`);
    return EXIT.failed;
  }
  if (timedOut && command.count !== undefined && received < command.count) {
    io.stderr.write(
      `sse-machine: timeout after ${formatMs(command.timeout ?? 0)}: ${received} of ${command.count} events\n`,
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}
