/**
 * `client.actor` is the actor of the connection machine, typed (issue 15, point 5 of the issue;
 * point 3 of the brief): its snapshot's context and a `useSelector`-style selector are typed, not
 * `any`. `tsc --noEmit` (npm run typecheck) checks the `expectTypeOf` lines; vitest runs the file.
 */

import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnyActorRef, SnapshotFrom } from 'xstate';
import type { SseMachineContext } from '../../machines/connection.machine.js';
import { createSseClient, type SseActor, type SseError } from '../../src/index.js';

/** The signature of `@xstate/react`'s `useSelector`, without React. */
function useSelector<TActor extends Pick<AnyActorRef, 'subscribe' | 'getSnapshot'>, T>(
  actor: TActor,
  selector: (snapshot: SnapshotFrom<TActor>) => T,
): T {
  return selector(actor.getSnapshot());
}

describe('client.actor types', () => {
  it('types the snapshot context and selectors', () => {
    const client = createSseClient('http://127.0.0.1:9/events', { autoConnect: false, lastEventId: '7' });
    expectTypeOf(client.actor).toEqualTypeOf<SseActor>();
    const context = client.actor.getSnapshot().context;
    expectTypeOf(context).toEqualTypeOf<SseMachineContext>();
    expectTypeOf(context.lastEventId).toEqualTypeOf<string>();
    expectTypeOf(context.lastError).toEqualTypeOf<SseError | undefined>();
    expectTypeOf(context).not.toBeAny();

    const lastEventId = useSelector(client.actor, (snapshot) => snapshot.context.lastEventId);
    expectTypeOf(lastEventId).toEqualTypeOf<string>();
    const attempt = useSelector(client.actor, (snapshot) => snapshot.context.attempt);
    expectTypeOf(attempt).toEqualTypeOf<number>();
    const connected = useSelector(client.actor, (snapshot) => snapshot.matches({ active: 'connected' }));
    expectTypeOf(connected).toEqualTypeOf<boolean>();
    // @ts-expect-error: the context has no such field, so a typo is a compile error, not `any`.
    useSelector(client.actor, (snapshot) => snapshot.context.lastEventID);
    // @ts-expect-error: state values are checked against the chart.
    client.actor.getSnapshot().matches('nowhere');

    expect(lastEventId).toBe('7');
    expect(attempt).toBe(0);
    client.close();
  });
});
