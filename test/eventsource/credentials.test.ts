/**
 * Drop-in `fetch` and credentials (issue 15, point 2): the feature-detection symbol of the
 * `eventsource` package, `withCredentials` as `credentials: 'include'` in the fetch transport,
 * `credentials` on `createSseClient` in both builds, and the Node build's refusal of `'include'`
 * where undici has no cookie jar.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSseClient as createBrowserClient } from '../../src/browser.js';
import { EventSource } from '../../src/eventsource.js';
import { createSseClient, type FetchLike, type SseFetchInit } from '../../src/index.js';
import { waitForState } from '../helpers/harness.js';

const URL_ = 'https://example.test/events';

function recordingFetch(): FetchLike & { calls: SseFetchInit[] } {
  const calls: SseFetchInit[] = [];
  const fetch: FetchLike = async (_url, init) => {
    calls.push(init);
    return { status: 204, url: '', headers: { get: () => null }, body: null };
  };
  return Object.assign(fetch, { calls });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('EventSource and fetch override', () => {
  it("has Symbol.for('eventsource.supports-fetch-override') === true", () => {
    const key = Symbol.for('eventsource.supports-fetch-override');
    expect((EventSource as unknown as Record<symbol, unknown>)[key]).toBe(true);
    expect(Object.keys(EventSource)).not.toContain(key);
  });

  it("withCredentials: true sends credentials: 'include' through a given fetch", async () => {
    const fetch = recordingFetch();
    const source = new EventSource(URL_, { withCredentials: true, fetch });
    expect(source.withCredentials).toBe(true);
    await waitForState(source.client, 'failed');
    expect(fetch.calls.map((init) => init.credentials)).toEqual(['include']);
  });

  it('without withCredentials the field is not sent (the runtime default, same-origin)', async () => {
    const fetch = recordingFetch();
    const source = new EventSource(URL_, { fetch });
    await waitForState(source.client, 'failed');
    expect(fetch.calls).toHaveLength(1);
    expect('credentials' in fetch.calls[0]!).toBe(false);
  });

  it('on Node without a fetch, withCredentials is recorded and the source still connects (undici)', () => {
    const source = new EventSource('http://127.0.0.1:9/events', { withCredentials: true });
    expect(source.withCredentials).toBe(true);
    source.close();
  });
});

describe('createSseClient({ credentials })', () => {
  it('the fetch transport sends each credentials mode as given (Node build with fetch)', async () => {
    for (const credentials of ['omit', 'same-origin', 'include'] as const) {
      const fetch = recordingFetch();
      const client = createSseClient(URL_, { fetch, credentials });
      await waitForState(client, 'failed');
      expect(fetch.calls.map((init) => init.credentials)).toEqual([credentials]);
    }
  });

  it("the browser build's default transport (globalThis.fetch) honours it", async () => {
    const fetch = recordingFetch();
    vi.stubGlobal('fetch', fetch);
    const client = createBrowserClient(URL_, { credentials: 'include' });
    await waitForState(client, 'failed');
    expect(fetch.calls.map((init) => init.credentials)).toEqual(['include']);
  });

  it("the Node build refuses credentials: 'include' without a fetch: undici has no cookie jar", () => {
    expect(() => createSseClient(URL_, { credentials: 'include', autoConnect: false })).toThrow(
      /credentials: 'include' needs a cookie jar.*headers/,
    );
    // 'omit' and 'same-origin' describe what undici does anyway: no ambient credentials.
    createSseClient(URL_, { credentials: 'omit', autoConnect: false }).close();
    createSseClient(URL_, { credentials: 'same-origin', autoConnect: false }).close();
  });

  it('an unknown mode is a TypeError in both builds', () => {
    const bad = { credentials: 'always' as RequestCredentials, autoConnect: false };
    expect(() => createSseClient(URL_, bad)).toThrow(/credentials must be one of omit, same-origin, include/);
    expect(() => createBrowserClient(URL_, bad)).toThrow(/credentials must be one of/);
  });
});
