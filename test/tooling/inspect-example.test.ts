/**
 * `examples/inspect-node.ts` end to end, offline: the example's client is inspected through
 * `@statelyai/inspect`'s relay, and a WebSocket viewer in this test plays the part of the Stately
 * inspector page (the relay forwards the app's messages to every other socket, as to the UI).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/run-cli.js';

const directory = mkdtempSync(join(tmpdir(), 'sse-machine-inspect-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A port nothing listens on now (the relay takes a fixed port, not 0). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface InspectionMessage {
  type: string;
  /** The machine's JSON definition, sent with `@xstate.actor`: what the inspector draws. */
  definition?: string;
  event?: { type?: string };
  snapshot?: { value?: unknown };
}

describe('examples/inspect-node.ts', () => {
  it('streams the client statechart to an inspector viewer and writes a JSON Lines trace', async () => {
    const port = await freePort();
    const tracePath = join(directory, 'trace.jsonl');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'examples/inspect-node.ts', `--port=${port}`, `--trace=${tracePath}`],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    // The demo server drops the connection every fifth tick; the first message means the relay has
    // been listening for a second already.
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('message 1: tick 1')) resolve();
      });
    });

    const viewer = new WebSocket(`ws://127.0.0.1:${port}`);
    const received: InspectionMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      viewer.addEventListener('error', () => reject(new Error('the viewer could not reach the relay')));
      viewer.addEventListener('message', (message) => {
        received.push(JSON.parse(String(message.data)) as InspectionMessage);
        const sawOpen = received.some((m) => m.type === '@xstate.event' && m.event?.type === 'STREAM.OPEN');
        const sawConnected = received.some(
          (m) =>
            m.type === '@xstate.snapshot' && String(JSON.stringify(m.snapshot?.value)).includes('connected'),
        );
        if (sawOpen && sawConnected) resolve();
      });
    });
    viewer.close();
    child.kill('SIGINT');
    expect(
      await exited,
      `exit code of examples/inspect-node.ts after SIGINT, expected 0\nstdout: ${stdout}\nstderr: ${stderr}`,
    ).toBe(0);

    expect(stdout).toMatch(/inspecting http:\/\/127\.0\.0\.1:\d+\//);
    expect(stdout).toContain('state: connected');
    expect(received.some((m) => m.type === '@xstate.event' && m.event?.type === 'CONNECT')).toBe(true);
    const chart = received.find((m) => m.type === '@xstate.actor' && m.definition?.includes('"id":"sse"'));
    expect(JSON.parse(chart?.definition ?? '{}')).toMatchObject({ id: 'sse', initial: 'idle' });

    const trace = readFileSync(tracePath, 'utf8').trim().split('\n');
    const records = trace.map((line) => JSON.parse(line) as { type: string; event?: { type?: string } });
    expect(records[0]).toMatchObject({ type: '@xstate.event', event: { type: 'CONNECT' } });
    expect(records.some((record) => record.event?.type === 'STREAM.OPEN')).toBe(true);
    expect(records.at(-1)?.event?.type).toBe('CLOSE');
  }, 30_000);
});
