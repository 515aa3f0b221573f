/**
 * Differential test against the browser: the same bytes go through Chromium's native `EventSource`
 * and through `createEventStreamParser` in Node, and both must dispatch the same events (type, data,
 * lastEventId) in the same order. Each stream is served three ways: in one write, in its awkward
 * chunks (split inside CRLF, UTF-8 sequences, the BOM), and one byte per write; Nagle is off, so
 * each write leaves as its own TCP segment and Chromium's parser sees the splits too (its reads may
 * still coalesce segments; the Node side always gets exactly these chunks).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStreamParser, type SseEvent } from '../../src/parser/index.js';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { chromium, skipWithout } from '../helpers/system-deps.js';
import { launchChromium, servePage } from './chromium.js';
import { caseBytes, chunkBytes, STREAM_CASES, type StreamCase } from './streams.js';

type Split = 'whole' | 'chunks' | 'bytes';

/** How the server cuts a case into writes. */
function writesOf(streamCase: StreamCase, split: Split): Uint8Array[] {
  if (split === 'whole') return [caseBytes(streamCase)];
  if (split === 'chunks') return streamCase.chunks.map(chunkBytes);
  const all = caseBytes(streamCase);
  return Array.from(all, (_, index) => all.subarray(index, index + 1));
}

/** Our parser fed exactly the chunks the server writes, then told that the stream ended. */
function parseInNode(writes: readonly Uint8Array[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createEventStreamParser({
    onEvent: (event) => events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId }),
  });
  for (const chunk of writes) parser.feed(chunk);
  parser.end();
  return events;
}

/**
 * Chromium's `EventSource` on `url`, listening to `message` and `types`; resolves with what it
 * dispatched once the first `error` (the server's end of stream) arrives, closing it so that it
 * does not reconnect.
 */
function readInChromium(page: Page, url: string, types: readonly string[]): Promise<SseEvent[]> {
  return page.evaluate(
    ({ url, types }) =>
      new Promise<{ type: string; data: string; lastEventId: string }[]>((resolve) => {
        const source = new EventSource(url);
        const events: { type: string; data: string; lastEventId: string }[] = [];
        const record = (event: Event): void => {
          const message = event as MessageEvent<string>;
          events.push({ type: message.type, data: message.data, lastEventId: message.lastEventId });
        };
        for (const type of new Set(['message', ...types])) source.addEventListener(type, record);
        source.addEventListener('error', () => {
          source.close();
          resolve(events);
        });
      }),
    { url, types: [...types] },
  );
}

let browser: Browser;
let server: SseServer;
let page: Page;
let served = 0;

const noBrowser = skipWithout(chromium);

beforeAll(async () => {
  // Without Chromium (and without SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1) only the corpus checks run.
  if (noBrowser) return;
  [browser, server] = await Promise.all([launchChromium(), startSseServer()]);
  servePage(server, 'diff');
  server.route('/stream', async (request) => {
    const query = new URL(request.path, server.origin).searchParams;
    const streamCase = STREAM_CASES[Number(query.get('case'))];
    const split = query.get('split') as Split;
    if (streamCase === undefined) {
      request.respond(404);
      return;
    }
    request.res.socket?.setNoDelay(true);
    request.open({ 'content-type': 'text/event-stream' });
    for (const chunk of writesOf(streamCase, split)) await request.write(chunk);
    await request.end();
  });
  // Same origin as the streams: EventSource then needs no CORS.
  page = await browser.newPage();
  await page.goto(server.url('/'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(noBrowser).each(STREAM_CASES.map((streamCase, index) => ({ streamCase, index })))(
  '$streamCase.name',
  ({ streamCase, index }) => {
    const splits: Split[] = streamCase.long === true ? ['whole', 'chunks'] : ['whole', 'chunks', 'bytes'];
    it.each(splits)('Chromium EventSource and our parser agree, written %s', async (split) => {
      const ours = parseInNode(writesOf(streamCase, split));
      // Types our parser saw are listened to as well, so an event type Chromium spells differently
      // still shows up on one side rather than vanishing from both.
      const types = [...new Set([...streamCase.types, ...ours.map((event) => event.type)])];
      const url = server.url(`/stream?case=${index}&split=${split}&n=${served++}`);
      const chromium = await readInChromium(page, url, types);
      expect(chromium.length).toBeGreaterThan(0);
      expect(chromium).toEqual(ours);
    });
  },
);

describe('the corpus pins the specification', () => {
  // Agreement alone would pass if both sides were wrong the same way; these pins say what is right.
  it.each(STREAM_CASES.map((streamCase) => ({ streamCase })))(
    'our parser dispatches what the spec says for: $streamCase.name',
    ({ streamCase }) => {
      const expected = streamCase.expected.map(([type, data, lastEventId]) => ({ type, data, lastEventId }));
      for (const split of ['whole', 'chunks', 'bytes'] as const) {
        expect(parseInNode(writesOf(streamCase, split)), split).toEqual(expected);
      }
    },
  );
});
