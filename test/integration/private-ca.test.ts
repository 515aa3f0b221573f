/**
 * A server whose certificate a private CA signed (made in the test with openssl): refused by
 * default, accepted with the library's `tls: { ca }` (or, for test servers, `rejectUnauthorized:
 * false`), and by the CLI with `--cacert FILE` or `--insecure`.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSseClient, type SseClient, type SseClientOptions } from '../../src/index.js';
import { ensureBuilt, runCli } from '../cli/run-cli.js';
import { openssl, skipWithout } from '../helpers/system-deps.js';
import { createPrivateCa, type PrivateCa } from './private-ca.js';

const skip = skipWithout(openssl);

let ca: PrivateCa;
let server: Server;
let url: string;
const clients: SseClient[] = [];

beforeAll(async () => {
  if (skip) return;
  ensureBuilt();
  ca = createPrivateCa();
  server = createServer({ key: ca.key, cert: ca.cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('id: 1\ndata: trusted\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

afterAll(async () => {
  if (skip) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  ca.remove();
});

function firstEvent(options: SseClientOptions): Promise<string> {
  const client = createSseClient(url, { reconnect: { strategy: 'none' }, ...options });
  clients.push(client);
  return new Promise((resolve) => {
    client.on('message', (event) => resolve(event.data));
    client.on('error', (error) => resolve(`error ${error.code}: ${error.message}`));
  });
}

describe.skipIf(skip)('library: a private CA', () => {
  it('refuses the certificate by default (TLS, final, naming the certificate failure)', async () => {
    expect(await firstEvent({})).toMatch(
      /^error TLS: TLS certificate of https:\/\/127\.0\.0\.1:\d+\/events refused: .*certificate/,
    );
  });

  it('accepts it with tls.ca as PEM text, as bytes, or in a list', async () => {
    expect(await firstEvent({ tls: { ca: ca.ca } })).toBe('trusted');
    expect(await firstEvent({ tls: { ca: new TextEncoder().encode(ca.ca) } })).toBe('trusted');
    expect(await firstEvent({ tls: { ca: [ca.ca] } })).toBe('trusted');
  });

  it('accepts anything with tls.rejectUnauthorized: false', async () => {
    expect(await firstEvent({ tls: { rejectUnauthorized: false } })).toBe('trusted');
  });

  it('rejects a tls option of the wrong shape at once', () => {
    expect(() => createSseClient(url, { tls: { ca: 42 as unknown as string }, autoConnect: false })).toThrow(
      'sse-machine: tls.ca must be PEM text or bytes (or a list of them)',
    );
  });
});

describe.skipIf(skip)('CLI: --cacert and --insecure', () => {
  async function tail(...args: string[]) {
    const run = runCli(['tail', url, '--count', '1', '--reconnect', 'none', '-q', ...args], {
      NODE_EXTRA_CA_CERTS: undefined,
    });
    return { code: await run.exited, out: run.stdout(), err: run.stderr() };
  }

  it('fails (exit 1) without them, naming the certificate problem', async () => {
    const result = await tail();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/TLS.*certificate/);
  });

  it('--cacert FILE trusts the CA', async () => {
    expect(await tail('--cacert', ca.caFile)).toMatchObject({ code: 0, out: '[message] 1 trusted\n' });
  });

  it('--insecure (-k) accepts the certificate', async () => {
    expect(await tail('--insecure')).toMatchObject({ code: 0, out: '[message] 1 trusted\n' });
    expect(await tail('-k')).toMatchObject({ code: 0, out: '[message] 1 trusted\n' });
  });

  it('--cacert with a missing or non-PEM file is a usage error (exit 2)', async () => {
    const missing = await tail('--cacert', '/nonexistent/ca.pem');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read --cacert /nonexistent/ca.pem');
    // The CA's private key: PEM, but no certificate.
    const keyFile = ca.caFile.replace(/ca\.pem$/, 'ca.key');
    const notPem = await tail('--cacert', keyFile);
    expect(notPem.code).toBe(2);
    expect(notPem.err).toContain(`--cacert ${keyFile} holds no PEM certificate`);
  });
});
