/**
 * examples/react built with Vite (React's development build, so StrictMode mounts every effect
 * twice), run in headless Chromium: the state the page shows follows the
 * client, events render, StrictMode's extra mount leaves exactly one stream open, and unmounting the
 * component closes it (the server sees the request end).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParkedRequest, type SseServer, startSseServer } from '../helpers/sse-server.js';
import { chromium, skipWithout } from '../helpers/system-deps.js';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

let browser: Browser;
let server: SseServer;
let outDir: string;
const streams: { request: ParkedRequest; closed: Promise<void>; isClosed: () => boolean }[] = [];
const streamWaiters = new Set<() => void>();

function streamsSeen(count: number): Promise<void> {
  if (streams.length >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (streams.length >= count) {
        streamWaiters.delete(check);
        resolve();
      }
    };
    streamWaiters.add(check);
  });
}

// No Chromium: skipped, and the run says so once (test/helpers/global-setup.ts); CI requires it.
const noBrowser = skipWithout(chromium);

beforeAll(async () => {
  if (noBrowser) return;
  outDir = await mkdtemp(join(tmpdir(), 'sse-machine-react-'));
  await build({
    root: join(root, 'examples/react'),
    mode: 'development',
    // React's development build, where StrictMode mounts every effect twice (`mode` alone keeps
    // NODE_ENV at production for a build).
    define: { 'process.env.NODE_ENV': JSON.stringify('development') },
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, minify: false },
  });
  [browser, server] = await Promise.all([launchChromium(), startSseServer()]);
  server.route('/favicon.ico', (request) => request.respond(404));
  server.route('/', (request) =>
    request.respond(
      200,
      { 'content-type': 'text/html; charset=utf-8' },
      readFileSync(join(outDir, 'index.html')),
    ),
  );
  server.route('/events', async (request) => {
    let closed = false;
    const done = new Promise<void>((resolve) =>
      request.res.on('close', () => {
        closed = true;
        resolve();
      }),
    );
    streams.push({ request, closed: done, isClosed: () => closed });
    for (const check of [...streamWaiters]) check();
    request.open();
    await request.write('id: 1\ndata: one\n\n');
    await request.write('id: 2\ndata: two\n\n');
  });
  for (const file of readdirAssets()) {
    server.route(`/assets/${file}`, (request) =>
      request.respond(
        200,
        { 'content-type': 'text/javascript; charset=utf-8' },
        readFileSync(join(outDir, 'assets', file)),
      ),
    );
  }
}, 120_000);

function readdirAssets(): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  return [...html.matchAll(/\/assets\/([^"]+)"/g)].map((m) => m[1]!);
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe.skipIf(noBrowser)('examples/react in Chromium (Vite build, StrictMode)', () => {
  let page: Page;

  it('shows the client state and the events', async () => {
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.url('/'));
    await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'connected');
    await page.waitForFunction(() => document.querySelectorAll('#events li').length === 2);
    expect(await page.locator('#events li').allTextContents()).toEqual(['one', 'two']);
    expect(errors).toEqual([]);
  });

  it("StrictMode's second mount leaves exactly one stream open", async () => {
    // Development StrictMode runs effect, cleanup, effect: the first client is closed before its
    // connect (a microtask away), so it never sends a request.
    const bundle = readdirAssets()
      .map((file) => readFileSync(join(outDir, 'assets', file), 'utf8'))
      .join('');
    expect(
      bundle.includes('runWithFiberInDEV'),
      "React's development build (StrictMode double effects)",
    ).toBe(true);
    expect(streams.map((s) => s.isClosed())).toEqual([false]);
  });

  it('unmounting the component closes its connection', async () => {
    await page.click('#toggle');
    await streams[0]!.closed;
    expect(await page.locator('#state').count()).toBe(0);
    expect(streams.map((s) => s.isClosed())).toEqual([true]);
    // Mounting again opens one fresh stream.
    await page.click('#toggle');
    await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'connected');
    await streamsSeen(2);
    expect(streams.map((s) => s.isClosed())).toEqual([true, false]);
    await page.close();
  });
});
