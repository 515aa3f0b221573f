/**
 * One connection attempt: build the request, call the transport, judge the response, read and
 * parse the body, and report to the chart only what the chart owns (see `stream-protocol.ts`).
 *
 * The data plane stays here: events go from the parser straight to the sink, a chunk costs a
 * timestamp, and cursor changes are coalesced into at most one `STREAM.PROGRESS` per
 * {@link PROGRESS_INTERVAL} (the first after a quiet spell at once), flushed before any other
 * report, so a reconnect always sends the latest `Last-Event-ID`.
 *
 * @module
 */
import type { SseClock } from '../clock.js';
import { clockNow } from '../clock.js';
import { isSseError, SseError } from '../errors.js';
import { createEventStreamParser } from '../parser/create-event-stream-parser.js';
import type { EventStreamDecoder, SseEvent } from '../parser/types.js';
import { redactUrl } from '../redact.js';
import type { ShouldReconnect } from '../request.js';
import { buildBody, buildHeaders, type RequestParts } from './build-request.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http.js';
import { consultShouldReconnect } from './reconnect-verdict.js';
import { unusableBody } from './response-body.js';
import { judgeResponse } from './response-policy.js';
import {
  PROGRESS_INTERVAL,
  SILENCE_TIMER_CODES,
  type StreamCommand,
  type StreamEvent,
  type StreamInput,
  type StreamProgressEvent,
} from './stream-protocol.js';
import { type SilenceTimer, Watchdog } from './watchdog.js';

/**
 * What a `stream` actor needs beyond the plain-data {@link StreamInput}: the request's secrets and
 * functions, and the data-plane sinks. None of it ever enters the machine's context.
 */
export interface StreamOptions extends RequestParts {
  /** The user's verdict on a failure; see {@link ShouldReconnect}. */
  shouldReconnect?: ShouldReconnect | undefined;
  /**
   * The data plane: called for every dispatched event, straight from the parser. Without it, events
   * ride on `STREAM.PROGRESS` and the machine emits them (`sse.event`). It must not throw (the
   * client wraps user listeners); a throw ends the attempt.
   */
  onEvent?: ((event: SseEvent) => void) | undefined;
  /** A block without data committed a new last event ID (no event carries it). */
  onCursor?: ((lastEventId: string) => void) | undefined;
  /** Comment lines (keep-alives), without the colon and one leading space. */
  onComment?: ((comment: string) => void) | undefined;
  /** Bytes of every received chunk (metrics). */
  onChunk?: ((bytes: number) => void) | undefined;
  /** The parser's byte decoder (the Node entry passes its `Buffer` decoder); `TextDecoder` otherwise. */
  createDecoder?: (() => EventStreamDecoder) | undefined;
}

const TIMEOUT_MESSAGES: Record<SilenceTimer, string> = {
  connectTimeout: 'no response headers within connectTimeout',
  heartbeatTimeout: 'no bytes received within heartbeatTimeout',
  idleEventTimeout: 'no event dispatched within idleEventTimeout',
};

/**
 * The abort reason of a stopped attempt, made once: aborting without a reason makes the platform
 * build a `DOMException` and undici a `RequestAbortedError`, each capturing a stack trace (measured
 * ~5 % of a create-connect-close cycle). Nothing reads it: a stopped attempt ignores its failures.
 */
const STOPPED = new Error('sse-machine: the attempt was stopped');

/**
 * What broke a body, in words a person reads: undici says `other side closed` or `Response does not
 * match the HTTP/1.1 protocol (Invalid EOF state)` when the server drops the socket mid-response.
 * The original stays the error's `cause`.
 */
function describeBreak(cause: unknown): string {
  const message = String((cause as Error)?.message ?? cause);
  const code = (cause as { code?: unknown })?.code;
  if (
    /other side closed|Invalid EOF state|terminated|socket hang up/i.test(message) ||
    code === 'UND_ERR_SOCKET' ||
    code === 'ECONNRESET'
  ) {
    return 'the server closed the connection in the middle of the stream';
  }
  return message;
}

/** A transport's error names no attempt (it does not know it): the attempt adds its number. */
function withAttempt(error: SseError, attempt: number): SseError {
  if (error.attempt !== undefined) return error;
  const copy = new SseError(error.code, error.message, {
    status: error.status,
    url: error.url,
    attempt,
    retryAfter: error.retryAfter,
    cause: error.cause,
    headers: error.headers,
  });
  if (error.stack !== undefined) copy.stack = error.stack;
  return copy;
}

