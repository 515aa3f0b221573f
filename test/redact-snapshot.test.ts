/**
 * `redactForSnapshot`, the helper for issue 13 point 6's "no secret at rest": a real machine
 * snapshot with an `Authorization` header, a body and a token in the query, and a `STREAM.OPEN`
 * carrying `Set-Cookie`, come out without any of them.
 */

import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { sseMachine } from '../machines/connection.machine.js';
import { REDACTED_VALUE, redactForSnapshot } from '../src/redact-snapshot.js';

const SECRET = 'S3CRET';

describe('redactForSnapshot', () => {
  it('a persisted snapshot keeps its shape and the cursor, and loses every secret', () => {
    const actor = createActor(sseMachine, {
      input: {
        url: `https://api.test/stream?token=${SECRET}`,
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, accept: 'text/event-stream' },
        body: JSON.stringify({ prompt: SECRET }),
        lastEventId: '42',
      },
    }).start();
    const snapshot = actor.getPersistedSnapshot();
    expect(JSON.stringify(snapshot)).toContain(SECRET);
    const clean = redactForSnapshot(snapshot) as typeof snapshot & { context: Record<string, unknown> };
    expect(JSON.stringify(clean)).not.toContain(SECRET);
    expect(clean.context.lastEventId).toBe('42');
    expect(clean.context.url).toBe('https://api.test/stream?…');
    expect(clean.context.body).toBe(REDACTED_VALUE);
    expect(clean.context.headers).toEqual({
      authorization: REDACTED_VALUE,
      'x-api-key': REDACTED_VALUE,
      accept: 'text/event-stream',
    });
    actor.stop();
  });

  it('an inspection event with response headers loses Set-Cookie; event data is left alone', () => {
    const open = {
      type: '@xstate.event',
      event: {
        type: 'STREAM.OPEN',
        attempt: 1,
        url: `https://a.test/?k=${SECRET}`,
        headers: { 'set-cookie': SECRET, 'content-type': 'text/event-stream' },
      },
    };
    const clean = redactForSnapshot(open);
    expect(JSON.stringify(clean)).not.toContain(SECRET);
    expect(clean.event.headers['content-type']).toBe('text/event-stream');
    const progress = redactForSnapshot({
      type: 'STREAM.PROGRESS',
      events: [{ data: 'payload', type: 'message', lastEventId: '' }],
    });
    expect(progress.events[0]?.data).toBe('payload');
  });

  it('a serialized SseError inside is redacted too', () => {
    const clean = redactForSnapshot({
      lastError: {
        name: 'SseError',
        code: 'RECONNECT_EXHAUSTED',
        message: `gave up on https://x.test/?t=${SECRET}`,
        url: `https://x.test/?t=${SECRET}`,
      },
    });
    expect(JSON.stringify(clean)).not.toContain(SECRET);
  });
});
