/**
 * `sse-machine demo` (what `npm start` runs): a local ticker and a client against it, then faults
 * one after another, narrated on stdout: the server is killed and restarted (backoff, then
 * `Last-Event-ID` resumption, checked for gaps), goes silent (heartbeat timeout), answers 503 with
 * `Retry-After`, and recovers. Phases scale with `--duration`. A dashboard page follows it live.
 *
 * @module
 */
import type { SseError } from '../errors.js';
import { createSseClient } from '../index.js';
import type { SseState } from '../metrics.js';
import type { SseEvent } from '../parser/types.js';
import type { DemoCommand } from './args.js';
import { type Dashboard, type FaultName, startDashboard } from './dashboard.js';
import { type DemoServer, startDemoServer } from './demo-server.js';
import { formatMs, painter } from './format.js';
import { EXIT, follow, stdoutFailure, type TailIo } from './tail.js';

/** Timings of one demo run, all derived from its duration (ms). */
export interface DemoPlan {
  readonly tickInterval: number;
  readonly heartbeatTimeout: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly resetAfter: number;
  /** How long the killed server stays down. */
  readonly downFor: number;
  /** 503 answers in a row, and their `Retry-After` in seconds. */
  readonly refusals: number;
  readonly retryAfterSeconds: number;
  /** When each phase starts, as a share of the duration. */
  readonly at: { readonly kill: number; readonly silence: number; readonly refuse: number };
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

/** The timings for a demo of `duration` ms: 2 minutes is the comfortable pace, 8 s the quick one. */
export function planDemo(duration: number): DemoPlan {
  const initialDelay = Math.round(clamp(duration / 120, 100, 1000));
  const long = duration >= 60_000;
  return {
    tickInterval: Math.round(clamp(duration / 240, 50, 500)),
    heartbeatTimeout: Math.round(clamp(duration / 24, 700, 5000)),
    initialDelay,
    maxDelay: initialDelay * 8,
    resetAfter: Math.round(clamp(duration / 20, 300, 10_000)),
    downFor: Math.round(clamp(duration * 0.08, initialDelay * 4, 10_000)),
    refusals: long ? 3 : 2,
    retryAfterSeconds: long ? 2 : 1,
    at: { kill: 0.15, silence: 0.4, refuse: 0.6 },
  };
}

/** The gist of an error for one narrated line (the full message repeats the URL twice). */
function shortReason(error: SseError, heartbeatTimeout: number): string {
  if (error.code === 'HTTP_STATUS' && error.status !== undefined) return `status ${error.status}`;
  if (error.code === 'HEARTBEAT_TIMEOUT') return `no bytes for ${formatMs(heartbeatTimeout)}`;
  const parts = error.message.split(': ');
  return parts[parts.length - 1] ?? error.message;
}

/** An error's code and gist, for the dashboard's timeline. */
function shortError(error: SseError, heartbeatTimeout: number): string {
  return `${error.code} (${shortReason(error, heartbeatTimeout)})`;
}

/** Thrown into every wait when the user presses Ctrl-C. */
class Interrupted extends Error {}

/** The ids received, checked for gaps and repeats. */
class SequenceCheck {
  last = 0;
  received = 0;
  lost = 0;
  duplicated = 0;

  see(id: string): void {
    const n = Number(id);
    this.received++;
    if (!Number.isInteger(n) || n <= this.last) {
      this.duplicated++;
      return;
    }
    this.lost += n - this.last - 1;
    this.last = n;
  }

