/**
 * Typed events (issue 15, point 6): `parse` as one function or, per event type, a Standard Schema
 * validator (zod and valibot, unchanged) or a function. Type tests for the overloads (checked by
 * `tsc --noEmit`), runtime tests against a real server: typed payloads for listeners and `events()`,
 * `PARSE` errors that skip the event while the stream goes on and the cursor advances.
 */
import type { StandardSchemaV1 as SpecSchema } from '@standard-schema/spec';
import * as v from 'valibot';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createSseClient,
  type SseClient,
  type SseError,
  type SseEvent,
  type SseTypedClient,
  type SseTypedEvent,
  type StandardSchemaV1,
} from '../../src/index.js';
import { nextEvents, recordErrors, useServer } from '../helpers/harness.js';

const h = useServer();
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const client of opened.splice(0)) client.close();
});
function track<C extends { close(): void }>(client: C): C {
  opened.push(client);
  return client;
}

interface Price {
  symbol: string;
  amount: number;
}
interface News {
  title: string;
}

const ZodPrice = z.object({ symbol: z.string(), amount: z.number() });
const ZodNews = z.object({ title: z.string() });
const ValibotPrice = v.object({ symbol: v.string(), amount: v.number() });
const ValibotNews = v.object({ title: v.string() });

describe('types', () => {
  it('the copied Standard Schema interface is the spec package’s, both ways', () => {
    expectTypeOf<SpecSchema<unknown, Price>>().toExtend<StandardSchemaV1<unknown, Price>>();
    expectTypeOf<StandardSchemaV1<unknown, Price>>().toExtend<SpecSchema<unknown, Price>>();
    expectTypeOf(ZodPrice).toExtend<StandardSchemaV1<unknown, Price>>();
    expectTypeOf(ValibotPrice).toExtend<StandardSchemaV1<unknown, Price>>();
  });

  it('infers payloads from zod and valibot schemas per event type', () => {
    const client = createSseClient('http://127.0.0.1:9/', {
      autoConnect: false,
      parse: { price: ZodPrice, news: ValibotNews },
    });
    expectTypeOf(client).toEqualTypeOf<SseTypedClient<{ price: Price; news: News }>>();
    client.on('price', (event) => {
      expectTypeOf(event).toEqualTypeOf<SseTypedEvent<Price, 'price'>>();
      expectTypeOf(event.payload.amount).toBeNumber();
      expectTypeOf(event.data).toBeString();
    });
    client.on('news', (event) => expectTypeOf(event.payload).toEqualTypeOf<News>());
    // Types outside the map stay plain events; the client's own events keep their payloads.
    client.on('message', (event) => expectTypeOf(event).toEqualTypeOf<SseEvent>());
    client.on('error', (error) => expectTypeOf(error).toEqualTypeOf<SseError>());
    expectTypeOf(client.events(['price'])).toEqualTypeOf<
      AsyncIterableIterator<SseTypedEvent<Price, 'price'>>
    >();
    expectTypeOf(client.events()).toEqualTypeOf<
      AsyncIterableIterator<SseTypedEvent<Price, 'price'> | SseTypedEvent<News, 'news'>>
    >();
    client.close();
  });

  it('takes the payload types as a type parameter with a parse function', () => {
    const client = createSseClient<{ price: Price; news: News }>('http://127.0.0.1:9/', {
      autoConnect: false,
      parse: (data) => JSON.parse(data),
    });
    client.on('price', (event) => expectTypeOf(event.payload).toEqualTypeOf<Price>());
    createSseClient<{ price: Price }>('http://127.0.0.1:9/', {
      autoConnect: false,
      // @ts-expect-error: a map entry must produce the declared payload.
      parse: { price: ZodNews },
    }).close();
    client.close();
  });

  it('without parse the client is untyped, exactly as before', () => {
    const client = createSseClient('http://127.0.0.1:9/', { autoConnect: false });
    expectTypeOf(client).toEqualTypeOf<SseClient>();
    expectTypeOf(client.events()).toEqualTypeOf<AsyncIterableIterator<SseEvent>>();
    client.on('price', (event) => expectTypeOf(event).toEqualTypeOf<SseEvent>());
    client.close();
  });
});

const STREAM =
  'event: price\nid: 1\ndata: {"symbol":"ACME","amount":12.5}\n\n' +
  'event: price\nid: 2\ndata: {"symbol":"ACME","amount":"lots"}\n\n' +
  'event: news\nid: 3\ndata: {"title":"up"}\n\n' +
  'event: news\nid: 4\ndata: not json\n\n' +
  'id: 5\ndata: plain\n\n' +
  'event: price\nid: 6\ndata: {"symbol":"ACME","amount":13}\n\n';

