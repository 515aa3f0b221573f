/**
 * Headless Chromium for browser tests: the Debian `chromium` binary driven by `playwright-core`.
 *
 * Without the binary the browser tests are skipped, with one line saying so and how to run them
 * (`test/helpers/system-deps.ts`); CI sets `SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1`, so there a missing
 * browser is a failure. A binary that is there but cannot start is always a failure, with its reason.
 *
 * @module
 */
import { type Browser, chromium } from 'playwright-core';
import type { SseServer } from '../helpers/sse-server.js';
import { CHROMIUM_PATH } from '../helpers/system-deps.js';

export { CHROMIUM_PATH };

// Every flag is required: no sandbox in containers, and no background traffic beyond 127.0.0.1.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch Chromium, or throw an error that says why it could not start. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // Printed as well as thrown: a hook failure in vitest can hide the message behind a summary.
    console.error(`browser tests: Chromium at ${CHROMIUM_PATH} could not start: ${reason}`);
    throw new Error(`Chromium at ${CHROMIUM_PATH} could not start: ${reason}`, { cause });
  }
}

/**
 * Serve a test page from the loopback server: `/` is an HTML page titled `title` that loads
 * `/page.js` (the given bundle) when there is one, and the favicon Chromium asks for is answered
 * (else its request sits parked on the server until the test ends).
 */
export function servePage(server: SseServer, title: string, bundle?: string): void {
  server.route('/favicon.ico', (request) => request.respond(404));
  const script = bundle === undefined ? '' : '<script type="module" src="/page.js"></script>';
  server.route('/', (request) =>
    request.respond(
      200,
      { 'content-type': 'text/html; charset=utf-8' },
      `<!doctype html><meta charset="utf-8"><title>${title}</title>${script}`,
    ),
  );
  if (bundle === undefined) return;
  server.route('/page.js', (request) =>
    request.respond(
      200,
      { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' },
      bundle,
    ),
  );
}
