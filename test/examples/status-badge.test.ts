/**
 * The example app (examples/status-badge) under the generated model-based suite, in Node: the app
 * renders to an HTML string, the assertions read it back. The broken variant must fail, with the
 * path and the step in the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStatusBadge, type StatusBadge } from '../../examples/status-badge/app.js';
import { createBrokenStatusBadge } from '../../examples/status-badge/broken-app.js';
import {
  CONNECTION_SCENARIOS,
  type ConnectionTestSuite,
  createCoverageRecorder,
  generateConnectionTests,
  type SseServer,
  startSseServer,
} from '../../src/testing/index.js';
import { type BadgeReading, badgeExpectations } from './badge-expectations.js';

let server: SseServer;
beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

const decodeHtml = (html: string): string =>
  html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** Read the badge from its HTML, as a user would see it. */
function read(badge: StatusBadge): BadgeReading {
  const html = badge.html();
  return {
    status: decodeHtml(/<output class="badge">(.*?)<\/output>/.exec(html)?.[1] ?? '(no badge)'),
    retryButton: html.includes('<button class="retry"'),
    events: [...html.matchAll(/<li>(.*?)<\/li>/g)].map((match) => decodeHtml(match[1] ?? '')),
  };
}

const suite: Omit<ConnectionTestSuite<StatusBadge>, 'start'> = {
  server: () => server,
  close: (badge) => badge.close(),
  retry: (badge) => badge.retry(),
  expect: badgeExpectations(read),
};

const coverage = createCoverageRecorder();
const tests = generateConnectionTests({ ...suite, start: createStatusBadge, coverage });

describe('status badge: generated connection paths', () => {
  for (const { description, run } of tests) it(description, run);

  it('reaches the chart through the app: every scenario, a one-line coverage report', () => {
    const descriptions = tests.map((test) => test.description);
    expect(new Set(descriptions).size).toBe(descriptions.length);
    const names = new Set(tests.map((test) => test.scenario.name));
    expect([...names].sort()).toEqual(
      Object.values(CONNECTION_SCENARIOS)
        .map((s) => s.name)
        .sort(),
    );
    const line = coverage.summary();
    console.log(`status badge, ${tests.length} paths: ${line}`);
    expect(line).toMatch(/^chart coverage: states \d+\/\d+ \(.+ %\), transitions \d+\/\d+ \(.+ %\)$/);
    const { states } = coverage.report();
    // Every flattened state the app shows was reached by some path.
    for (const id of [
      'sse.active.connecting',
      'sse.active.connected',
      'sse.reconnecting',
      'sse.failed',
      'sse.closed',
    ]) {
      expect(states.missing).not.toContain(id);
    }
  });
});

describe('the broken badge (online through a heartbeat timeout)', () => {
  const broken = generateConnectionTests({ ...suite, start: createBrokenStatusBadge });
  const heartbeat = broken.filter((test) => test.description.includes('(heartbeat timeout)'));

  it('fails the generated suite, naming the path and the step', async () => {
    expect(heartbeat.length).toBeGreaterThan(0);
    for (const test of heartbeat) {
      await expect(test.run()).rejects.toThrow(
        /^no heartbeat: connecting → connected \(open\) → connected \(stable period\) → reconnecting \(heartbeat timeout\): expected badge 'reconnecting in \d+ s', saw 'online'$/,
      );
    }
  });

  it('passes the paths where its bug does not show', async () => {
    const dropped = broken.find(
      (test) =>
        test.description ===
        'resumption: connecting → connected (open) → reconnecting (connection dropped) → closed (closed by the app)',
    );
    expect(dropped).toBeDefined();
    await dropped?.run();
  });
});
