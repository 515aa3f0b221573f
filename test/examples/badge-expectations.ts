/**
 * What the status badge must show in each connection state: the assertions the generated suite
 * runs after every step, shared by the Node run (HTML string) and the Chromium run (the DOM).
 * Plain throws, no test library: the same module runs inside the browser.
 *
 * @module
 */
import { seconds } from '../../examples/status-badge/app.js';
import type { ConnectionTestSuite } from '../../src/testing/index.js';

/** What a reader sees on the badge. */
export interface BadgeReading {
  readonly status: string;
  readonly retryButton: boolean;
  readonly events: readonly string[];
}

function same(what: string, want: unknown, saw: unknown): void {
  const [w, s] = [JSON.stringify(want), JSON.stringify(saw)];
  if (w !== s) throw new Error(`expected ${what} ${w.replaceAll('"', "'")}, saw ${s.replaceAll('"', "'")}`);
}

/** The `expect` of the suite, given how to read a badge. */
export function badgeExpectations<App>(read: (app: App) => BadgeReading): ConnectionTestSuite<App>['expect'] {
  return {
    connecting(app, { attempt }) {
      same('badge', attempt > 1 ? `reconnecting (attempt ${attempt})` : 'connecting', read(app).status);
    },
    connected(app, _details, { events }) {
      const badge = read(app);
      same('badge', 'online', badge.status);
      // Every event once, in order, across reconnects: the list resumes, it does not repeat.
      same(
        'events',
        events.map((event) => event.data),
        badge.events,
      );
    },
    reconnecting(app, { delay, reason }) {
      const wait = seconds(delay ?? Number.NaN);
      const badge = read(app);
      same(
        'badge',
        reason === 'retry-after' ? `server busy, retrying in ${wait}` : `reconnecting in ${wait}`,
        badge.status,
      );
      same('retry button', true, badge.retryButton);
    },
    failed(app, { error }) {
      const badge = read(app);
      same('badge', `offline: ${error?.code}`, badge.status);
      same('retry button', true, badge.retryButton);
    },
    closed(app) {
      same('badge', 'closed', read(app).status);
    },
  };
}
