/**
 * Typed events: the `parse` option of `createSseClient` turns an event's `data` into a typed
 * `payload`, with one function for every event or, per event type, a function or any Standard
 * Schema validator (zod, valibot, ...) applied to `JSON.parse(data)`. A payload that does not parse
 * is an `SseError` with code `PARSE` on `error`; the event is not delivered, the stream goes on and
 * the cursor advances past it (the server sent it; sending it again would not make it parse).
 *
 * Without `parse` nothing here runs: the client delivers the parser's events as they are.
 *
 * @module
 */
import { SseError } from '../errors.js';
import type { SseEvent } from '../parser/types.js';
import type { StandardSchemaV1, StandardSchemaV1Issue, StandardSchemaV1Result } from '../standard-schema.js';

/** Event type → payload type, e.g. `{ price: Price; news: News }`. */
export type SseEventTypes = Record<string, unknown>;

/**
 * A function from an event's `data` to its payload. `JSON.parse` is one (so it takes the data
 * alone: a second argument would be `JSON.parse`'s reviver). Per event type, use a map.
 */
export type SseDecoder<T> = (data: string) => T;

/**
 * Per event type: a Standard Schema validator (applied to `JSON.parse(data)`) or a
 * {@link SseDecoder}. Events of types without an entry are delivered without a payload.
 */
export type SseParseMap<E extends SseEventTypes> = {
  readonly [K in keyof E]: StandardSchemaV1<unknown, E[K]> | SseDecoder<E[K]>;
};

/** The `parse` option: one decoder for every event, or a {@link SseParseMap}. */
export type SseParse<E extends SseEventTypes> = SseDecoder<E[keyof E]> | SseParseMap<E>;

/** An event with its parsed payload. */
export interface SseTypedEvent<T, K extends string = string> extends SseEvent {
  /** The event type (`event:` field, or `'message'`). */
  readonly type: K;
  /** What `parse` made of `data`. */
  readonly payload: T;
}

/** The typed events of `E` (of the types `K`), a union discriminated by `type`. */
export type SseEventOf<E extends SseEventTypes, K extends keyof E = keyof E> = {
  [P in K & string]: SseTypedEvent<E[P], P>;
}[K & string];

type Decode = (event: SseEvent) => SseEvent | SseError;

function isSchema(value: unknown): value is StandardSchemaV1 {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Partial<StandardSchemaV1>)['~standard']?.validate === 'function'
  );
}

function describeIssues(issues: ReadonlyArray<StandardSchemaV1Issue>): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = (issue.path ?? [])
      .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
      .join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  return `${shown.join('; ')}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`;
}

/**
 * The per-event step for a `parse` option, or `undefined` without one (the fast path). Throws a
 * `TypeError` for a `parse` that is neither a function nor a map of functions and schemas.
 * `context()` names the URL and the attempt of the error.
 */
export function compileParse(
  parse: unknown,
  context: () => { url: string; attempt: number },
): Decode | undefined {
  if (parse === undefined) return undefined;
  const failure = (event: SseEvent, reason: string, cause: unknown): SseError => {
    const { url, attempt } = context();
    const id = event.lastEventId === '' ? '' : ` (last event id ${JSON.stringify(event.lastEventId)})`;
    return new SseError('PARSE', `event ${JSON.stringify(event.type)}${id} did not parse: ${reason}`, {
      url,
      attempt,
      cause,
    });
  };
  const typed = (event: SseEvent, payload: unknown): SseEvent =>
    ({ type: event.type, data: event.data, lastEventId: event.lastEventId, payload }) as SseEvent;
  const viaFunction =
    (decode: SseDecoder<unknown>): Decode =>
    (event) => {
      try {
        return typed(event, decode(event.data));
      } catch (cause) {
        return failure(event, String((cause as Error)?.message ?? cause), cause);
      }
    };
  if (typeof parse === 'function') return viaFunction(parse as SseDecoder<unknown>);
  if (typeof parse !== 'object' || parse === null || Array.isArray(parse)) {
    throw new TypeError(
      'sse-machine: parse must be a function of the data, or a record of event type → function or Standard Schema (zod, valibot, ...)',
    );
  }
  const steps = new Map<string, Decode>();
  for (const [type, entry] of Object.entries(parse)) {
    if (typeof entry === 'function' && !isSchema(entry)) {
      steps.set(type, viaFunction(entry as SseDecoder<unknown>));
    } else if (isSchema(entry)) {
      const validate = entry['~standard'].validate;
      steps.set(type, (event) => {
        let value: unknown;
        try {
          value = JSON.parse(event.data);
        } catch (cause) {
          return failure(event, `data is not JSON (${String((cause as Error)?.message ?? cause)})`, cause);
        }
        let result: StandardSchemaV1Result<unknown> | Promise<unknown>;
        try {
          result = validate(value);
        } catch (cause) {
          return failure(event, `the validator threw: ${String((cause as Error)?.message ?? cause)}`, cause);
        }
        if (typeof (result as Promise<unknown>).then === 'function') {
          // Waiting would reorder events and the cursor: an asynchronous schema is refused.
          return failure(event, 'the schema validates asynchronously; use a synchronous one', undefined);
        }
        const { issues } = result as StandardSchemaV1Result<unknown>;
        if (issues !== undefined) return failure(event, describeIssues(issues), issues);
        return typed(event, (result as { value: unknown }).value);
      });
    } else {
      throw new TypeError(
        `sse-machine: parse.${type} must be a function or a Standard Schema validator (zod, valibot, ...)`,
      );
    }
  }
  return (event) => {
    const step = steps.get(event.type);
    return step === undefined ? event : step(event);
  };
}