  verdict(): string {
    const order = this.lost === 0 && this.duplicated === 0 ? 'all in order' : 'NOT in order';
    return `ids 1–${this.last} ${order}: ${this.lost} lost, ${this.duplicated} duplicated`;
  }
}

/** Run the demo until its duration has passed or Ctrl-C; 0 when no event was lost or repeated. */
export async function runDemo(command: DemoCommand, io: TailIo): Promise<number> {
  const plan = planDemo(command.duration);
  const paint = painter(io.stdout, io.env);
  // Ctrl-C, or a stdout nobody reads any more (`| head -2`): either ends the demo, cleanly.
  const interrupt = new AbortController();
  const stopInterrupt = io.onInterrupt(() => interrupt.abort());
  const stopFollowing = follow(io.stdoutClosed, interrupt);
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let dashboard: Dashboard | undefined;

  const say = (text: string, banner = false): void => {
    const time = `[${(elapsed() / 1000).toFixed(1).padStart(5)}s]`;
    const line = `${paint('dim', time)} ${banner ? paint('bold', `==> ${text}`) : `    ${text}`}\n`;
    // Once its reader is gone, stdout only answers with more EPIPE errors.
    if (!io.stdoutClosed.aborted) io.stdout.write(line);
    dashboard?.publish('log', `${time} ${banner ? '==> ' : '    '}${text}`);
  };

  const server: DemoServer = await startDemoServer({
    tickInterval: plan.tickInterval,
    keepAliveInterval: Math.round(plan.heartbeatTimeout / 3),
  });
  const check = new SequenceCheck();
  const client = createSseClient(server.url, {
    autoConnect: false,
    heartbeatTimeout: plan.heartbeatTimeout,
    connectTimeout: 5000,
    reconnect: {
      strategy: 'exponential',
      initialDelay: plan.initialDelay,
      maxDelay: plan.maxDelay,
      jitter: 0.1,
      resetAfter: plan.resetAfter,
    },
  });
  const attemptNow = (): number => client.metrics().attempt;

  // --- narration of what the client and the server do, whatever caused it ---
  server.onRequest(({ status, lastEventId, replayed }) => {
    if (status === 200 && lastEventId !== '') {
      say(`server: 200 for Last-Event-ID ${lastEventId}: replaying ${replayed} missed events`);
    } else if (status === 503) {
      say(`server: 503 Service Unavailable, Retry-After: ${plan.retryAfterSeconds}`);
    } else if (status === 204) say('server: 204 No Content');
  });
  client.on('open', (open) => say(paint('green', `connected (attempt ${open.attempt}): events flowing`)));
  client.on('state', (state: SseState, { attempt, delay, reason, error }) => {
    dashboard?.publish('demo-state', {
      t: Math.round(elapsed()),
      state,
      attempt,
      delay,
      error: error === undefined ? undefined : shortError(error, plan.heartbeatTimeout),
    });
    if (state === 'connecting' && attempt === 1) say(`connecting to ${server.url}`);
    if (state === 'reconnecting') {
      const why = reason === 'retry-after' ? 'as Retry-After asks' : 'exponential backoff';
      const failure =
        error === undefined
          ? 'ended'
          : `failed: ${error.code} (${shortReason(error, plan.heartbeatTimeout)})`;
      say(paint('yellow', `attempt ${attempt} ${failure}; reconnecting in ${formatMs(delay ?? 0)} (${why})`));
    }
    if (state === 'failed') {
      const code = error?.code ?? 'unknown';
      say(
        paint(
          'red',
          `failed (${code}): the client stops, as the spec asks; restarting it in 1 s with retry()`,
        ),
      );
      // Only a dashboard fault (204) gets here; keep the demo going the way an app would.
      setTimeout(() => client.retry(), 1000).unref();
    }
  });
  // Events a second, for the timeline's bars: counted here, sent once a second with their span.
  let eventsInSecond = 0;
  let secondFrom = 0;
  const onEvent = (event: SseEvent): void => {
    check.see(event.lastEventId);
    eventsInSecond++;
    dashboard?.publish('demo-event', { type: event.type, id: event.lastEventId, data: event.data });
  };
  for (const type of ['tick', 'price', 'news']) client.on(type, onEvent);

  /** A fault on the timeline, whether a dashboard button or the script injected it. */
  const markFault = (fault: FaultName, by: 'button' | 'script'): void =>
    dashboard?.publish('demo-fault', { t: Math.round(elapsed()), fault, by });
  const inject = (fault: FaultName): void => {
    say(`dashboard: inject "${fault}"`, true);
    markFault(fault, 'button');
    if (fault === 'kill') {
      void server.kill().then(() => {
        setTimeout(
          () => void server.restart().then(() => say('server restarted', true)),
          plan.downFor,
        ).unref();
      });
    } else if (fault === 'silent') {
      server.silence();
      setTimeout(() => server.speak(), plan.heartbeatTimeout * 1.5).unref();
    } else if (fault === '503') server.refuse(plan.refusals, plan.retryAfterSeconds);
    else server.noContent(1);
  };
  try {
    dashboard = await startDashboard({ port: command.port, inject });
  } catch (error) {
    // A port in use is the environment's doing, not a bug: one line, no stack trace.
    stopInterrupt();
    stopFollowing();
    client.close();
    await server.close();
    io.stderr.write(`sse-machine: cannot start the dashboard: ${(error as Error).message}\n`);
    return EXIT.failed;
  }
  const metricsTimer = setInterval(() => {
    dashboard?.publish('metrics', {
      ...client.metrics(),
      lost: check.lost,
      duplicated: check.duplicated,
      t: Math.round(elapsed()),
    });
  }, 500);
  secondFrom = Math.round(elapsed());
  const rateTimer = setInterval(() => {
    const to = Math.round(elapsed());
    dashboard?.publish('demo-rate', { from: secondFrom, to, events: eventsInSecond });
    secondFrom = to;
    eventsInSecond = 0;
  }, 1000);

  // --- waits: on client events, bounded, and broken by Ctrl-C ---
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (interrupt.signal.aborted) return reject(new Interrupted());
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        interrupt.signal.removeEventListener('abort', abort);
        resolve();
      }
      function abort(): void {
        clearTimeout(timer);
        reject(new Interrupted());
      }
      interrupt.signal.addEventListener('abort', abort, { once: true });
    });
  const until = (share: number): Promise<void> => sleep(command.duration * share - elapsed());
  /** Resolves true when `test` holds (checked now and on every state change and event), false after `timeout`. */
  const waitFor = (test: () => boolean, timeout: number): Promise<boolean> =>
    new Promise((resolve, reject) => {
      if (interrupt.signal.aborted) return reject(new Interrupted());
      if (test()) return resolve(true);
      const offs = [
        client.on('state', poll),
        client.on('error', poll),
        ...['tick', 'price', 'news'].map((type) => client.on(type, poll)),
      ];
      const timer = setTimeout(() => finish(false), timeout);
      const abort = (): void => {
        finish(false);
        reject(new Interrupted());
      };
      interrupt.signal.addEventListener('abort', abort, { once: true });
      function poll(): void {
        if (test()) finish(true);
      }
      function finish(result: boolean): void {
        clearTimeout(timer);
        for (const off of offs) off();
        interrupt.signal.removeEventListener('abort', abort);
        resolve(result);
      }
    });
  const reconnectBudget = plan.maxDelay * 4 + plan.downFor + 5000;
  const caughtUp = async (): Promise<void> => {
    const target = server.produced;
    await waitFor(() => check.last >= target, reconnectBudget);
  };

  let failures = 0;
  const expect = (ok: boolean, what: string): void => {
    if (ok) return;
    failures++;
    say(paint('red', `unexpected: ${what}`));
  };

  try {
    say(`server: ${server.url} (a ticker: tick, price and news events with ids, keep-alive comments)`, true);
    say(`dashboard: ${dashboard.url} (live state diagram, events, metrics, fault buttons)`, true);
    client.connect();
    expect(await waitFor(() => client.state === 'connected', 5000), 'no connection within 5 s');
    await until(plan.at.kill);
    say(`${check.received} events so far, last id ${check.last}`);

    say(
      `killing the server: every socket dropped (the ticker keeps producing); back in ${formatMs(plan.downFor)}`,
      true,
    );
    const lastBeforeKill = check.last;
    markFault('kill', 'script');
    await server.kill();
    await sleep(plan.downFor);
    await server.restart();
    say('server restarted', true);
    expect(
      await waitFor(() => client.state === 'connected', reconnectBudget),
      'no reconnection after the restart',
    );
    await caughtUp();
    say(`resumed after id ${lastBeforeKill} with Last-Event-ID; sequence check: ${check.verdict()}`, true);

    await until(plan.at.silence);
    say(
      `the server goes silent: no events, no keep-alive comments (heartbeat timeout ${formatMs(plan.heartbeatTimeout)})`,
      true,
    );
    markFault('silent', 'script');
    server.silence();
    const attempt = attemptNow();
    expect(
      await waitFor(() => client.state === 'reconnecting', plan.heartbeatTimeout * 3),
      'the heartbeat timeout did not fire',
    );
    server.speak();
    expect(
      await waitFor(() => client.state === 'connected' && attemptNow() > attempt, reconnectBudget),
      'no reconnection after the silence',
    );
    await caughtUp();
    say(`flowing again; sequence check: ${check.verdict()}`, true);

    await until(plan.at.refuse);
    say(
      `the server drops the stream and answers 503 with Retry-After: ${plan.retryAfterSeconds} s, ${plan.refusals} times`,
      true,
    );
    const before = attemptNow();
    markFault('503', 'script');
    server.refuse(plan.refusals, plan.retryAfterSeconds);
    expect(
      await waitFor(
        () => client.state === 'connected' && attemptNow() > before + plan.refusals,
        (plan.retryAfterSeconds * 1000 + plan.maxDelay) * (plan.refusals + 1) + 5000,
      ),
      'no recovery after the 503s',
    );
    await caughtUp();
    say(`recovered (attempt ${attemptNow()}); sequence check: ${check.verdict()}`, true);

    await until(1);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    say('interrupted (Ctrl-C): closing', true);
  } finally {
    stopInterrupt();
    stopFollowing();
    clearInterval(metricsTimer);
    clearInterval(rateTimer);
    client.close();
    await server.close();
    await dashboard.close();
  }

  const metrics = client.metrics();
  const clean = check.lost === 0 && check.duplicated === 0 && failures === 0;
  say(
    `done: ${check.received} events, ${check.verdict()}; ${metrics.reconnects} reconnects, ` +
      `${formatMs(metrics.timeInState.connected)} connected`,
    true,
  );
  const broken = stdoutFailure(io.stdoutClosed);
  if (broken !== undefined) {
    io.stderr.write(`sse-machine: failed: cannot write to stdout: ${broken}\n`);
    return EXIT.failed;
  }
  // A reader that went away has seen all it wanted: the demo was cut short, not wrong.
  if (io.stdoutClosed.aborted) return EXIT.ok;
  return clean ? EXIT.ok : EXIT.failed;
}
