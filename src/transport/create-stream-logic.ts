/**
 * The `stream` actor: one connection attempt over any {@link HttpTransport}. It builds the request,
 * judges the response, parses the body and reports to the machine: `STREAM.OPEN`, at most one
 * `STREAM.PROGRESS` per chunk, then `STREAM.ERROR` or `STREAM.END`. Event payloads go straight to
 * `options.onEvent` (the data plane) unless it is absent.
 *
 * @module
 */
import { fromCallback } from 'xstate';
import { isSseError, SseError } from '../errors.js';
import { normalizeHeaders, type SseHeaders } from '../options.js';
import { createEventStreamParser } from '../parser/create-event-stream-parser.js';
import type { SseEvent } from '../parser/types.js';
import { judgeResponse } from './response-policy.js';
import type {
  HttpRequest,
  HttpResponse,
  HttpTransport,
  StreamEvent,
  StreamInput,
  StreamOpenEvent,
  StreamOptions,
  StreamProgressEvent,
} from './types.js';

const utf8 = new TextEncoder();

/**
 * A header value carrying UTF-8: each byte becomes one char ≤ U+00FF, which both undici and fetch
 * write out as that byte. `Last-Event-ID` is UTF-8 on the wire (HTML spec).
 */
function toByteString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII fast path
  if (/^[\x00-\x7f]*$/.test(value)) return value;
  let out = '';
  for (const byte of utf8.encode(value)) out += String.fromCharCode(byte);
  return out;
}

async function buildHeaders(input: StreamInput, options: StreamOptions): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    'cache-control': 'no-cache',
  };
  const add = (extra: SseHeaders): void => {
    for (const [name, value] of Object.entries(normalizeHeaders(extra))) headers[name.toLowerCase()] = value;
  };
  add(input.headers);
  if (options.headers !== undefined) {
    add(typeof options.headers === 'function' ? await options.headers(input.attempt) : options.headers);
  }
  if (input.lastEventId !== '') headers['last-event-id'] = toByteString(input.lastEventId);
  return headers;
}

function requestBody(input: StreamInput, options: StreamOptions): string | Uint8Array | undefined {
  const body = options.body ?? input.body;
  return typeof body === 'function' ? body() : body;
}

/** Closes a body we will not read, without an error event nobody listens to. */
async function discardBody(response: HttpResponse): Promise<void> {
  try {
    await response.body[Symbol.asyncIterator]().return?.();
  } catch {
    // The body is being thrown away; how it dies does not matter.
  }
}

