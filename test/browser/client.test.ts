/**
 * The browser build in real headless Chromium: bundled by esbuild (xstate included, undici
 * excluded), served with an SSE endpoint from one loopback server, connecting over the browser's
 * own `fetch`. The server drops the connection mid-event; the page must reconnect with
 * `Last-Event-ID` and see every event exactly once, in order.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { chromium, skipWithout } from '../helpers/system-deps.js';
import { launchChromium, servePage } from './chromium.js';
import type { SseTestRecord } from './pages/client-page.js';

const entry = fileURLToPath(new URL('./pages/client-page.ts', import.meta.url));

// Without Chromium (and without SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1) only the bundle test runs.
const noBrowser = skipWithout(chromium);
let browser: Browser;
let server: SseServer;
let bundle: string;
let bundleInputs: string[];

beforeAll(async () => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  bundleInputs = Object.keys(result.metafile.inputs);
  if (noBrowser) return;
  [browser, server] = await Promise.all([launchChromium(), startSseServer()]);
  servePage(server, 'sse-machine', bundle);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Read the page's record (without the client, which does not cross into Node). */
function readRecord(page: Page): Promise<Omit<SseTestRecord, 'client'>> {
  return page.evaluate(() => {
    const { states, events, errors, opens } = window.sseTest;
    return { states, events, errors, opens };
  });
}

describe('browser build', () => {
  it('bundles xstate and the fetch transport, and nothing from undici', () => {
    expect(bundle.length).toBeGreaterThan(0);
    expect(bundleInputs.some((input) => input.includes('node_modules/xstate/'))).toBe(true);
    expect(bundleInputs.some((input) => input.includes('src/transport/fetch.ts'))).toBe(true);
    expect(bundleInputs.filter((input) => input.includes('undici'))).toEqual([]);
    expect(bundle).not.toContain('undici');
    expect(bundle).not.toMatch(/from\s*["']node:/);
  });

  it('connects, survives a connection dropped mid-event, resumes with Last-Event-ID, sees each event once', async ({
    skip,
  }) => {
    skip(noBrowser, 'no Chromium: see the skip line of this run');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(server.url('/'));

      const first = await server.nextRequest('/events');
      expect(first.method).toBe('GET');
      expect(first.headers.accept).toBe('text/event-stream');
      expect(first.headers['last-event-id']).toBeUndefined();
      first.open();
      await first.write('id: 1\ndata: one\n\n');
      await first.write('id: 2\ndata: two\n\n');
      await page.waitForFunction(() => window.sseTest?.events.length === 2);

      // Half of event 3 reaches the page, then the socket goes: that fragment must be discarded.
      const partial = 'id: 3\ndata: thr';
      await first.write(partial);
      const bytesBefore = 'id: 1\ndata: one\n\nid: 2\ndata: two\n\n'.length + partial.length;
      await page.waitForFunction(
        (bytes) => window.sseTest.client.metrics().bytesReceived >= bytes,
        bytesBefore,
      );
      first.destroy();

      const second = await server.nextRequest('/events');
      expect(second.headers['last-event-id']).toBe('2');
      second.open();
      await second.write('id: 3\ndata: three\n\n');
      await second.write('id: 4\ndata: four\n\n');
      await page.waitForFunction(() => window.sseTest.events.length >= 4);

      const record = await readRecord(page);
      expect(record.events).toEqual([
        { type: 'message', data: 'one', lastEventId: '1' },
        { type: 'message', data: 'two', lastEventId: '2' },
        { type: 'message', data: 'three', lastEventId: '3' },
        { type: 'message', data: 'four', lastEventId: '4' },
      ]);
      expect(record.states).toEqual(['connecting', 'connected', 'reconnecting', 'connecting', 'connected']);
      expect(record.opens).toBe(2);
      expect(record.errors).toHaveLength(1);
      expect(await page.evaluate(() => window.sseTest.client.lastEventId)).toBe('4');

      await page.evaluate(() => window.sseTest.client.close());
      expect((await readRecord(page)).states.at(-1)).toBe('closed');
      // Only the two /events requests: no stray reconnection after the close.
      expect(server.received.filter((request) => request.pathname === '/events')).toHaveLength(2);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
