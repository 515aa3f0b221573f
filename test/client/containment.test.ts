/**
 * What an app's mistakes cannot do to the client: a throwing inspector, many clients on one signal.
 */
import { describe, expect, it } from 'vitest';
import { nextEvents, stateReached, useServer } from '../helpers/harness.js';

const h = useServer();

describe('containment', () => {
  it('an inspector that throws on every event changes nothing: events flow, close() closes', async () => {
    let calls = 0;
    const client = h.client('/events', {
      inspect: () => {
        calls++;
        throw new Error('inspector bug');
      },
    });
    const request = await h.server.nextRequest('/events');
    request.open();
    const events = nextEvents(client, 1);
    await request.write('data: still here\n\n');
    expect((await events)[0]?.data).toBe('still here');
    client.close();
    expect(client.state).toBe('closed');
    expect(calls, 'the inspector was called').toBeGreaterThan(0);
  });

  it('50 clients on one AbortSignal: one listener on it, no warning printed, abort closes all', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const clients = Array.from({ length: 50 }, () =>
        h.client('/events', { signal: controller.signal, autoConnect: false }),
      );
      controller.abort();
      expect(clients.map((client) => client.state).filter((state) => state !== 'closed')).toEqual([]);
      // Node emits MaxListenersExceededWarning asynchronously: give it the turn it needs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(warnings.map((warning) => warning.name)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a connected client closed by its signal ends in closed and drops the socket', async () => {
    const controller = new AbortController();
    const client = h.client('/events', { signal: controller.signal });
    const request = await h.server.nextRequest('/events');
    request.open();
    await stateReached(client, 'connected');
    controller.abort();
    expect(client.state).toBe('closed');
  });
});
