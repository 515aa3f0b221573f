import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from '../helpers/sse-server.js';
import { type CliRun, ensureBuilt, expectExit, runCli } from './run-cli.js';

let server: SseServer;
const runs: CliRun[] = [];
const TIMESTAMP = /^\d\d:\d\d:\d\d\.\d{3} /m;

beforeAll(() => ensureBuilt(), 120_000);
beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  for (const run of runs.splice(0)) run.child.kill('SIGKILL');
  await server.close();
});

function tail(...args: string[]): CliRun {
  const run = runCli(['tail', ...args]);
  runs.push(run);
  return run;
}

describe('sse-machine tail: output', () => {
  it('prints "[type] id data" per event on stdout and timestamped states on stderr; --count exits 0', async () => {
    const run = tail(server.url('/events'), '--count', '3');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('data: plain\n\n');
    await request.write('event: price\nid: 7\ndata: line one\ndata: line two\n\n');
    await request.write(': keep-alive\n\nevent: news\ndata: {"a":1}\n\n');
    await expectExit(run, 0);
    expect(run.stdout()).toBe('[message] - plain\n[price] 7 line one\\nline two\n[news] 7 {"a":1}\n');
    expect(run.stderr()).toMatch(TIMESTAMP);
    expect(run.stderr()).toMatch(/connecting to http:\/\/127\.0\.0\.1:\d+\/events \(attempt 1\)/);
    expect(run.stderr()).toContain('connected: 200 (attempt 1)');
    expect(run.stderr()).toContain('summary: events 3');
  });

  it('--comments shows each comment line on stderr, control characters escaped; without it none', async () => {
    const run = tail(server.url('/events'), '--count', '1', '--comments');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write(': keep-alive\n:tick\x1b[2J\n\ndata: x\n\n');
    await expectExit(run, 0);
    expect(run.stdout()).toBe('[message] - x\n');
    expect(run.stderr()).toMatch(/ : keep-alive\n/);
    expect(run.stderr()).toMatch(/ : tick\\u001b\[2J\n/);
    const plain = tail(server.url('/events'), '--count', '1');
    const second = await server.nextRequest('/events');
    second.open();
    await second.write(': keep-alive\n\ndata: y\n\n');
    await expectExit(plain, 0);
    expect(plain.stderr()).not.toContain('keep-alive');
  });

  it('--json writes one JSON object per line with the data exactly as received', async () => {
    const run = tail(server.url('/events'), '--json', '--count', '2', '--quiet');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('id: a\ndata: x\ndata: y\n\nevent: t\ndata: \\n"q"\n\n');
    await expectExit(run, 0);
    const lines = run
      .stdout()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { type: 'message', id: 'a', data: 'x\ny' },
      { type: 't', id: 'a', data: '\\n"q"' },
    ]);
    // --quiet: no status lines, no summary.
    expect(run.stderr()).toBe('');
  });

  it('--event (repeatable) prints only the named types', async () => {
    const run = tail(server.url('/events'), '--event', 'a', '--event', 'c', '--count', '2', '-q');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('event: a\ndata: 1\n\nevent: b\ndata: 2\n\ndata: 3\n\nevent: c\ndata: 4\n\n');
    await expectExit(run, 0);
    expect(run.stdout()).toBe('[a] - 1\n[c] - 4\n');
  });

  it('stops with exit 0 when the server ends the stream and --reconnect none', async () => {
    const run = tail(server.url('/events'), '--reconnect', 'none');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('data: only\n\n');
    await request.end();
    await expectExit(run, 0);
    expect(run.stdout()).toBe('[message] - only\n');
    expect(run.stderr()).toContain('state closed');
  });
});

