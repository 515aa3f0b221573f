/**
 * Runs inside Chromium (bundled by esbuild from the browser entry): connects to `/events` on the
 * page's own origin and records what a user of the library would see, on `window.sseTest`, where
 * the test reads it with `page.evaluate` / `page.waitForFunction`.
 *
 * @module
 */
import { createSseClient, type SseClient } from '../../../src/browser.js';

/** What the page exposes to the test. */
export interface SseTestRecord {
  states: string[];
  events: { type: string; data: string; lastEventId: string }[];
  errors: string[];
  opens: number;
  client: SseClient;
}

declare global {
  interface Window {
    sseTest: SseTestRecord;
  }
}

// A relative URL on purpose: the browser entry resolves it against `location`.
const client = createSseClient('/events', { reconnect: { initialDelay: 1, jitter: 0 } });
const record: SseTestRecord = { states: [], events: [], errors: [], opens: 0, client };
client.on('state', (state) => record.states.push(state));
client.on('open', () => {
  record.opens++;
});
client.on('error', (error) => record.errors.push(error.code));
client.on('message', (event) => {
  record.events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
});
window.sseTest = record;
