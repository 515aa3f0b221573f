import { describe, expect, it } from 'vitest';
import { FAST_RECONNECT, nextEvents, useServer } from '../helpers/harness.js';

const h = useServer();

const TOTAL = 6;

describe('server restart', () => {
  it('resumes with Last-Event-ID on the same port and gets the rest exactly once', async () => {
    const cursors: (string | undefined)[] = [];
    // A replaying server: from the cursor to the end, except that the first connection stops
    // half way and stays open (the restart cuts it).
    h.server.route('/events', async (request) => {
      const cursor = request.headers['last-event-id'] as string | undefined;
      cursors.push(cursor);
      const from = cursor === undefined ? 1 : Number(cursor) + 1;
      const to = cursor === undefined ? TOTAL / 2 : TOTAL;
      request.open();
      for (let id = from; id <= to; id++) await request.write(`id: ${id}\ndata: event ${id}\n\n`);
    });
    const client = h.client('/events', { reconnect: FAST_RECONNECT });
    const firstHalf = nextEvents(client, TOTAL / 2);
    const all = nextEvents(client, TOTAL);
    await firstHalf;
    await h.server.restart();
    const events = await all;
    expect(events.map((event) => event.data)).toEqual(
      Array.from({ length: TOTAL }, (_, index) => `event ${index + 1}`),
    );
    // Refused connections while the server was down carry the same cursor.
    expect(cursors[0]).toBeUndefined();
    expect(new Set(cursors.slice(1))).toEqual(new Set(['3']));
    expect(client.lastEventId).toBe(String(TOTAL));
  });
});
