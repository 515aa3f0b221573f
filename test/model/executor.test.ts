/**
 * The executor is only worth its coverage if it refuses what it cannot do and notices when the
 * real machine departs from the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SseServer, startSseServer } from '../../src/testing/server.js';
import type { HttpTransport } from '../../src/transport/http.js';
import { createUndiciTransport } from '../../src/transport/undici.js';
import { eventKey, getModelPaths, type ModelPath } from './kit/connection-model.js';
import { executablePaths } from './kit/executable-paths.js';
import { runModelPath } from './kit/run-model-path.js';
import { CONNECTION_MODEL_SCENARIOS } from './kit/scenarios.js';

const scenario = CONNECTION_MODEL_SCENARIOS[0]!;
let server: SseServer;
beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

let generated: ModelPath[] | undefined;

/** A generated path cut after the events `keys` (after the initial step). */
function pathOf(...keys: string[]): ModelPath {
  generated ??= getModelPaths(scenario, { simple: true });
  const path = generated.find((candidate) => {
    const events = candidate.steps.slice(1).map((step) => step.event);
    return keys.every((key, index) => events[index] !== undefined && eventKey(events[index]) === key);
  });
  if (path === undefined) throw new Error(`no generated path starts with ${keys.join(', ')}`);
  return { ...path, steps: path.steps.slice(0, keys.length + 1) };
}

describe('runModelPath', () => {
  it('runs a generated path: CONNECT, 503, reconnect after the simulated delay, OPEN', async () => {
    const path = pathOf(
      'CONNECT',
      'STREAM.ERROR(HTTP_STATUS)',
      'xstate.after.reconnectDelay.sse.reconnecting',
      'STREAM.OPEN',
    );
    await runModelPath(path, { server, transport: createUndiciTransport(), scenario, pathname: '/ok' });
    const requests = server.received.filter((request) => request.pathname === '/ok');
    expect(requests.map((request) => request.headers['x-model-attempt'])).toEqual(['1', '2']);
  });

  it('throws on an event it has no real action for', async () => {
    const path = pathOf('CONNECT');
    const bogus = {
      ...path,
      steps: [...path.steps, { ...path.steps[1]!, event: { type: 'BOGUS' } as never }],
    };
    await expect(
      runModelPath(bogus, { server, transport: createUndiciTransport(), scenario, pathname: '/bogus' }),
    ).rejects.toThrow(/step 3 \(BOGUS\)/);
  });

  it('fails when the real machine does something else than the model', async () => {
    // A transport that turns every 503 into 204: the model reconnects, the real machine stops.
    const undici = createUndiciTransport();
    const lying: HttpTransport = async (request) => {
      const response = await undici(request);
      return response.status === 503 ? { ...response, status: 204 } : response;
    };
    const path = pathOf('CONNECT', 'STREAM.ERROR(HTTP_STATUS)');
    await expect(
      runModelPath(path, { server, transport: lying, scenario, pathname: '/lying' }),
    ).rejects.toThrow(
      /step 3 \(STREAM.ERROR\(HTTP_STATUS\)\): the real machine reached .*"failed".*, the model .*"reconnecting"/,
    );
  });

  it('executablePaths describes each path by its events', () => {
    const descriptions = [...executablePaths(scenario)].map((path) => path.description);
    expect(descriptions).toContain('CONNECT → STREAM.ERROR(HTTP_STATUS) → after(reconnectDelay)');
    expect(descriptions).toContain('CONNECT → STREAM.OPEN → STREAM.END');
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });
});
