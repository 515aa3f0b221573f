import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/chromium.js';
import { chromium, skipWithout } from '../helpers/system-deps.js';
import { type CliRun, ensureBuilt, expectExit, runCli } from './run-cli.js';

const runs: CliRun[] = [];
// Screenshots land in the test output (git-ignored), for a human to look at.
const output = resolve(import.meta.dirname, '../../test-results');
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  for (const run of runs.splice(0)) run.child.kill('SIGKILL');
});

function demo(...args: string[]): CliRun {
  const run = runCli(['demo', ...args]);
  runs.push(run);
  return run;
}

describe.skipIf(skipWithout(chromium))('the demo dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the live state, events and metrics; its buttons inject faults; Ctrl-C ends the demo with exit 0', async () => {
    const run = demo('--duration', '60s');
    await run.waitFor('stdout', /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.stdout())?.[1] as string;

    // The page's modules: the library's browser build and xstate's ESM build, via the import map.
    const html = await (await fetch(url)).text();
    expect(html).toContain('"xstate": "/vendor/xstate/xstate.esm.js"');
    const xstate = await fetch(new URL('/vendor/xstate/xstate.esm.js', url));
    expect(xstate.status).toBe(200);
    expect(xstate.headers.get('content-type')).toMatch(/^text\/javascript/);
    // Only file names are served: an encoded path cannot climb out of xstate's dist/.
    expect((await fetch(`${url}vendor/xstate/..%2F..%2F..%2Fpackage.json`)).status).toBe(404);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    // The page follows /status with createSseClient from dist/browser.js: the demo client's state arrives.
    await page.waitForFunction(() => document.getElementById('current')?.textContent === 'connected');
    await page.waitForFunction(() =>
      (document.getElementById('events')?.textContent ?? '').includes('[tick] '),
    );
    await page.waitForFunction(() =>
      (document.getElementById('metrics')?.textContent ?? '').includes('reconnects'),
    );
    await page.waitForFunction(() =>
      (document.getElementById('log')?.textContent ?? '').includes('connected (attempt 1)'),
    );
    const highlighted = await page.evaluate(() =>
      [...document.querySelectorAll('.current')].map((element) => element.textContent?.trim()),
    );
    expect(highlighted.some((text) => text?.includes('connected'))).toBe(true);
    mkdirSync(output, { recursive: true });
    await page.screenshot({ path: resolve(output, 'dashboard-connected.png') });

    // "Kill the server": the demo client loses its stream and the diagram leaves `connected`.
    await page.click('button[data-fault="kill"]');
    await run.waitFor('stdout', 'dashboard: inject "kill"');
    await page.waitForFunction(() => document.getElementById('current')?.textContent !== 'connected');
    // The page saw the client reconnecting (its log records every state it was sent).
    await page.waitForFunction(() =>
      (document.getElementById('log')?.textContent ?? '').includes('reconnecting'),
    );
    await page.screenshot({ path: resolve(output, 'dashboard-reconnecting.png') });
    await run.waitFor('stdout', '==> server restarted');
    await page.waitForFunction(() => document.getElementById('current')?.textContent === 'connected');
    await page.screenshot({ path: resolve(output, 'dashboard-recovered.png') });
    expect(errors).toEqual([]);
    await page.close();

    run.child.kill('SIGINT');
    await expectExit(run, 0);
    expect(run.stdout()).toContain('==> interrupted (Ctrl-C): closing');
    expect(run.stdout()).toMatch(/==> done: \d+ events, ids 1–\d+ all in order: 0 lost, 0 duplicated/);
  });
});
