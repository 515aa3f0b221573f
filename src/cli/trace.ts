/**
 * `--trace FILE`: every XState inspection event of the client's actor system as one JSON line.
 *
 * @module
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { InspectionEvent } from 'xstate';

/** One line of a trace file. */
export interface TraceRecord {
  /** The inspection event type (`@xstate.event`, `@xstate.snapshot`, `@xstate.transition`, ...). */
  readonly type: string;
  /** The type of the event (or action) it is about, if any. */
  readonly event: string | null;
  /** The connection machine's state value at that moment. */
  readonly state: unknown;
  /** Which actor: `root` for the connection machine, else the child's id (the `stream` actor). */
  readonly actor: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/** A trace writer: `inspect` goes to the client's options, `close` on exit. */
export interface TraceWriter {
  readonly inspect: (event: InspectionEvent) => void;
  close(): void;
}

/**
 * Open `path` (truncating it) and return an inspection observer writing to it. Writes are
 * synchronous so that the file is complete and ordered whenever the process exits, even on Ctrl-C.
 */
export function openTrace(path: string, now: () => number = Date.now): TraceWriter {
  const fd = openSync(path, 'w');
  let rootState: unknown = null;
  let open = true;
  return {
    inspect(inspection) {
      if (!open) return;
      const isRoot = inspection.actorRef.sessionId === inspection.rootId;
      if (isRoot && 'snapshot' in inspection) {
        rootState = (inspection.snapshot as { value?: unknown }).value ?? rootState;
      }
      const about =
        inspection.type === '@xstate.action'
          ? inspection.action.type
          : 'event' in inspection
            ? inspection.event.type
            : null;
      const record: TraceRecord = {
        type: inspection.type,
        event: typeof about === 'string' ? about : null,
        state: rootState,
        actor: isRoot
          ? 'root'
          : ((inspection.actorRef as { id?: string }).id ?? inspection.actorRef.sessionId),
        timestamp: now(),
      };
      writeSync(fd, `${JSON.stringify(record)}\n`);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
