// The runtime-agnostic smoke suite: plain ESM over web APIs only (fetch, EventTarget, timers), so
// Node, Deno, Bun and workerd run the same file against the packed package. It imports the package
// by name, so each runtime's export conditions pick the build it gets, and reports which one.
//
// `runSmoke(base)` returns one record per check, `{ name, ok, expected, seen }`; the host runner
// (runtimes.spec.ts) asserts them, so a failure says what was expected and what was seen.
import { createEventStreamParser, createSseClient, SseError } from 'sse-machine';
import { EventSource } from 'sse-machine/eventsource';
import { sseMachine } from 'sse-machine/machine';
import { SseError as ParserSseError, createEventStreamParser as parserEntry } from 'sse-machine/parser';

/** Spec vectors (HTML §9.2.6): input, and the events it must give whatever the chunking. */
const VECTORS = [
  ['data: a\n\n', [['message', 'a', '']]],
  ['data:a\r\ndata: b\r\n\r\n', [['message', 'a\nb', '']]],
  ['event: add\ndata\nid: 7\n\n', [['add', '', '7']]],
  [': comment\ndata:  two spaces\n\ndata: no end', [['message', ' two spaces', '']]],
  ['id: 1\0x\ndata: nul id ignored\n\n', [['message', 'nul id ignored', '']]],
  ['\uFEFFdata: bom\rretry: 5\r\r', [['message', 'bom', '']]],
  ['data: é😀\n\n', [['message', 'é😀', '']]],
];

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Resolve when `predicate` holds after an event, reject after `ms` saying what was seen (a guard, not a wait). */
function until(subscribe, predicate, ms, describe) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms; seen ${describe()}`)), ms);
    subscribe(() => {
      if (predicate()) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function parse(input, split) {
  const events = [];
  const parser = createEventStreamParser({ onEvent: (e) => events.push([e.type, e.data, e.lastEventId]) });
  const bytes = new TextEncoder().encode(input);
  for (let i = 0; i < bytes.length; i += split) parser.feed(bytes.subarray(i, i + split));
  parser.end();
  return events;
}

/** Run every check against the loopback server at `base` (`http://127.0.0.1:port`). */
export async function runSmoke(base, runtime) {
  const results = [];
  const check = (name, expected, seen) =>
    results.push({ name, ok: sameJson(expected, seen), expected, seen });
  const run = async (name, body) => {
    try {
      await body();
    } catch (error) {
      results.push({ name, ok: false, expected: 'no exception', seen: String(error?.stack ?? error) });
    }
  };

  check('one graph: the parser entry is the root entry', true, parserEntry === createEventStreamParser);
  check('one graph: SseError', true, new ParserSseError('NETWORK', 'x') instanceof SseError);
  check('machine entry', 'sse', sseMachine.id);
  {
    // The fetch build refuses the Node-only proxy/tls options instead of silently ignoring them.
    let outcome = 'accepted';
    try {
      createSseClient(`${base}/counter`, { proxy: 'http://127.0.0.1:9', autoConnect: false }).close();
    } catch (error) {
      outcome = error instanceof TypeError ? 'TypeError' : String(error);
    }
    check(
      'proxy option: Node build takes it, fetch build refuses it',
      runtime.startsWith('node') ? 'accepted' : 'TypeError',
      outcome,
    );
  }

  await run('parser vectors, every chunk size', async () => {
    const seen = [];
    const expected = [];
    for (const [input, events] of VECTORS) {
      for (const split of [1, 2, 3, 7, 1000]) {
        expected.push(events);
        seen.push(parse(input, split));
      }
    }
    check('parser vectors, every chunk size', expected, seen);
  });

  await run('client: events, Last-Event-ID on reconnect, close', async () => {
    const id = `client-${runtime}`;
    const data = [];
    const states = [];
    let notify = () => {};
    const client = createSseClient(`${base}/counter?batch=3&total=6&client=${id}`, {
      reconnect: { strategy: 'fixed', initialDelay: 10, jitter: 0 },
    });
    client.on('message', (event) => {
      data.push(`${event.lastEventId}:${event.data}`);
      notify();
    });
    client.on('state', (state) => {
      if (states.at(-1) !== state) states.push(state);
      notify();
    });
    await until(
      (fn) => {
        notify = fn;
      },
      () => data.length >= 6,
      10_000,
      () => JSON.stringify({ data, states }),
    );
    // The server sent 1-3, ended the response, and sent 4-6 after the reconnect that carried id 3.
    check(
      'client: events in order, second request resumed from Last-Event-ID 3',
      ['1:1|', '2:2|', '3:3|', '4:4|3', '5:5|3', '6:6|3'],
      data,
    );
    check('client: lastEventId', '6', client.lastEventId);
    const closed = fetch(`${base}/closed?client=${id}`).then((r) => r.text());
    client.close();
    check('client: state after close()', 'closed', client.state);
    check('client: the server saw the stream end after close()', 'closed', await closed);
    check(
      'client: went through a reconnect',
      true,
      states.includes('reconnecting') && states.lastIndexOf('connected') > states.indexOf('reconnecting'),
    );
  });

  await run('EventSource: open, messages, close', async () => {
    const id = `es-${runtime}`;
    const seen = [];
    const attributes = [];
    let notify = () => {};
    const source = new EventSource(`${base}/counter?batch=2&total=2&client=${id}`);
    source.addEventListener('open', () => {
      seen.push(`open:${source.readyState}`);
      notify();
    });
    source.addEventListener('message', (event) => {
      seen.push(`${event.type}:${event.lastEventId}:${event.data}`);
      notify();
    });
    // The handler attributes, counted separately: each must run once per event.
    source.onopen = () => attributes.push('onopen');
    source.onmessage = (event) => attributes.push(`onmessage:${event.data}`);
    await until(
      (fn) => {
        notify = fn;
      },
      () => seen.length >= 3,
      10_000,
      () => JSON.stringify(seen),
    );
    check('EventSource: open then two messages', ['open:1', 'message:1:1|', 'message:2:2|'], seen);
    check(
      'EventSource: onopen/onmessage run once per event',
      ['onopen', 'onmessage:1|', 'onmessage:2|'],
      attributes,
    );
    const closed = fetch(`${base}/closed?client=${id}`).then((r) => r.text());
    source.close();
    check('EventSource: readyState after close()', 2, source.readyState);
    check('EventSource: the server saw the stream end after close()', 'closed', await closed);
  });

  return results;
}
