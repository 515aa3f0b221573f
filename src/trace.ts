/**
 * Traces of a running client or actor as JSON Lines: one line per XState inspection event, for
 * bug reports, golden tests and offline replay. Attaches to a live actor through its system
 * (`actor.system.inspect`), so it needs no `inspect` option at creation.
 *
 * @module
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';

/** One line of a trace. */
export interface TraceRecord {
  /** When the inspection event was observed (`options.now`, `Date.now()` by default). */
  readonly ts: number;
  /** The inspection event type: `@xstate.event`, `@xstate.snapshot`, `@xstate.microstep`, ... */
  readonly type: InspectionEvent['type'];
  /** The actor concerned: its id (`stream` for the stream actor) or, for the root, its session id. */
  readonly actor: string;
  /** The event sent or processed; for `@xstate.action`, the action `{ type, params }`. */
  readonly event?: unknown;
  /** The state value after the step (`@xstate.snapshot`, `@xstate.microstep` of machines). */
  readonly state?: unknown;
}

/** Options of {@link recordTrace}. */
export interface TraceOptions {
  /** The clock of `ts`. @defaultValue `Date.now` */
  now?: () => number;
  /** Only these inspection event types. @defaultValue every type */
  types?: readonly InspectionEvent['type'][];
  /** Called when `write` throws; the trace goes on. Without it such errors are ignored. */
  onError?: (error: unknown) => void;
}

/** Anything with an XState actor: an `SseClient` (its `actor`) or an actor itself. */
export type TraceTarget =
  | AnyActorRef
  | {
      /** The actor to trace (the root of its system is traced). */
      readonly actor: AnyActorRef;
    };

function actorOf(target: TraceTarget): AnyActorRef {
  return 'system' in target ? target : target.actor;
}

function actorName(ref: InspectionEvent['actorRef'], root: AnyActorRef): string {
  const { id, sessionId } = ref as { id?: unknown; sessionId?: unknown };
  if (ref === root || typeof id !== 'string' || id === '') return String(sessionId);
  return id;
}

function stateOf(snapshot: unknown): unknown {
  if (typeof snapshot !== 'object' || snapshot === null) return undefined;
  const { value, status } = snapshot as { value?: unknown; status?: unknown };
  return value ?? status;
}

/**
 * A JSON replacer that survives what arbitrary user events may hold: cycles, bigints, errors.
 * Actor references (an event's `sourceRef`, spawned children) become their id.
 */
function safeReplacer(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (_key, value) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof value !== 'object' || value === null) return value;
    if (typeof (value as { send?: unknown }).send === 'function' && 'sessionId' in value) {
      return `[actor ${String((value as { id?: unknown }).id)}]`;
    }
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    return value;
  };
}

/**
 * The {@link TraceRecord} of one inspection event: for your own inspector, when the JSON Lines of
 * {@link recordTrace} are not the sink you want. `root` names the root actor by its session id.
 *
 * @example
 * ```ts
 * const records: TraceRecord[] = [];
 * const actor = createActor(connectionMachine, {
 *   input: { url },
 *   inspect: (event) => records.push(toTraceRecord(event, actor, performance.now())),
 * });
 * ```
 */
export function toTraceRecord(event: InspectionEvent, root: AnyActorRef, ts: number): TraceRecord {
  const base = { ts, type: event.type, actor: actorName(event.actorRef, root) };
  switch (event.type) {
    case '@xstate.snapshot':
    case '@xstate.microstep':
    case '@xstate.transition':
      return { ...base, event: event.event, state: stateOf(event.snapshot) };
    case '@xstate.event':
      return { ...base, event: event.event };
    case '@xstate.action':
      return { ...base, event: event.action };
    default:
      return base;
  }
}

/**
 * Write every inspection event of `target`'s actor system as one JSON line (no trailing newline:
 * `write` gets one record per call). Returns a function that stops the trace.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * const file = createWriteStream('trace.jsonl');
 * const stop = recordTrace(client, (line) => file.write(`${line}\n`));
 * // ... later
 * stop();
 * ```
 */
export function recordTrace(
  target: TraceTarget,
  write: (line: string) => void,
  options: TraceOptions = {},
): () => void {
  const root = actorOf(target);
  const now = options.now ?? Date.now;
  const types = options.types === undefined ? undefined : new Set(options.types);
  let active = true;
  const subscription = root.system.inspect((event: InspectionEvent) => {
    if (!active || (types !== undefined && !types.has(event.type))) return;
    let line: string;
    try {
      line = JSON.stringify(toTraceRecord(event, root, now()), safeReplacer());
      write(line);
    } catch (error) {
      options.onError?.(error);
    }
  });
  return () => {
    active = false;
    subscription.unsubscribe();
  };
}
