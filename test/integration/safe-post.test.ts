/**
 * Safe POST streams (issue 15, point 7): a non-GET request whose response the server accepted is
 * not sent again after its stream drops, unless a cursor lets the server resume or the user opts in
 * with `resendAccepted`. Against a real `node:http` server: the drop is a destroyed socket in the
 * middle of the answer.
 */
import { describe, expect, it } from 'vitest';
import {
  FAST_RECONNECT,
  nextEvents,
  recordErrors,
  requestsTo,
  settle,
  useServer,
  waitForState,
} from '../helpers/harness.js';

const h = useServer();
const prompt = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
const llm = { method: 'POST', body: prompt, reconnect: FAST_RECONNECT } as const;

describe('POST accepted, then dropped mid-answer', () => {
  it('is not sent again by default: failed with NOT_RESUMABLE, the drop as cause', async () => {
    const client = h.client('/chat', llm);
    const errors = recordErrors(client);
    const first = await h.server.nextRequest('/chat');
    expect([first.method, first.body]).toEqual(['POST', prompt]);
    first.open();
    const partial = nextEvents(client, 1);
    await first.write('data: {"delta":"Hel"}\n\n');
    await partial;
    first.destroy();
    await waitForState(client, 'failed');
    await settle();
    expect(requestsTo(h.server, '/chat')).toBe(1);
    expect(errors.map((error) => error.code)).toEqual(['NETWORK', 'NOT_RESUMABLE']);
    expect(errors[1]!.message).toMatch(/POST request was accepted .*resendAccepted: true/);
    expect((errors[1]!.cause as { code?: string }).code).toBe('NETWORK');
    expect(client.metrics().lastError).toMatchObject({ code: 'NOT_RESUMABLE' });
  });

  it('the server ending the answer closes the client: no second POST, even with reconnectOnEnd always', async () => {
    const client = h.client('/chat', { ...llm, reconnectOnEnd: 'always' });
    const first = await h.server.nextRequest('/chat');
    first.open();
    await first.write('data: [DONE]\n\n');
    await first.end();
    await waitForState(client, 'closed');
    await settle();
    expect(requestsTo(h.server, '/chat')).toBe(1);
  });

  it('with resendAccepted: true, exactly one second POST with the same body', async () => {
    const client = h.client('/chat', { ...llm, resendAccepted: true });
    const first = await h.server.nextRequest('/chat');
    first.open();
    await first.write('data: {"delta":"Hel"}\n\n');
    first.destroy();
    const second = await h.server.nextRequest('/chat');
    expect([second.method, second.body, second.headers['last-event-id']]).toEqual([
      'POST',
      prompt,
      undefined,
    ]);
    second.open();
    await waitForState(client, 'connected');
    await settle();
    expect(requestsTo(h.server, '/chat')).toBe(2);
  });

  it('with a cursor (an id the server sent) the second POST carries Last-Event-ID', async () => {
    const client = h.client('/chat', llm);
    const first = await h.server.nextRequest('/chat');
    first.open();
    const one = nextEvents(client, 1);
    await first.write('id: msg-1:3\ndata: {"delta":"Hel"}\n\n');
    await one;
    first.destroy();
    const second = await h.server.nextRequest('/chat');
    expect([second.method, second.headers['last-event-id']]).toEqual(['POST', 'msg-1:3']);
    second.open();
    await waitForState(client, 'connected');
    expect(requestsTo(h.server, '/chat')).toBe(2);
  });

  it('a POST the server did not accept (503) is sent again: it was never taken', async () => {
    const client = h.client('/chat', llm);
    (await h.server.nextRequest('/chat')).respond(503, { 'retry-after': '0' });
    const second = await h.server.nextRequest('/chat');
    expect(second.body).toBe(prompt);
    second.open();
    await waitForState(client, 'connected');
  });

  it('a GET reconnects after the same drop, as always', async () => {
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const first = await h.server.nextRequest('/events');
    first.open();
    await first.write('data: x\n\n');
    first.destroy();
    (await h.server.nextRequest('/events')).open();
    await waitForState(client, 'connected');
  });
});
