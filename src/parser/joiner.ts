/**
 * A string built from many pieces, with memory bounded by its length (internal to the parser).
 *
 * Why not an array joined at the end: a hostile server can send a piece per line or per byte
 * (16M empty `data:` lines, a line in 1-byte segments), and then the array itself (8 bytes a slot,
 * plus one string header per piece) costs 10-25 heap bytes per character of the result. Why not a
 * string appended to: that is O(n²) once V8 flattens it, and a rope of n pieces is n cons cells.
 *
 * So pieces are merged eagerly, {@link FAN_IN} at a time, into the level above (a B-tree of joins):
 * every character is copied once per level (log₆₄ n levels: 4 for 16M pieces), at most FAN_IN pieces
 * wait on each level, and merged strings are flat copies, which also releases the chunks that the
 * pieces were sliced from.
 *
 * @internal
 * @module
 */

/** Pieces per level before they are merged into one string of the level above. */
const FAN_IN = 64;

/** An append-only string: `push` pieces, `join` once. */
export interface Joiner {
  push(piece: string): void;
  /** The pieces so far joined by the separator (a flat string when there were two or more). */
  join(): string;
  clear(): void;
  /** Merge the pending pieces of the lowest level now (they may be slices pinning a whole chunk). */
  settle(): void;
  /** Pieces pushed since the last `clear`. */
  readonly count: number;
}

/** @param separator put between pieces (`'\n'` for data lines, `''` for fragments of one line) */
export function createJoiner(separator: string): Joiner {
  // levels[0] holds the latest pieces; levels[k] holds merges of FAN_IN^k pieces, earliest at the top.
  let levels: string[][] = [[]];
  let count = 0;

  function merge(from: number): void {
    for (let level = from; ; level++) {
      const pieces = levels[level] as string[];
      const merged = pieces.join(separator);
      levels[level] = [];
      const above = levels[level + 1];
      if (above === undefined) {
        levels.push([merged]);
        return;
      }
      above.push(merged);
      if (above.length < FAN_IN) return;
    }
  }

  return {
    push(piece) {
      count++;
      const bottom = levels[0] as string[];
      bottom.push(piece);
      if (bottom.length >= FAN_IN) merge(0);
    },
    join() {
      if (levels.length === 1) return (levels[0] as string[]).join(separator);
      const parts: string[] = [];
      for (let level = levels.length - 1; level >= 0; level--) {
        const pieces = levels[level] as string[];
        if (pieces.length > 0)
          parts.push(pieces.length === 1 ? (pieces[0] as string) : pieces.join(separator));
      }
      return parts.join(separator);
    },
    clear() {
      if (count === 0) return;
      levels = [[]];
      count = 0;
    },
    settle() {
      if ((levels[0] as string[]).length > 1) merge(0);
    },
    get count() {
      return count;
    },
  };
}

/**
 * Strings this short are always copies in V8 (`SlicedString::kMinLength` is 13), never slices.
 */
const SHORTEST_SLICE = 13;

/**
 * A copy of `text` that holds only its own characters.
 *
 * Why: V8 makes `slice` of 13 or more characters a SlicedString that keeps its whole parent alive,
 * so one small `event.data` kept by a user would retain the ~64 KB chunk it came from (measured:
 * 2000 kept values of 38 chars retained 60 KB each). Flattening a cons string allocates a fresh flat
 * copy; the slice of it then pins only that copy (measured: ~140 B per kept 38-char value). This costs
 * ~40 ns per value of 13+ characters (measured on Node 20), the price of not pinning chunks.
 *
 * @internal
 */
export function detach(text: string): string {
  return text.length < SHORTEST_SLICE ? text : ` ${text}`.slice(1);
}
