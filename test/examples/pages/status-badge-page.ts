/**
 * Runs inside Chromium (bundled by esbuild, the browser build of the client): the status badge
 * mounted into the page's DOM, under the same generated suite as in Node. The loopback server
 * stays in Node; the page reaches it through `window.sseServer`, a function Playwright exposes.
 *
 * @module
 */

import { mountStatusBadge, type StatusBadge } from '../../../examples/status-badge/app.js';
import { createBrokenStatusBadge } from '../../../examples/status-badge/broken-app.js';
import { renderBadge } from '../../../examples/status-badge/view.js';
import { createCoverageRecorder } from '../../../src/testing/coverage.js';
import {
  type ConnectionTestCase,
  type ConnectionTestSuite,
  generateConnectionTests,
  type LoopbackRequest,
  type LoopbackServer,
} from '../../../src/testing/generate-connection-tests.js';
import { type BadgeReading, badgeExpectations } from '../badge-expectations.js';

/** The operations the Node side performs on its server for the page. */
export type ServerCall =
  | ['next', string]
  | ['open' | 'end' | 'destroy', number]
  | ['write', number, string]
  | ['respond', number, number, Record<string, string> | undefined, string | undefined];

/** What the page exposes to the test. */
export interface BadgePageApi {
  /** Descriptions of the generated tests, in order. */
  readonly descriptions: readonly string[];
  /** Run one (of the working badge, or of the broken one): `null` when it passed, else the message. */
  run(description: string, variant: 'working' | 'broken'): Promise<string | null>;
  /** The coverage line of the runs so far (working badge). */
  coverage(): string;
}

declare global {
  interface Window {
    sseServer(...call: ServerCall): Promise<unknown>;
    badgePage: BadgePageApi;
  }
}

const server: LoopbackServer = {
  url: (path) => new URL(path, location.origin).href,
  async nextRequest(path) {
    const { id, headers } = (await window.sseServer('next', path)) as {
      id: number;
      headers: LoopbackRequest['headers'];
    };
    return {
      headers,
      open: () => void window.sseServer('open', id),
      write: async (chunk) => void (await window.sseServer('write', id, chunk)),
      end: async () => void (await window.sseServer('end', id)),
      destroy: () => void window.sseServer('destroy', id),
      respond: (status, responseHeaders, body) =>
        void window.sseServer(
          'respond',
          id,
          status,
          responseHeaders ? { ...responseHeaders } : undefined,
          body,
        ),
    };
  },
};

interface MountedBadge {
  readonly badge: StatusBadge;
  readonly root: HTMLElement;
}

/** The badge as the DOM shows it. */
function read({ root }: MountedBadge): BadgeReading {
  return {
    status: root.querySelector('.badge')?.textContent ?? '(no badge)',
    retryButton: root.querySelector('button.retry') !== null,
    events: [...root.querySelectorAll('.events li')].map((item) => item.textContent ?? ''),
  };
}

const mount = (url: string, options: Parameters<typeof mountStatusBadge>[2]): MountedBadge => {
  const root = document.body.appendChild(document.createElement('section'));
  return { badge: mountStatusBadge(root, url, options), root };
};

const mountBroken = (url: string, options: Parameters<typeof mountStatusBadge>[2]): MountedBadge => {
  const root = document.body.appendChild(document.createElement('section'));
  const badge = createBrokenStatusBadge(url, options);
  const render = (): void => {
    root.innerHTML = renderBadge(badge.view);
  };
  badge.onChange(render);
  render();
  return { badge, root };
};

const coverage = createCoverageRecorder();
const suite: Omit<ConnectionTestSuite<MountedBadge>, 'start'> = {
  server,
  close: ({ badge, root }) => {
    badge.close();
    root.remove();
  },
  // The user's click on the retry button, as the page wires it.
  retry: ({ root }) => (root.querySelector('button.retry') as HTMLButtonElement | null)?.click(),
  expect: badgeExpectations(read),
};

const byDescription = (tests: ConnectionTestCase[]): Map<string, ConnectionTestCase> =>
  new Map(tests.map((test) => [test.description, test]));
const working = generateConnectionTests({ ...suite, start: mount, coverage });
const broken = byDescription(generateConnectionTests({ ...suite, start: mountBroken }));
const workingByDescription = byDescription(working);

window.badgePage = {
  descriptions: working.map((test) => test.description),
  async run(description, variant) {
    const test = (variant === 'working' ? workingByDescription : broken).get(description);
    if (test === undefined) return `no generated test named ${description}`;
    try {
      await test.run();
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  },
  coverage: () => coverage.summary(),
};
