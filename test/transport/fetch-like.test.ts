/**
 * The `fetch` option takes the `FetchLike` contract of the `eventsource` package (issue 15, point 1):
 * a function returning `{ status, url, headers: { get }, body }` with `body` a `ReadableStream` of
 * bytes or `null`. A fake `fetch` is the contract under test here, so no server: the responses are
 * the minimal objects such a function returns.
 */
import { describe, expect, it } from 'vitest';
import { createSseClient, type FetchLike, type SseError, type SseFetchInit } from '../../src/index.js';
import { nextEvents, recordErrors, waitForState } from '../helpers/harness.js';

const URL_ = 'https://example.test/events?token=secret';

/** A `headers` with `get` only: no `forEach`, no iterator (what FetchLike promises). */
function getOnly(record: Record<string, string>): { get(name: string): string | null } {
  return { get: (name) => record[name.toLowerCase()] ?? null };
}

function bytes(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

function fakeFetch(respond: (init: SseFetchInit) => unknown): FetchLike & { calls: SseFetchInit[] } {
  const calls: SseFetchInit[] = [];
  const fetch = async (_url: string, init: SseFetchInit) => {
    calls.push(init);
    return respond(init) as Awaited<ReturnType<FetchLike>>;
  };
  return Object.assign(fetch, { calls });
}

describe('fetch: FetchLike (status, url, headers.get, body)', () => {
  it('streams from a minimal response whose headers have only get()', async () => {
    const fetch = fakeFetch(() => ({
      status: 200,
      url: 'https://example.test/events',
      headers: getOnly({ 'content-type': 'text/event-stream', 'x-request-id': 'r1', 'x-other': 'no' }),
      body: bytes('id: 1\ndata: one\n\ndata: two\n\n'),
    }));
    const client = createSseClient(URL_, { fetch, reconnectOnEnd: 'never' });
    const opened = new Promise((resolve) => client.on('open', resolve));
    const events = nextEvents(client, 2);
    expect((await events).map((event) => event.data)).toEqual(['one', 'two']);
    // With get() alone, the known headers are read; the others cannot be enumerated.
    expect(await opened).toMatchObject({
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'x-request-id': 'r1' },
    });
    expect(fetch.calls[0]).toMatchObject({ method: 'GET', cache: 'no-store', redirect: 'follow' });
    expect(fetch.calls[0]!.headers.accept).toBe('text/event-stream');
    await waitForState(client, 'closed');
  });

  it.each([
    ['no body (null)', null, /has no body/],
    ['a string body', 'data: x\n\n', /a body that is a string/],
    ['a plain object body', { text: 'data: x' }, /a body that is an object/],
  ])('fails once with a final BAD_RESPONSE for %s', async (_name, body, message) => {
    const fetch = fakeFetch(() => ({
      status: 200,
      url: '',
      headers: getOnly({ 'content-type': 'text/event-stream' }),
      body,
    }));
    const client = createSseClient(URL_, { fetch, reconnect: { initialDelay: 1, jitter: 0 } });
    const errors = recordErrors(client);
    await waitForState(client, 'failed');
    expect(fetch.calls).toHaveLength(1);
    expect(errors.map((error) => error.code)).toEqual(['BAD_RESPONSE']);
    const error = errors[0] as SseError;
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('secret');
    expect(error).toMatchObject({ status: 200, attempt: 1, url: 'https://example.test/events?…' });
    client.close();
  });

  it('a stream of strings, not bytes, is BAD_RESPONSE too, and final', async () => {
    const fetch = fakeFetch(() => ({
      status: 200,
      url: 'https://example.test/events',
      headers: getOnly({ 'content-type': 'text/event-stream' }),
      body: new ReadableStream({
        start(controller) {
          controller.enqueue('data: text\n\n');
          controller.close();
        },
      }),
    }));
    const client = createSseClient(URL_, { fetch, reconnect: { initialDelay: 1, jitter: 0 } });
    const errors = recordErrors(client);
    await waitForState(client, 'failed');
    expect(fetch.calls).toHaveLength(1);
    expect(errors.map((error) => [error.code, error.attempt])).toEqual([['BAD_RESPONSE', 1]]);
    expect(errors[0]!.message).toMatch(/yielded string, not bytes/);
  });

  it('a body that is missing on a 503 does not matter: the status policy reconnects', async () => {
    let call = 0;
    const fetch = fakeFetch(() =>
      ++call === 1
        ? { status: 503, url: '', headers: getOnly({ 'retry-after': '0' }), body: null }
        : {
            status: 200,
            url: '',
            headers: getOnly({ 'content-type': 'text/event-stream' }),
            body: bytes('data: ok\n\n'),
          },
    );
    const client = createSseClient(URL_, {
      fetch,
      reconnect: { initialDelay: 1, jitter: 0 },
      reconnectOnEnd: 'never',
    });
    const errors = recordErrors(client);
    expect((await nextEvents(client, 1)).map((event) => event.data)).toEqual(['ok']);
    expect(errors.map((error) => [error.code, error.status, error.headers?.['retry-after']])).toEqual([
      ['HTTP_STATUS', 503, '0'],
    ]);
    client.close();
  });
});
