import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/chromium.js';
import { chromium, skipWithout } from '../helpers/system-deps.js';
import { type CliRun, ensureBuilt, expectExit, runCli } from './run-cli.js';

const runs: CliRun[] = [];
// Screenshots land in the test output (git-ignored), for a human to look at.
const output = resolve(import.meta.dirname, '../../test-results');
// The README's picture: rewritten only when asked (SSE_MACHINE_UPDATE_SCREENSHOTS=1).
const readmeImage = resolve(import.meta.dirname, '../../visualizations/dashboard.png');
const updateScreenshots = process.env.SSE_MACHINE_UPDATE_SCREENSHOTS === '1';
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  for (const run of runs.splice(0)) run.child.kill('SIGKILL');
});

function demo(...args: string[]): CliRun {
  const run = runCli(['demo', ...args]);
  runs.push(run);
  return run;
}

/**
 * Wait until `test` holds in the page (playwright re-checks it on every animation frame), or fail
 * with `what` rather than a bare timeout.
 */
async function waitUntil(page: Page, what: string, test: () => boolean): Promise<void> {
  try {
    await page.waitForFunction(test);
  } catch (cause) {
    throw new Error(`the dashboard never showed ${what}`, { cause });
  }
}

/** What the timeline draws now: its bands' states, reconnect markers, faults, and bars with events. */
function readTimeline(page: Page) {
  return page.evaluate(() => {
    const svg = document.querySelector('#timeline');
    const all = (selector: string) => [...(svg?.querySelectorAll(selector) ?? [])];
    return {
      present: svg !== null && svg.getBoundingClientRect().width > 0,
      bands: [...new Set(all('rect.band').map((band) => band.getAttribute('data-state')))],
      reconnects: all('[data-kind="reconnect"]').length,
      faults: all('[data-kind="fault"]').map((marker) => marker.getAttribute('data-fault')),
      barsWithEvents: all('rect.rate-bar').filter(
        (bar) => Number(bar.getAttribute('data-events')) > 0 && Number(bar.getAttribute('height')) > 0,
      ).length,
    };
  });
}

describe.skipIf(skipWithout(chromium))('the demo dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the live state, a timeline, events and metrics; its buttons inject faults the timeline marks; Ctrl-C ends the demo with exit 0', async () => {
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
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
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

    // The diagram is drawn large enough to read: its smallest label at 10 CSS pixels or more.
    const smallestLabel = await page.evaluate(() => {
      const svg = document.querySelector('#svg svg') as SVGSVGElement | null;
      if (svg === null) return 0;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const sizes = [...svg.querySelectorAll('text')].map((text) => Number(text.getAttribute('font-size')));
      return Math.min(...sizes.filter((size) => size > 0)) * scale;
    });
    expect(
      smallestLabel,
      `the diagram's smallest label is ${smallestLabel.toFixed(1)} px`,
    ).toBeGreaterThanOrEqual(10);

    // The timeline: a connected band, and bars of events per second once a second has been counted.
    await waitUntil(
      page,
      'a connected band on the timeline',
      () => document.querySelector('#timeline rect.band[data-state="connected"]') !== null,
    );
    await waitUntil(page, 'a bar of events per second', () =>
      [...document.querySelectorAll('#timeline rect.rate-bar')].some(
        (bar) => Number(bar.getAttribute('data-events')) > 0,
      ),
    );
    const before = await readTimeline(page);
    expect(before.present, 'the timeline is on the page').toBe(true);
    expect(before.bands, 'the timeline starts with connecting, then connected').toEqual(
      expect.arrayContaining(['connecting', 'connected']),
    );
    expect(before.barsWithEvents, 'events-per-second bars while connected').toBeGreaterThan(0);
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
    // The timeline marks the fault where it was injected, and the client's reconnecting after it.
    await waitUntil(
      page,
      'a "kill" marker on the timeline',
      () => document.querySelector('#timeline [data-kind="fault"][data-fault="kill"]') !== null,
    );
    await waitUntil(
      page,
      'a reconnecting band and a reconnect marker',
      () =>
        document.querySelector('#timeline rect.band[data-state="reconnecting"]') !== null &&
        document.querySelector('#timeline [data-kind="reconnect"]') !== null,
    );
    const killed = await readTimeline(page);
    expect(killed.faults, 'the kill from the button is on the timeline').toContain('kill');
    expect(killed.bands, 'a reconnecting band after the kill').toContain('reconnecting');
    expect(killed.reconnects, 'a reconnect marker after the kill').toBeGreaterThan(0);
    await page.screenshot({ path: resolve(output, 'dashboard-reconnecting.png') });
    await run.waitFor('stdout', '==> server restarted');
    await page.waitForFunction(() => document.getElementById('current')?.textContent === 'connected');
    await page.screenshot({ path: resolve(output, 'dashboard-recovered.png') });

    // "204 No Content": the spec's stop signal, so a failed band, then the demo's retry() reconnects.
    await page.click('button[data-fault="204"]');
    await waitUntil(
      page,
      'a "204" marker and a failed band',
      () =>
        document.querySelector('#timeline [data-kind="fault"][data-fault="204"]') !== null &&
        document.querySelector('#timeline rect.band[data-state="failed"]') !== null,
    );
    await waitUntil(page, 'the client connected again after the 204', () => {
      const bands = [...document.querySelectorAll('#timeline rect.band')];
      return (
        bands.at(-1)?.getAttribute('data-state') === 'connected' &&
        bands.some((band) => band.getAttribute('data-state') === 'failed')
      );
    });
    const after = await readTimeline(page);
    expect(after.faults, 'both faults from the buttons are on the timeline').toEqual(
      expect.arrayContaining(['kill', '204']),
    );
    expect(after.bands, 'every state the client went through has its band').toEqual(
      expect.arrayContaining(['connecting', 'connected', 'reconnecting', 'failed']),
    );
    await page.screenshot({ path: resolve(output, 'dashboard.png'), fullPage: true });
    if (updateScreenshots) await page.screenshot({ path: readmeImage, fullPage: true });
    // A page opened now gets the timeline so far from /status's backlog, not only the live feed.
    const late = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    late.on('pageerror', (error) => errors.push(error.message));
    late.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    await late.goto(url);
    await waitUntil(
      late,
      'the earlier faults and bands on a page opened late',
      () =>
        document.querySelector('#timeline [data-fault="kill"]') !== null &&
        document.querySelector('#timeline [data-fault="204"]') !== null &&
        document.querySelector('#timeline rect.band[data-state="failed"]') !== null,
    );
    const replayed = await readTimeline(late);
    expect(replayed.bands, 'a late page draws the states it did not see live').toEqual(
      expect.arrayContaining(['connecting', 'connected', 'reconnecting', 'failed']),
    );
    await late.close();
    expect(errors, 'errors thrown in the page').toEqual([]);
    expect(consoleLines, 'what the page printed to its console').toEqual([]);
    await page.close();

    run.child.kill('SIGINT');
    await expectExit(run, 0);
    expect(run.stdout()).toContain('==> interrupted (Ctrl-C): closing');
    expect(run.stdout()).toMatch(/==> done: \d+ events, ids 1–\d+ all in order: 0 lost, 0 duplicated/);
    // A generous bound for slow machines: the faults take their real time (backoff, restart), no sleeps.
  }, 90_000);
});
