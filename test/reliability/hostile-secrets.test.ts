/**
 * Issue 13, point 6 (messages, `toJSON()`, `metrics()`, the CLI) against real loopback servers: a
 * token in the URL's query never appears in what the library reports. Before: `?token=…` was in
 * NETWORK and REDIRECT messages, `metrics().lastError`, the unparsable-URL TypeError and every
 * CLI "connecting to" line.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine, type TailCommand } from '../../src/cli/args.js';
import { runTail } from '../../src/cli/tail.js';
import { createSseClient, type SseClient, type SseError } from '../../src/index.js';
import { listenOnLoopback } from '../helpers/loopback.js';

const SECRET = 'tok_5ecr3t_in_query';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<string> {
  const server: Server = createServer(handler);
  return `http://127.0.0.1:${await listenOnLoopback(server, cleanups)}`;
}

/** A port nothing listens on (bound then released). */
async function closedPort(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${address.port}`;
}

function track(client: SseClient): SseClient {
  cleanups.push(() => client.close());
  return client;
}

function firstError(client: SseClient): Promise<SseError> {
  return new Promise((resolve) => {
    const off = client.on('error', (error) => {
      off();
      resolve(error);
    });
  });
}

/** Everything the library reports about `error`, as text. */
function reported(client: SseClient, error: SseError): string {
  return [
    error.message,
    error.url,
    String(error.cause),
    JSON.stringify(error),
    JSON.stringify(client.metrics()),
  ].join('\n');
}

describe('no token from the URL query in what is reported', () => {
  it('NETWORK (connection refused): message, url, toJSON(), metrics().lastError', async () => {
    const base = await closedPort();
    const client = track(
      createSseClient(`${base}/events?token=${SECRET}`, { reconnect: { maxAttempts: 0 } }),
    );
    const error = await firstError(client);
    expect(error.code).toBe('NETWORK');
    expect(error.message).toContain('/events?…');
    expect(reported(client, error)).not.toContain(SECRET);
  });

  it('REDIRECT (a loop): message, url, toJSON(), metrics().lastError', async () => {
    const base = await listen((request, response) => {
      response.writeHead(302, {
        location: request.url?.startsWith('/a') ? `/b?token=${SECRET}` : `/a?token=${SECRET}`,
      });
      response.end();
    });
    const client = track(createSseClient(`${base}/a?token=${SECRET}`));
    const error = await firstError(client);
    expect(error.code).toBe('REDIRECT');
    expect(reported(client, error)).not.toContain(SECRET);
  });

  it('HTTP_STATUS 401 with Set-Cookie: headers live on the error, not in toJSON() or metrics()', async () => {
    const base = await listen((_request, response) => {
      response.writeHead(401, {
        'www-authenticate': 'Bearer error="invalid_token"',
        'set-cookie': `session=${SECRET}`,
        'ratelimit-remaining': '7',
      });
      response.end();
    });
    const client = track(createSseClient(`${base}/events?token=${SECRET}`));
    const error = await firstError(client);
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(error.headers?.['ratelimit-remaining']).toBe('7');
    expect(error.headers?.['set-cookie']).toBe(`session=${SECRET}`);
    expect(error.toJSON().headers?.['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(client.metrics().lastError?.headers?.['ratelimit-remaining']).toBe('7');
    expect([JSON.stringify(error), JSON.stringify(client.metrics()), error.message].join()).not.toContain(
      SECRET,
    );
  });

  it('429 with Retry-After carries the headers too', async () => {
    const base = await listen((_request, response) => {
      response.writeHead(429, { 'retry-after': '1', 'ratelimit-reset': '1' });
      response.end();
    });
    const client = track(createSseClient(`${base}/events`));
    const error = await firstError(client);
    expect(error.retryAfter).toBe(1000);
    expect(error.headers).toMatchObject({ 'retry-after': '1', 'ratelimit-reset': '1' });
  });

  it('the TypeError for an unparsable URL does not echo its query', () => {
    expect(() => createSseClient(`http://[::1/events?token=${SECRET}`)).toThrow(TypeError);
    try {
      createSseClient(`http://[::1/events?token=${SECRET}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
      expect((error as Error).message).toContain('?…');
    }
  });

  it('the CLI status lines and its failure line show the URL without the query', async () => {
    const base = await closedPort();
    const command = parseCommandLine([
      'tail',
      `${base}/events?token=${SECRET}`,
      '--max-attempts',
      '1',
      '--reconnect',
      'immediate',
    ]);
    const stderr: string[] = [];
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => stderr.push(text) > 0 },
      env: { NO_COLOR: '1' },
      onInterrupt: () => () => undefined,
      stdoutClosed: new AbortController().signal,
    };
    const code = await runTail(command as TailCommand, io);
    const text = stderr.join('');
    expect(code).toBe(1);
    expect(text).toContain('connecting to');
    expect(text).toContain('/events?…');
    expect(text).not.toContain(SECRET);
  });
});