describe('sse-machine tail: request', () => {
  it('-H (repeatable), -X POST and -d send headers, method and body; --last-event-id seeds the cursor', async () => {
    const run = tail(
      server.url('/llm'),
      '-H',
      'Authorization: Bearer t0k3n',
      '-H',
      'X-Trace:  abc ',
      '-X',
      'POST',
      '-d',
      '{"prompt":"hi"}',
      '--last-event-id',
      '41',
      '--count',
      '1',
    );
    const request = await server.nextRequest('/llm');
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{"prompt":"hi"}');
    expect(request.headers.authorization).toBe('Bearer t0k3n');
    expect(request.headers['x-trace']).toBe('abc');
    expect(request.headers['last-event-id']).toBe('41');
    expect(request.headers.accept).toBe('text/event-stream');
    request.open();
    await request.write('data: token\n\n');
    await expectExit(run, 0);
  });

  it('-H repeated with one name (any case) sends every value: ", " between them, "; " for Cookie', async () => {
    const run = tail(
      server.url('/events'),
      ...['-H', 'X-A: first', '-H', 'x-a: second', '-H', 'X-A: third'],
      ...['-H', 'Cookie: a=1', '-H', 'cookie: b=2', '--count', '1', '-q'],
    );
    const request = await server.nextRequest('/events');
    expect(request.headers['x-a']).toBe('first, second, third');
    expect(request.headers.cookie).toBe('a=1; b=2');
    request.open();
    await request.write('data: ok\n\n');
    await expectExit(run, 0);
  });

  it('-H keeps a tab inside a value, and sends non-ASCII as UTF-8 bytes (as curl does)', async () => {
    const run = tail(server.url('/events'), '-H', 'X-Tab: a\tb', '-H', 'X-Text: héllo 世界', '--count', '1');
    const request = await server.nextRequest('/events');
    expect(request.headers['x-tab']).toBe('a\tb');
    // node reads header bytes as latin1.
    expect(Buffer.from(request.headers['x-text'] as string, 'latin1').toString('utf8')).toBe('héllo 世界');
    request.open();
    await request.write('data: ok\n\n');
    await expectExit(run, 0);
  });

  it('-d alone means POST; --data-file reads the body from a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-cli-'));
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"from":"file"}');
    const run = tail(server.url('/llm'), '--data-file', file, '--count', '1');
    const request = await server.nextRequest('/llm');
    expect(request.method).toBe('POST');
    expect(request.body).toBe('{"from":"file"}');
    request.open();
    await request.write('data: ok\n\n');
    await expectExit(run, 0);
  });

  it('reconnects after the server ends the stream, logs the delay, resumes with Last-Event-ID', async () => {
    const run = tail(server.url('/events'), '--count', '2');
    const first = await server.nextRequest('/events');
    first.open();
    // retry: makes the wait short and known.
    await first.write('retry: 20\nid: 1\ndata: one\n\n');
    await first.end();
    const second = await server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('1');
    second.open();
    await second.write('id: 2\ndata: two\n\n');
    await expectExit(run, 0);
    expect(run.stdout()).toBe('[message] 1 one\n[message] 2 two\n');
    expect(run.stderr()).toMatch(/reconnecting in \d+ ms \(attempt 2 next\)/);
    expect(run.stderr()).toContain('connected: 200 (attempt 2)');
  });

  it('--trace writes inspection events as JSON Lines with the machine state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sse-cli-'));
    const file = join(dir, 'trace.jsonl');
    const run = tail(server.url('/events'), '--trace', file, '--count', '1', '-q');
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('data: x\n\n');
    await expectExit(run, 0);
    const records = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { type: string; event: string | null; state: unknown; timestamp: number },
      );
    expect(records.length).toBeGreaterThan(3);
    for (const record of records) {
      expect(record.type).toMatch(/^@xstate\./);
      expect(typeof record.timestamp).toBe('number');
    }
    const events = records.filter((r) => r.type === '@xstate.event').map((r) => r.event);
    expect(events).toContain('CONNECT');
    expect(events).toContain('STREAM.OPEN');
    // The state is the machine's own value: nested objects while active.
    expect(records.some((r) => JSON.stringify(r.state).startsWith('{"active":{"connected"'))).toBe(true);
    expect(records.at(-1)?.state).toBe('closed');
  });
});

describe('sse-machine tail: exit codes', () => {
  it('exit 1 on a 404, with the SseError code in the message', async () => {
    server.route('/missing', (request) => request.respond(404, { 'content-type': 'text/plain' }, 'no'));
    const run = tail(server.url('/missing'));
    await expectExit(run, 1);
    expect(run.stderr()).toMatch(/sse-machine: failed: HTTP_STATUS: .*404/);
    expect(run.stdout()).toBe('');
  });

  it('exit 1 with RECONNECT_EXHAUSTED when --max-attempts runs out', async () => {
    server.route('/busy', (request) => request.respond(503, { 'retry-after': '0' }));
    const run = tail(server.url('/busy'), '--max-attempts', '1', '--reconnect', 'immediate', '-q');
    await expectExit(run, 1);
    expect(run.stderr()).toMatch(/sse-machine: failed: RECONNECT_EXHAUSTED/);
    expect(server.received).toHaveLength(2);
  });

  it('--timeout stops a quiet stream with exit 0, but exit 1 when --count was not reached', async () => {
    const quietRun = tail(server.url('/quiet'), '--timeout', '300ms', '-q');
    (await server.nextRequest('/quiet')).open();
    await expectExit(quietRun, 0);
    const shortRun = tail(server.url('/short'), '--timeout', '300ms', '--count', '5');
    const request = await server.nextRequest('/short');
    request.open();
    await request.write('data: only one\n\n');
    await expectExit(shortRun, 1);
    expect(shortRun.stderr()).toMatch(/sse-machine: timeout after 300 ms: 1 of 5 events/);
  });

  it('--max-event-size drops an oversized event: EVENT_TOO_LARGE, exit 1 without reconnection', async () => {
    const run = tail(server.url('/big'), '--max-event-size', '64', '--reconnect', 'none');
    const request = await server.nextRequest('/big');
    request.open();
    await request.write(`data: ${'x'.repeat(200)}\n\n`);
    await expectExit(run, 1);
    expect(run.stderr()).toMatch(/sse-machine: failed: .*EVENT_TOO_LARGE/);
    expect(run.stdout()).toBe('');
  });

  it('--heartbeat-timeout gives up on a silent stream (HEARTBEAT_TIMEOUT) when reconnection is off', async () => {
    const run = tail(server.url('/silent'), '--heartbeat-timeout', '200ms', '--reconnect', 'none');
    const request = await server.nextRequest('/silent');
    request.open();
    await expectExit(run, 1);
    // With reconnection off the budget is exhausted at once; the heartbeat is named as the cause.
    expect(run.stderr()).toMatch(/error RECONNECT_EXHAUSTED: .*HEARTBEAT_TIMEOUT/);
    expect(run.stderr()).toMatch(/sse-machine: failed: .*HEARTBEAT_TIMEOUT/);
  });

  it('SIGINT closes the stream, prints a metrics summary on stderr and exits 0', async () => {
    const run = tail(server.url('/events'));
    const request = await server.nextRequest('/events');
    request.open();
    await request.write('id: 1\ndata: hello\n\n');
    await run.waitFor('stdout', '[message] 1 hello\n');
    run.child.kill('SIGINT');
    await expectExit(run, 0);
    expect(run.stderr()).toMatch(/summary: events 1, bytes \d+ B, reconnects 0, attempts 1, last id 1/);
    // The stream was closed from the client side: the server's socket goes away.
    await server.waitForSockets(0);
  });
});
