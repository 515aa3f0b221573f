import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createSseClient, createUndiciTransport, type SseClient, type SseError } from '../../src/index.js';
import { SUPPORTED_CONTENT_CODINGS } from '../../src/transport/content-encoding.js';
import { listenOnLoopback } from '../helpers/loopback.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server: Server = createServer(handler);
  return `http://127.0.0.1:${await listenOnLoopback(server, cleanups)}/`;
}

function track(client: SseClient): SseClient {
  cleanups.push(() => client.close());
  return client;
}

type Encoder = {
  stream: zlib.Gzip | zlib.Deflate | zlib.DeflateRaw | zlib.BrotliCompress;
  flush: () => Promise<void>;
};

function encoder(name: string): Encoder {
  const sync = (stream: zlib.Gzip | zlib.Deflate | zlib.DeflateRaw) => ({
    stream,
    flush: () => new Promise<void>((resolve) => stream.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve())),
  });
  switch (name) {
    case 'gzip':
      return sync(zlib.createGzip());
    case 'deflate':
      return sync(zlib.createDeflate());
    case 'deflate (raw, as old IIS sends it)':
      return sync(zlib.createDeflateRaw());
    default: {
      const stream = zlib.createBrotliCompress();
      return {
        stream,
        flush: () =>
          new Promise<void>((resolve) =>
            stream.flush(zlib.constants.BROTLI_OPERATION_FLUSH, () => resolve()),
          ),
      };
    }
  }
}

const EVENTS = 5;

describe.each([
  ['gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['deflate (raw, as old IIS sends it)', 'deflate'],
  ['br', 'br'],
])('Content-Encoding %s', (name, header) => {
  it('each event is delivered before the server writes the next, whether or not the client asked', async () => {
    const delivered: string[] = [];
    let notify: (() => void) | undefined;
    const acceptEncodings: (string | undefined)[] = [];
    let serverDone: Promise<void> | undefined;
    const url = await listen((request, response) => {
      acceptEncodings.push(request.headers['accept-encoding']);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': header });
      const { stream, flush } = encoder(name);
      stream.pipe(response);
      serverDone = (async () => {
        for (let i = 0; i < EVENTS; i++) {
          const seen = new Promise<void>((resolve) => {
            notify = resolve;
          });
          stream.write(`id: ${i}\ndata: {"n":${i},"pad":"${'x'.repeat(200)}"}\n\n`);
          await flush();
          // The client must have the event now, with the compressed stream still open.
          await seen;
        }
        stream.end();
      })();
    });
    for (const compression of [true, false]) {
      delivered.length = 0;
      const client = track(
        createSseClient(url, {
          reconnectOnEnd: 'never',
          ...(compression ? {} : { headers: { 'accept-encoding': 'identity' } }),
        }),
      );
      client.on('message', (event) => {
        delivered.push(event.data);
        notify?.();
      });
      const errors: SseError[] = [];
      client.on('error', (error) => errors.push(error));
      await new Promise<void>((resolve) => client.on('state', (state) => state === 'closed' && resolve()));
      await serverDone;
      expect(errors).toEqual([]);
      expect(delivered).toHaveLength(EVENTS);
      expect(JSON.parse(delivered[4] as string).n).toBe(4);
    }
    // Asked by default (as browsers and fetch do), and decoded all the same when the client said identity.
    expect(acceptEncodings[0]).toMatch(/gzip/);
    expect(acceptEncodings[0]).toMatch(/br/);
    expect(acceptEncodings[1]).toBe('identity');
  });
});

describe('encodings that cannot be decoded', () => {
  it.each([
    ['compress'],
    ['zstd', !SUPPORTED_CONTENT_CODINGS.has('zstd')],
    ['gzip, x-unknown'],
    ['gzip, gzip, gzip, gzip, gzip, gzip'],
  ])('%s fails once with BAD_CONTENT_ENCODING, never read as text', async (encoding, applies = true) => {
    if (!applies) return;
    let requests = 0;
    const url = await listen((_request, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': encoding });
      response.end('data: this would be read as text\n\n');
    });
    const client = track(createSseClient(url));
    const messages: string[] = [];
    client.on('message', (event) => messages.push(event.data));
    const error = await new Promise<SseError>((resolve) => client.on('error', resolve));
    await new Promise<void>((resolve) =>
      client.state === 'failed' ? resolve() : client.on('state', (s) => s === 'failed' && resolve()),
    );
    expect(error.code).toBe('BAD_CONTENT_ENCODING');
    expect(error.status).toBe(200);
    expect(error.headers?.['content-encoding']).toBe(encoding);
    expect(error.message).toMatch(/cannot be decoded|content codings/);
    expect(messages).toEqual([]);
    expect(requests).toBe(1);
  });

  it('an error status with an unknown encoding is still the status error', async () => {
    const url = await listen((_request, response) => {
      response.writeHead(503, { 'content-encoding': 'compress', 'retry-after': '0' });
      response.end('x');
    });
    const client = track(createSseClient(url, { reconnect: { maxAttempts: 0 } }));
    const error = await new Promise<SseError>((resolve) => client.on('error', resolve));
    expect(error.code).toBe('HTTP_STATUS');
  });
});

describe('the compression option of the undici transport', () => {
  it('false sends Accept-Encoding: identity; a request header of its own wins over both', async () => {
    const seen: (string | undefined)[] = [];
    const url = await listen((request, response) => {
      seen.push(request.headers['accept-encoding']);
      response.writeHead(204);
      response.end();
    });
    const signal = new AbortController().signal;
    for (const [transport, headers] of [
      [createUndiciTransport({ compression: false }), {}],
      [createUndiciTransport(), {}],
      [createUndiciTransport(), { 'Accept-Encoding': 'gzip' }],
    ] as const) {
      const response = await transport({ url, method: 'GET', headers, body: undefined, signal });
      for await (const _ of response.body) {
        // drain
      }
    }
    expect(seen[0]).toBe('identity');
    expect(seen[1]).toMatch(/^(zstd, )?br, gzip, deflate$/);
    expect(seen[2]).toBe('gzip');
    expect(() => createUndiciTransport({ compression: 'yes' as never })).toThrow(TypeError);
  });
});

describe('SseOptions.compression through createSseClient', () => {
  it('compression: false sends Accept-Encoding: identity', async () => {
    let seen: string | undefined;
    const url = await listen((request, response) => {
      seen = request.headers['accept-encoding'];
      response.writeHead(204);
      response.end();
    });
    const client = track(createSseClient(url, { compression: false }));
    await new Promise<void>((resolve) => client.on('state', (state) => state === 'failed' && resolve()));
    expect(seen).toBe('identity');
  });
});
