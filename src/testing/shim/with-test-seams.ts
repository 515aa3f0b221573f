/**
 * SHIM(i17, until issue 12 lands): gives today's `createSseClient` the two seams issue 12 adds,
 * `clock` (passed to `createActor`) and `on('state', (state, details) => …)`, without touching
 * `src/client.ts`. Once the client has them, delete this folder and import `createSseClient` from
 * `sse-machine` again (see `examples/status-badge/sse-client.ts`).
 *
 * How: the client creates and starts its actor synchronously and schedules its first timer only
 * after `CONNECT` (a microtask later), so swapping the actor system's scheduler for one on `clock`
 * right after creation catches every timer. XState reads `system.scheduler` at each use.
 *
 * @module
 */
import type { ActorOptions, AnyActorLogic, AnyActorRef, EventObject } from 'xstate';
import type { SseClient, SseClientEventMap, SseClientOptions } from '../../client.js';
import type { SseState } from '../../metrics.js';
import type { SseEvent } from '../../parser/types.js';
import { type ChartSnapshotLike, type StateDetails, stateDetailsOf } from './state-details.js';

type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** The client options plus `clock` (issue 12). */
export type ShimClientOptions = SseClientOptions & {
  /** Passed to the actor: the chart's timers run on it. */
  readonly clock?: Clock;
};

/** The client, with `state` listeners receiving details (issue 12). */
export interface ShimSseClient extends Omit<SseClient, 'on'> {
  on(type: 'state', listener: (state: SseState, details: StateDetails) => void): () => void;
  on<K extends keyof SseClientEventMap>(type: K, listener: (value: SseClientEventMap[K]) => void): () => void;
  on(type: string, listener: (event: SseEvent) => void): () => void;
}

interface SchedulerSystem {
  scheduler: {
    schedule(source: AnyActorRef, target: AnyActorRef, event: EventObject, delay: number, id?: string): void;
    cancel(source: AnyActorRef, id: string): void;
    cancelAll(actor: AnyActorRef): void;
  };
  _relay(source: AnyActorRef, target: AnyActorRef, event: EventObject): void;
  _snapshot: { _scheduledEvents: Record<string, unknown> };
}

function useClock(system: SchedulerSystem, clock: Clock): void {
  const timers = new Map<string, { source: AnyActorRef; id: string; handle: unknown }>();
  const key = (source: AnyActorRef, id: string): string => `${source.sessionId}.${id}`;
  let anonymous = 0;
  system.scheduler = {
    schedule(source, target, event, delay, id = `shim-${++anonymous}`) {
      const k = key(source, id);
      system._snapshot._scheduledEvents[k] = { source, target, event, delay, id, startedAt: Date.now() };
      const handle = clock.setTimeout(() => {
        timers.delete(k);
        delete system._snapshot._scheduledEvents[k];
        system._relay(source, target, event);
      }, delay);
      timers.set(k, { source, id, handle });
    },
    cancel(source, id) {
      const k = key(source, id);
      const timer = timers.get(k);
      timers.delete(k);
      delete system._snapshot._scheduledEvents[k];
      if (timer !== undefined) clock.clearTimeout(timer.handle);
    },
    cancelAll(actor) {
      for (const timer of [...timers.values()]) if (timer.source === actor) this.cancel(actor, timer.id);
    },
  };
}

/**
 * Wrap a platform's `createSseClient` (Node or browser entry) so it accepts `clock` and reports
 * state details.
 *
 * @example
 * ```ts
 * import { createSseClient as create } from '../../index.js';
 * export const createSseClient = withTestSeams(create);
 * ```
 */
export function withTestSeams(
  create: (url: string | URL, options?: SseClientOptions) => SseClient,
): (url: string | URL, options?: ShimClientOptions) => ShimSseClient {
  return (url, options = {}) => {
    const { clock, ...rest } = options;
    const client = create(url, rest);
    if (clock !== undefined) useClock(client.actor.system as unknown as SchedulerSystem, clock);
    let last: ChartSnapshotLike = client.actor.getSnapshot() as ChartSnapshotLike;
    // Subscribed after the client's own observer: while a state listener runs, `last` is still the
    // snapshot before the change.
    client.actor.subscribe((snapshot) => {
      last = snapshot as ChartSnapshotLike;
    });
    const on = client.on.bind(client) as (type: string, listener: (value: never) => void) => () => void;
    const shimmed = Object.create(client) as ShimSseClient;
    Object.defineProperty(shimmed, 'on', {
      value: (type: string, listener: (value: never, details?: StateDetails) => void) => {
        if (type !== 'state') return on(type, listener);
        return on('state', ((state: SseState) =>
          listener(
            state as never,
            stateDetailsOf(last, client.actor.getSnapshot() as ChartSnapshotLike),
          )) as (value: never) => void);
      },
    });
    return shimmed;
  };
}