/** The pieces of an attempt the actor wiring hands in. */
export interface AttemptScope {
  readonly transport: HttpTransport;
  readonly options: StreamOptions;
  readonly input: StreamInput;
  readonly clock: SseClock;
  readonly sendBack: (event: StreamEvent) => void;
}

/** A running attempt: commands from the chart go in, `stop` ends it for good. */
export interface Attempt {
  command(command: StreamCommand): void;
  stop(): void;
}

/** Start one attempt. Everything it reports goes through `scope.sendBack`, never after `stop()`. */
export function startAttempt(scope: AttemptScope): Attempt {
  const { transport, options, input, clock } = scope;
  const controller = new AbortController();
  const now = clockNow(clock);
  const label = redactUrl(options.url ?? input.url);
  let stopped = false;
  let retries = input.retries;
  let waited = input.waited;
  let held = false;
  let resume: (() => void) | undefined;

  const send = (event: StreamEvent): void => {
    if (!stopped) scope.sendBack(event);
  };

  // Coalesced reports of what the chart owns.
  let pendingCursor: string | undefined;
  let pendingRetry: number | undefined;
  let reportedAt = Number.NEGATIVE_INFINITY;
  let flushTimer: unknown;
  let flushArmed = false;
  const flush = (): void => {
    if (flushArmed) clock.clearTimeout(flushTimer);
    flushArmed = false;
    if (pendingCursor === undefined && pendingRetry === undefined) return;
    const progress: StreamProgressEvent = {
      type: 'STREAM.PROGRESS',
      ...(pendingCursor === undefined ? {} : { lastEventId: pendingCursor }),
      ...(pendingRetry === undefined ? {} : { retry: pendingRetry }),
    };
    pendingCursor = pendingRetry = undefined;
    reportedAt = now();
    send(progress);
  };
  const report = (): void => {
    if (flushArmed) return;
    const since = now() - reportedAt;
    if (since >= PROGRESS_INTERVAL || pendingRetry !== undefined) {
      flush();
      return;
    }
    flushArmed = true;
    flushTimer = clock.setTimeout(flush, PROGRESS_INTERVAL - since);
  };

  const finish = (event: StreamEvent): void => {
    if (stopped) return;
    flush();
    watchdog.stop();
    send(event);
  };

  const watchdog = new Watchdog(clock, now, input, (timer) => {
    controller.abort(STOPPED);
    finish({
      type: 'STREAM.TIMEOUT',
      timer,
      error: new SseError(SILENCE_TIMER_CODES[timer], `${TIMEOUT_MESSAGES[timer]} (${input[timer]} ms)`, {
        url: label,
        attempt: input.attempt,
      }),
    });
  });

  const fail = (error: SseError, defaultRetryable: boolean): void => {
    if (stopped) return;
    const { retryable, delay } = consultShouldReconnect(
      options.shouldReconnect,
      { error, attempt: input.attempt, retries, waited },
      defaultRetryable,
    );
    finish({ type: 'STREAM.ERROR', error, retryable, ...(delay === undefined ? {} : { delay }) });
  };

  const run = async (): Promise<void> => {
    const { attempt } = input;
    let request: HttpRequest;
    try {
      request = {
        url: options.url ?? input.url,
        method: input.method,
        headers: await buildHeaders(input, options),
        body: buildBody(input, options),
        signal: controller.signal,
      };
    } catch (cause) {
      // The app's own headers or body function failed (a token service down, say): worth another
      // attempt, but not to be mistaken for the network.
      const message = String((cause as Error)?.message ?? cause);
      fail(
        new SseError('REQUEST', `could not build the request for attempt ${attempt}: ${message}`, {
          url: label,
          attempt,
          cause,
        }),
        true,
      );
      return;
    }
    if (stopped) return;

    let response: HttpResponse;
    try {
      response = await transport(request);
    } catch (cause) {
      if (stopped) return;
      const error = isSseError(cause)
        ? withAttempt(cause, attempt)
        : new SseError(
            'NETWORK',
            `request to ${label} failed: ${String((cause as Error)?.message ?? cause)}`,
            {
              url: label,
              attempt,
              cause,
            },
          );
      fail(error, error.code === 'NETWORK');
      return;
    }
    if (stopped) {
      controller.abort(STOPPED);
      return;
    }
    const finalUrl = redactUrl(response.url);
    const verdict = judgeResponse(response.status, response.headers, finalUrl, attempt);
    if (!verdict.accepted) {
      controller.abort(STOPPED);
      fail(verdict.error, verdict.retryable);
      return;
    }
    const { 'set-cookie': _cookie, ...headers } = response.headers;
    const broken = unusableBody(response.body, finalUrl, attempt, response.status, headers);
    if (broken !== undefined) {
      controller.abort(STOPPED);
      fail(broken, false);
      return;
    }
    const body = response.body as AsyncIterable<Uint8Array>;
    watchdog.open();
    send({ type: 'STREAM.OPEN', status: response.status, url: finalUrl, headers });
    // A consumer still holding from the last attempt: not one chunk before it reads again.
    if (held) await new Promise<void>((resolve) => (resume = resolve));
    if (stopped) return;

    const { onEvent, onCursor, onComment, onChunk } = options;
    let pending: SseEvent[] | undefined;
    let dispatched = false;
    // The parser names the new cursor before the event that carries it: one that no event claims
    // by the next block (or the end of the chunk) came from a block without data.
    let unclaimed: string | undefined;
    let tooLarge: SseError | undefined;
    const parser = createEventStreamParser(
      {
        onEvent(event) {
          dispatched = true;
          unclaimed = undefined;
          if (onEvent !== undefined) {
            if (!stopped) onEvent(event);
          } else if (pending === undefined) pending = [event];
          else pending.push(event);
        },
        onRetry(milliseconds) {
          pendingRetry = milliseconds;
        },
        onLastEventId(lastEventId) {
          if (unclaimed !== undefined) onCursor?.(unclaimed);
          unclaimed = lastEventId;
          pendingCursor = lastEventId;
        },
        ...(onComment === undefined ? {} : { onComment }),
        onError(error) {
          tooLarge = error;
        },
      },
      {
        maxEventSize: input.maxEventSize,
        lastEventId: input.lastEventId,
        ...(options.createDecoder === undefined ? {} : { createDecoder: options.createDecoder }),
      },
    );

    try {
      for await (const chunk of body) {
        if (stopped) return;
        watchdog.lastByteAt = now();
        parser.feed(chunk);
        if (stopped) return;
        if (unclaimed !== undefined) {
          onCursor?.(unclaimed);
          unclaimed = undefined;
        }
        onChunk?.(chunk.byteLength);
        if (dispatched) {
          watchdog.lastEventAt = watchdog.lastByteAt;
          dispatched = false;
        }
        if (pending !== undefined) {
          // A plain machine: its events ride on the progress of their chunk.
          const events = pending;
          pending = undefined;
          send({
            type: 'STREAM.PROGRESS',
            events,
            ...(pendingCursor === undefined ? {} : { lastEventId: pendingCursor }),
            ...(pendingRetry === undefined ? {} : { retry: pendingRetry }),
          });
          pendingCursor = pendingRetry = undefined;
        } else if (pendingCursor !== undefined || pendingRetry !== undefined) {
          report();
        }
        if (tooLarge !== undefined) {
          controller.abort(STOPPED);
          fail(
            new SseError('EVENT_TOO_LARGE', `${tooLarge.message}; connection dropped`, {
              url: finalUrl,
              attempt,
            }),
            false,
          );
          return;
        }
        if (held) await new Promise<void>((resolve) => (resume = resolve));
        if (stopped) return;
      }
    } catch (cause) {
      if (stopped) return;
      // A body that yields no bytes (BAD_RESPONSE from the fetch transport) is final, and says so.
      if (isSseError(cause) && cause.code === 'BAD_RESPONSE') {
        fail(withAttempt(cause, attempt), false);
        return;
      }
      fail(
        new SseError('NETWORK', `the stream from ${finalUrl} broke: ${describeBreak(cause)}`, {
          url: finalUrl,
          attempt,
          cause,
        }),
        true,
      );
      return;
    }
    // A partial event at the end of the body is discarded, as the specification requires.
    parser.end();
    finish({ type: 'STREAM.END' });
  };

  run().catch((cause: unknown) => {
    // A sink that threw (the client wraps user code, so this is a bug) still ends the attempt.
    fail(
      new SseError('NETWORK', `the attempt failed: ${String((cause as Error)?.message ?? cause)}`, { cause }),
      true,
    );
  });

  const release = (): void => {
    const wake = resume;
    resume = undefined;
    wake?.();
  };

  return {
    command(command) {
      if (stopped) return;
      switch (command.type) {
        case 'HOLD':
          held = true;
          watchdog.hold();
          break;
        case 'FLOW':
          held = false;
          watchdog.flow();
          release();
          break;
        case 'STABLE':
          retries = 0;
          waited = 0;
          break;
        case 'RESTART':
          flush();
          send({ type: 'STREAM.RESTART' });
          break;
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      watchdog.stop();
      if (flushArmed) clock.clearTimeout(flushTimer);
      controller.abort(STOPPED);
      release();
    },
  };
}
