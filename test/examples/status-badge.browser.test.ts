/**
 * The example app under the generated suite in headless Chromium: the browser build of the client,
 * the badge in a real DOM, the retry button clicked, the loopback server in Node (reached through a
 * function Playwright exposes). The paths are the same as in Node; the broken badge fails here too.
 *
 * Without Chromium (a fresh machine) the file is skipped with one line saying how to run it;
 * with `SSE_MACHINE_REQUIRE_BROWSER=1` (CI) a missing browser is a failure.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusBadge } from '../../examples/status-badge/app.js';
import {
  generateConnectionTests,
  type ParkedRequest,
  type SseServer,
  startSseServer,
} from '../../src/testing/index.js';
import { CHROMIUM_PATH, launchChromium, servePage } from '../browser/chromium.js';
import type { ServerCall } from './pages/status-badge-page.js';

const entry = fileURLToPath(new URL('./pages/status-badge-page.ts', import.meta.url));
const browserShim = fileURLToPath(new URL('../../src/browser.ts', import.meta.url));
const available = existsSync(CHROMIUM_PATH) || process.env.SSE_MACHINE_REQUIRE_BROWSER === '1';
if (!available) {
  console.log(
    `status badge in Chromium: skipped, no browser at ${CHROMIUM_PATH} (apt-get install -y chromium, or .ci/run)`,
  );
}

// The same paths as the page generates (the generator is deterministic): one vitest test each.
const descriptions = available
  ? generateConnectionTests({
      server: { url: () => '', nextRequest: () => Promise.reject(new Error('names only')) },
      start: createStatusBadge,
      close: (badge) => badge.close(),
      retry: (badge) => badge.retry(),
      expect: {},
    }).map((test) => test.description)
  : [];

let browser: Browser;
let server: SseServer;
let page: Page;

beforeAll(async () => {
  if (!available) return;
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        // The example's client module, swapped for the browser build (an app's bundler does this
        // with the `browser` export condition of 'sse-machine').
        name: 'browser-client',
        setup(plugin) {
          plugin.onResolve({ filter: /\/sse-client\.js$/ }, () => ({ path: browserShim }));
        },
      },
    ],
  });
  const bundle = result.outputFiles[0]?.text ?? '';
  [browser, server] = await Promise.all([launchChromium(), startSseServer()]);
  servePage(server, 'status badge', bundle);
  page = await (await browser.newContext()).newPage();
  const held = new Map<number, ParkedRequest>();
  let ids = 0;
  await page.exposeFunction('sseServer', async (...call: ServerCall) => {
    if (call[0] === 'next') {
      const request = await server.nextRequest(call[1]);
      held.set(++ids, request);
      return { id: ids, headers: request.headers };
    }
    const request = held.get(call[1]);
    if (request === undefined) throw new Error(`no request ${call[1]}`);
    switch (call[0]) {
      case 'open':
        return request.open();
      case 'write':
        return request.write(call[2]).catch(() => {});
      case 'end':
        return request.end();
      case 'destroy':
        return request.destroy();
      case 'respond':
        return request.respond(call[2], call[3], call[4]);
    }
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(server.url('/'));
  await page.waitForFunction(() => window.badgePage !== undefined);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(!available)('status badge in Chromium: generated connection paths', () => {
  it('generates the same paths in the page as in Node', async () => {
    expect(await page.evaluate(() => window.badgePage.descriptions)).toEqual(descriptions);
  });

  for (const description of descriptions) {
    it(description, async () => {
      const failure = await page.evaluate(
        ([d]) => window.badgePage.run(d as string, 'working'),
        [description],
      );
      expect(failure).toBeNull();
    });
  }

  it('reports its coverage in one line', async () => {
    const line = await page.evaluate(() => window.badgePage.coverage());
    console.log(`status badge in Chromium, ${descriptions.length} paths: ${line}`);
    // Every state but `reading.held`: the generated paths do not hold an events() consumer back.
    expect(line).toMatch(/^chart coverage: states 13\/14 \(92\.8 %\), transitions \d+\/29/);
  });

  it('catches the broken badge, naming the path and the step', async () => {
    const heartbeat = descriptions.find((d) => d.includes('(heartbeat timeout)'));
    expect(heartbeat).toBeDefined();
    const failure = await page.evaluate(([d]) => window.badgePage.run(d as string, 'broken'), [heartbeat]);
    expect(failure).toMatch(
      /^no heartbeat: connecting → connected \(open\) → connected \(stable period\) → reconnecting \(heartbeat timeout\): expected badge 'reconnecting in \d+ s', saw 'online'$/,
    );
  });
});
