/**
 * The live status line of a terminal: one line at the bottom of stderr, redrawn in place. Other
 * output clears it first, so log lines and events never end up glued to it.
 *
 * @module
 */
import type { OutputStream } from './format.js';

const CLEAR = '\r\u001b[2K';

/** A status line on a TTY; every method is a no-op when `enabled` is false. */
export class StatusLine {
  private shown = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly enabled: boolean,
    private readonly render: () => string,
  ) {}

  /** Redraw every `interval` ms until {@link StatusLine.stop}. */
  start(interval = 250): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => this.draw(), interval);
    // The status line must never be what keeps the process alive.
    this.timer.unref();
    this.draw();
  }

  /** Draw now (after a state change, say). */
  draw(): void {
    if (!this.enabled) return;
    // A pseudo-terminal may report 0 columns: assume the classic 80 then.
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const text = this.render();
    this.stream.write(`${CLEAR}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.shown = true;
  }

  /** Erase the line so that the next write starts on a clean line. */
  clear(): void {
    if (!this.shown) return;
    this.stream.write(CLEAR);
    this.shown = false;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }
}