/** Apply the user's `shouldReconnect` to a failure. Its exceptions fall back to the default policy. */
function consult(
  options: StreamOptions,
  error: SseError,
  retryable: boolean,
): { retryable: boolean; delay?: number } {
  if (options.shouldReconnect === undefined) return { retryable };
  let verdict: boolean | number | undefined;
  try {
    verdict = options.shouldReconnect(error);
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

/**
 * Create the `stream` actor logic for {@link sseMachine}'s `provide({ actors: { stream } })`.
 *
 * Every callback carries the attempt number; once the machine stops the actor (a new attempt, a
 * timeout, `CLOSE`), the request is aborted and nothing more is sent or delivered.
 *
 * @example
 * ```ts
 * const machine = sseMachine.provide({
 *   actors: { stream: createStreamLogic(createUndiciTransport(), { onEvent: (e) => console.log(e.data) }) },
 * });
 * ```
 */
export function createStreamLogic(transport: HttpTransport, options: StreamOptions = {}) {
  return fromCallback<StreamEvent, StreamInput>(({ input, sendBack }) =>
    startAttempt(transport, options, input, sendBack),
  );
}

/** A transport and its options, attached to one actor system by {@link bindStream}. */
export interface StreamBinding {
  readonly transport: HttpTransport;
  readonly options: StreamOptions;
}

// Keyed by actor system: one shared machine serves every client, each with its own callbacks,
// instead of a `provide()` copy of the whole chart per client (measured: ~36 KB each).
const bindings = new WeakMap<object, StreamBinding>();

/** @internal Attach a transport and callbacks to an actor (before it starts). */
export function bindStream(system: object, binding: StreamBinding): void {
  bindings.set(system, binding);
}

/**
 * The `stream` actor of a shared machine: it uses the transport and options bound to its actor
 * system with {@link bindStream}, or the default transport (events then ride on `sse.event`).
 */
export function createBoundStreamLogic(defaultTransport: () => HttpTransport) {
  return fromCallback<StreamEvent, StreamInput>(({ input, sendBack, system }) => {
    const binding = bindings.get(system);
    return startAttempt(binding?.transport ?? defaultTransport(), binding?.options ?? {}, input, sendBack);
  });
}

/**
 * The abort reason of a stopped attempt. Aborting without a reason makes the platform build a
 * `DOMException` and undici a `RequestAbortedError`, each capturing a stack trace: measured ~5 % of
 * a create-connect-close cycle. Nothing reads this reason: a stopped attempt ignores its failures.
 */
const STOPPED = new SseError('ABORTED', 'the attempt was stopped');

function startAttempt(
  transport: HttpTransport,
  options: StreamOptions,
  input: StreamInput,
  sendBack: (event: StreamEvent) => void,
): () => void {
  const controller = new AbortController();
  let stopped = false;
  const send = (event: StreamEvent): void => {
    if (!stopped) sendBack(event);
  };
  runAttempt(transport, options, input, controller, send, () => stopped).catch(() => {
    // runAttempt reports its own failures; this only guards against an unexpected rejection.
  });
  return () => {
    stopped = true;
    controller.abort(STOPPED);
  };
}

async function runAttempt(
  transport: HttpTransport,
  options: StreamOptions,
  input: StreamInput,
  controller: AbortController,
  send: (event: StreamEvent) => void,
  isStopped: () => boolean,
): Promise<void> {
  const { attempt } = input;
  const fail = (error: SseError, defaultRetryable: boolean): void => {
    if (isStopped()) return;
    options.onError?.(error, attempt);
    const { retryable, delay } = consult(options, error, defaultRetryable);
    send({
      type: 'STREAM.ERROR',
      attempt,
      error: error.toJSON(),
      retryable,
      ...(delay === undefined ? {} : { delay }),
    });
  };

  let request: HttpRequest;
  try {
    request = {
      url: input.url,
      method: input.method,
      headers: await buildHeaders(input, options),
      body: requestBody(input, options),
      signal: controller.signal,
    };
  } catch (cause) {
    // The app's own headers or body function failed (a token service down, say): worth another
    // attempt, but not to be mistaken for the network.
    if (isStopped()) return;
    const message = String((cause as Error)?.message ?? cause);
    fail(
      new SseError('REQUEST', `could not build the request for attempt ${attempt}: ${message}`, {
        url: input.url,
        attempt,
        cause,
      }),
      true,
    );
    return;
  }
  if (isStopped()) return;

  let response: HttpResponse;
  try {
    response = await transport(request);
  } catch (cause) {
    if (isStopped()) return;
    const error = isSseError(cause)
      ? cause
      : new SseError(
          'NETWORK',
          `request to ${input.url} failed: ${String((cause as Error)?.message ?? cause)}`,
          {
            url: input.url,
            attempt,
            cause,
          },
        );
    fail(error, error.code === 'NETWORK');
    return;
  }
  if (isStopped()) {
    await discardBody(response);
    return;
  }

  const verdict = judgeResponse(response.status, response.headers, response.url, attempt);
  if (!verdict.accepted) {
    await discardBody(response);
    fail(verdict.error, verdict.retryable);
    return;
  }
  const open: StreamOpenEvent = {
    type: 'STREAM.OPEN',
    attempt,
    status: response.status,
    url: response.url,
    headers: response.headers,
  };
  options.onOpen?.(open);
  send(open);

  // Per-chunk tallies, folded into one STREAM.PROGRESS.
  let dispatched = 0;
  let changedLastEventId: string | undefined;
  let retry: number | undefined;
  let pending: SseEvent[] | undefined;
  let tooLarge: SseError | undefined;
  const { onEvent, onComment, onChunk, beforeNextChunk } = options;
  const parser = createEventStreamParser(
    {
      onEvent:
        onEvent === undefined
          ? (event) => {
              dispatched++;
              if (pending === undefined) pending = [event];
              else pending.push(event);
            }
          : (event) => {
              dispatched++;
              if (!isStopped()) onEvent(event, attempt);
            },
      onRetry: (milliseconds) => {
        retry = milliseconds;
      },
      onLastEventId: (lastEventId) => {
        changedLastEventId = lastEventId;
      },
      ...(onComment === undefined ? {} : { onComment: (comment: string) => onComment(comment, attempt) }),
      onError: (error) => {
        tooLarge = error;
      },
    },
    { maxEventSize: input.maxEventSize, lastEventId: input.lastEventId },
  );

  try {
    for await (const chunk of response.body) {
      if (isStopped()) return;
      parser.feed(chunk);
      if (isStopped()) return;
      onChunk?.(chunk.byteLength, attempt);
      const progress: StreamProgressEvent = {
        type: 'STREAM.PROGRESS',
        attempt,
        bytes: chunk.byteLength,
        dispatched,
        ...(changedLastEventId === undefined ? {} : { lastEventId: changedLastEventId }),
        ...(retry === undefined ? {} : { retry }),
        ...(pending === undefined ? {} : { events: pending }),
      };
      dispatched = 0;
      changedLastEventId = undefined;
      retry = undefined;
      pending = undefined;
      send(progress);
      if (tooLarge !== undefined) {
        const error = new SseError('EVENT_TOO_LARGE', `${tooLarge.message}; connection dropped`, {
          url: response.url,
          attempt,
        });
        controller.abort();
        fail(error, false);
        return;
      }
      const wait = beforeNextChunk?.();
      if (wait !== undefined) await wait;
    }
  } catch (cause) {
    if (isStopped()) return;
    fail(
      new SseError(
        'NETWORK',
        `the stream from ${response.url} broke: ${String((cause as Error)?.message ?? cause)}`,
        {
          url: response.url,
          attempt,
          cause,
        },
      ),
      true,
    );
    return;
  }
  // A partial event at the end of the body is discarded, as the specification requires.
  parser.end();
  send({ type: 'STREAM.END', attempt });
}