describe.each([
  ['zod', { price: ZodPrice, news: ZodNews }],
  ['valibot', { price: ValibotPrice, news: ValibotNews }],
] as const)('runtime, schemas from %s', (_name, parse) => {
  it('delivers typed payloads, reports PARSE for the bad ones, and the stream and cursor go on', async () => {
    const client = track(createSseClient(h.server.url('/typed'), { parse }));
    const errors = recordErrors(client);
    const prices: Price[] = [];
    client.on('price', (event) => prices.push(event.payload));
    const cursors: string[] = [];
    client.on('cursor', (id) => cursors.push(id));
    const request = await h.server.nextRequest('/typed');
    request.open();
    const delivered: SseEvent[] = [];
    const four = new Promise<void>((resolve) => {
      for (const type of ['price', 'news', 'message']) {
        client.on(type, (event: SseEvent) => {
          delivered.push(event);
          if (delivered.length === 4) resolve();
        });
      }
    });
    await request.write(STREAM);
    await four;
    expect(delivered.map((event) => [event.type, event.lastEventId])).toEqual([
      ['price', '1'],
      ['news', '3'],
      ['message', '5'],
      ['price', '6'],
    ]);
    expect(prices).toEqual([
      { symbol: 'ACME', amount: 12.5 },
      { symbol: 'ACME', amount: 13 },
    ]);
    expect((delivered[2] as unknown as { payload?: unknown }).payload).toBeUndefined();
    expect(errors.map((error) => [error.code, error.attempt])).toEqual([
      ['PARSE', 1],
      ['PARSE', 1],
    ]);
    expect(errors[0]!.message).toMatch(/event "price" \(last event id "2"\) did not parse: amount: /);
    expect(Array.isArray(errors[0]!.cause)).toBe(true); // the schema's issues
    expect(errors[1]!.message).toMatch(/event "news" \(last event id "4"\) did not parse: data is not JSON/);
    expect(client.lastEventId).toBe('6');
    expect(cursors.at(-1)).toBe('6');
    expect(client.state).toBe('connected');
  });

  it('events() yields the typed events in order, the failed ones skipped', async () => {
    const client = track(createSseClient(h.server.url('/typed'), { parse }));
    const request = await h.server.nextRequest('/typed');
    request.open();
    await request.write(STREAM);
    const seen: unknown[] = [];
    for await (const event of client.events(['price', 'news'])) {
      seen.push(event.type === 'price' ? event.payload.amount : event.payload.title);
      if (event.lastEventId === '6') break;
    }
    expect(seen).toEqual([12.5, 'up', 13]);
  });
});

describe('runtime, parse as one function', () => {
  it('JSON.parse of the data for every event; a throw is PARSE with the exception as cause', async () => {
    const client = track(
      createSseClient<{ message: { n: number } }>(h.server.url('/fn'), { parse: JSON.parse }),
    );
    const errors = recordErrors(client);
    const request = await h.server.nextRequest('/fn');
    request.open();
    const two = nextEvents(client, 2);
    await request.write('id: a\ndata: {"n":1}\n\nid: b\ndata: {oops\n\nid: c\ndata: {"n":3}\n\n');
    expect((await two).map((event) => (event as SseTypedEvent<{ n: number }>).payload.n)).toEqual([1, 3]);
    expect(errors.map((error) => error.code)).toEqual(['PARSE']);
    expect(errors[0]!.cause).toBeInstanceOf(SyntaxError);
    expect(client.lastEventId).toBe('c');
  });

  it('refuses an asynchronous schema per event (ordering), and a bad parse option at once', async () => {
    const asyncSchema: StandardSchemaV1<unknown, number> = {
      '~standard': { version: 1, vendor: 'test', validate: async (value) => ({ value: Number(value) }) },
    };
    const client = track(createSseClient(h.server.url('/async'), { parse: { message: asyncSchema } }));
    const errors = recordErrors(client);
    const request = await h.server.nextRequest('/async');
    request.open();
    await request.write('data: 1\n\n');
    await new Promise<void>((resolve) => client.on('error', () => resolve()));
    expect(errors[0]!.message).toMatch(/validates asynchronously/);

    const url = h.server.url('/never');
    expect(() => createSseClient(url, { parse: 'json' as never, autoConnect: false })).toThrow(TypeError);
    expect(() => createSseClient(url, { parse: { price: 42 } as never, autoConnect: false })).toThrow(
      /parse\.price must be a function or a Standard Schema/,
    );
  });
});
