import { describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import type { SseClient, SseEvent } from '../../src/index.js';
import { recordTrace, type TraceRecord } from '../../src/trace.js';
import { useServer } from '../helpers/harness.js';

// Every test gets a fresh loopback server; its clients are closed after it.
const h = useServer();

function nextMessage(client: SseClient): Promise<SseEvent> {
  return new Promise((resolve) => {
    const off = client.on('message', (event: SseEvent) => {
      off();
      resolve(event);
    });
  });
}

function nextState(client: SseClient, state: string): Promise<void> {
  return new Promise((resolve) => {
    const off = client.on('state', (value) => {
      if (value !== state) return;
      off();
      resolve();
    });
  });
}

const CONNECTED = {
  active: { connected: { reading: 'flowing', stability: 'settling' } },
};

describe('inspecting a client', () => {
  it('observes connect → drop → reconnect → close as the expected snapshots and events', async () => {
    const inspected: InspectionEvent[] = [];
    const client = h.client('/events', {
      reconnect: { initialDelay: 1, jitter: 0 },
      inspect: (event) => inspected.push(event),
    });
    const lines: string[] = [];
    const stopTrace = recordTrace(client, (line) => lines.push(line), { now: () => 0 });

    const first = await h.server.nextRequest('/events');
    first.open();
    const message = nextMessage(client);
    await first.write('id: 1\ndata: one\n\n');
    expect((await message).data).toBe('one');
    const reconnecting = nextState(client, 'reconnecting');
    first.destroy();
    await reconnecting;
    const second = await h.server.nextRequest('/events');
    expect(second.headers['last-event-id']).toBe('1');
    const connected = nextState(client, 'connected');
    second.open();
    await connected;
    client.close();
    stopTrace();

    const root: AnyActorRef = client.actor;
    // A disabled timer (idleEventTimeout 0) is never scheduled: every root snapshot is in the sequence.
    const rootSnapshots = inspected
      .filter((event) => event.type === '@xstate.snapshot' && event.actorRef === root)
      .map((event) => [
        event.type === '@xstate.snapshot' ? event.event.type : '',
        event.type === '@xstate.snapshot'
          ? (event.snapshot as unknown as { value: unknown }).value
          : undefined,
      ]);
    expect(rootSnapshots).toEqual([
      ['xstate.init', 'idle'],
      ['CONNECT', { active: 'connecting' }],
      ['STREAM.OPEN', CONNECTED],
      ['STREAM.PROGRESS', CONNECTED],
      ['STREAM.ERROR', 'reconnecting'],
      ['xstate.after.reconnectDelay.sse.reconnecting', { active: 'connecting' }],
      ['STREAM.OPEN', CONNECTED],
      ['CLOSE', 'closed'],
    ]);

    // Each attempt is its own `stream` actor, which is the source of every STREAM.* event.
    const streamActors = inspected.filter(
      (event) =>
        event.type === '@xstate.actor' &&
        event.actorRef !== root &&
        (event.actorRef as AnyActorRef).id === 'stream',
    );
    expect(streamActors).toHaveLength(2);
    const fromStreams = inspected
      .filter(
        (event) =>
          event.type === '@xstate.event' &&
          event.actorRef === root &&
          (event.sourceRef as AnyActorRef | undefined)?.id === 'stream',
      )
      .map((event) => (event.type === '@xstate.event' ? event.event.type : ''));
    expect(fromStreams).toEqual(['STREAM.OPEN', 'STREAM.PROGRESS', 'STREAM.ERROR', 'STREAM.OPEN']);
    const error = inspected.find(
      (event) => event.type === '@xstate.event' && event.event.type === 'STREAM.ERROR',
    );
    expect(error?.type === '@xstate.event' && error.event).toMatchObject({
      retryable: true,
      error: { code: 'NETWORK', attempt: 1 },
    });

    // The same run, as JSON Lines from recordTrace (attached after creation, through the system).
    const records = lines.map((line) => JSON.parse(line) as TraceRecord);
    const traced = records
      .filter(
        (record) =>
          record.type === '@xstate.snapshot' &&
          record.actor === root.sessionId &&
          !(record.event as { type: string }).type.startsWith('xstate.after.idleEventTimeout.'),
      )
      .map((record) => [(record.event as { type: string }).type, record.state]);
    // recordTrace starts after the initial snapshot: everything else matches the raw inspection.
    expect(traced).toEqual(rootSnapshots.slice(1));
    expect(records.every((record) => record.ts === 0)).toBe(true);
    expect(records.some((record) => record.type === '@xstate.microstep')).toBe(true);
    expect(
      records.filter((record) => record.type === '@xstate.actor' && record.actor === 'stream'),
    ).toHaveLength(2);
  });

  it('recordTrace stops writing once stopped and survives a throwing writer', async () => {
    const client = h.client('/events', { autoConnect: false });
    const lines: string[] = [];
    const errors: unknown[] = [];
    let calls = 0;
    const stop = recordTrace(
      client.actor,
      (line) => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        lines.push(line);
      },
      { types: ['@xstate.snapshot'], onError: (error) => errors.push(error) },
    );
    client.connect();
    const request = await h.server.nextRequest('/events');
    stop();
    request.open();
    await new Promise<void>((resolve) => {
      const off = client.on('state', () => {
        off();
        resolve();
      });
    });
    // Before stop(): the new stream actor's first snapshot (the write that threw), then the root's.
    expect(errors).toEqual([new Error('disk full')]);
    expect(calls).toBe(2);
    expect(lines.map((line) => (JSON.parse(line) as TraceRecord).event)).toEqual([{ type: 'CONNECT' }]);
  });
});
