/**
 * Headless Chromium for browser tests: the Debian `chromium` binary driven by `playwright-core`.
 *
 * A browser that cannot start is a failure with its reason, never a silent skip: CI installs the
 * binary with apt-get, so its absence is a broken environment, not an optional feature.
 *
 * @module
 */
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package installs the binary. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
