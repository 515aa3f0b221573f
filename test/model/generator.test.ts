/**
 * generateConnectionTests is only worth its paths if it refuses what it cannot drive and says
 * which path and step went wrong: unmapped chart events, an app that does not forward the test
 * seams, an app whose connection leaves the chart's path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { sseMachine } from '../../machines/connection.machine.js';
import { createSseClient } from '../../src/index.js';
import { unmappedEvents } from '../../src/testing/edge-drivers.js';
import {
  type ConnectionTestOptions,
  generateConnectionTests,
  type SseServer,
  startSseServer,
  TestClock,
} from '../../src/testing/index.js';

let server: SseServer;
beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

/** A minimal app: its client, under the options the generator gives. */
const app = (url: string, options: Partial<ConnectionTestOptions>, extra: { onError?: 'close' } = {}) => {
  const client = createSseClient(url, { heartbeatTimeout: 5000, reconnect: { maxAttempts: 1 }, ...options });
  if (extra.onError === 'close') client.on('error', () => client.close());
  return client;
};

describe('generateConnectionTests', () => {
  it('maps every event the chart accepts to a real action', () => {
    expect(unmappedEvents(sseMachine)).toEqual([]);
  });

  it('names a chart event no driver produces, and the states that accept it', () => {
    const grown = setup({}).createMachine({
      id: 'sse',
      initial: 'idle',
      states: {
        idle: { on: { CONNECT: 'active' } },
        active: { on: { 'STREAM.STALL': 'idle', 'STREAM.CURSOR': 'idle' }, after: { 1000: 'idle' } },
      },
    });
    expect(unmappedEvents(grown)).toEqual(['STREAM.STALL in sse.active', 'STREAM.CURSOR in sse.active']);
  });

  it('refuses an app that does not forward inspect to its client', () => {
    expect(() =>
      generateConnectionTests({
        server,
        start: (url, { clock }) => app(url, { clock }),
        close: (client) => client.close(),
        expect: {},
      }),
    ).toThrow(
      /created no sse-machine client that the generator could see; .*pass options.inspect and options.clock/,
    );
  });

  it('fails a timer step of an app that does not forward clock', async () => {
    const [test] = generateConnectionTests({
      server,
      start: (url, { inspect }) => app(url, { inspect }),
      close: (client) => client.close(),
      expect: {},
    }).filter(
      (each) =>
        each.description.endsWith('(heartbeat timeout)') ||
        each.description.includes('(heartbeat timeout) →'),
    );
    expect(test).toBeDefined();
    await expect(test?.run()).rejects.toThrow(
      /no timer is pending on the test clock \(does the app pass options.clock/,
    );
  });

  it('fails when the app takes its connection off the chart path (closes on the first error)', async () => {
    const tests = generateConnectionTests({
      server,
      start: (url, options) => app(url, options, { onError: 'close' }),
      close: (client) => client.close(),
      expect: {},
    });
    const dropped = tests.find((test) =>
      test.description.startsWith(
        'resumption: connecting → connected (open) → reconnecting (connection dropped)',
      ),
    );
    await expect(dropped?.run()).rejects.toThrow(
      /^resumption: connecting → connected \(open\) → reconnecting \(connection dropped\): expected the connection to be reconnecting, the client's chart is closed$/,
    );
  });

  it('passes the state details to the assertions: attempt, delay and reason, error', async () => {
    const seen: string[] = [];
    const tests = generateConnectionTests({
      server,
      start: (url, options) => app(url, options),
      close: (client) => client.close(),
      scenarios: [{ name: 'busy', server: ['unavailable', 'no-content'], timers: [] }],
      expect: {
        connecting: (_client, { attempt }) => void seen.push(`connecting ${attempt}`),
        reconnecting: (_client, { delay, reason, error }) =>
          void seen.push(`reconnecting ${delay} ${reason} ${error?.status}`),
        failed: (_client, { error }) => void seen.push(`failed ${error?.code}`),
      },
    });
    const busy = tests.find(
      (test) =>
        test.description ===
        'busy: connecting → reconnecting (503 Retry-After: 2) → closed (closed by the app)',
    );
    await busy?.run();
    expect(seen).toEqual(['connecting 1', 'reconnecting 2000 retry-after 503']);
    const noContent = tests.find(
      (test) => test.description === 'busy: connecting → failed (204) → closed (closed by the app)',
    );
    seen.length = 0;
    await noContent?.run();
    expect(seen).toEqual(['connecting 1', 'failed NO_CONTENT']);
  });
});

describe('TestClock', () => {
  it('fires timers in due order, one at a time with runNext', () => {
    const clock = new TestClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 150);
    clock.clearTimeout(cancelled);
    expect(clock.runNext()).toBe(true);
    expect([fired, clock.now()]).toEqual([['a'], 100]);
    clock.increment(150);
    expect([fired, clock.now(), clock.pending]).toEqual([['a', 'b'], 250, 0]);
    expect(clock.runNext()).toBe(false);
  });
});
