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
