/**
 * The CI-sized soak: 60 s of reconnects (a connection every 50 ms after the warm-up) through the
 * built package, judged by test/reliability/soak.js (heap slope per reconnect, sequence, leaks).
 * The long run is `npm run soak -- --minutes 30`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

describe('soak (60 s)', () => {
  it('reconnects for a minute with a flat heap, every event in order, nothing leaked', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        'test/reliability/soak.js',
        '--seconds',
        process.env.SOAK_SECONDS ?? '60',
        '--interval',
        '50',
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    console.log(run.stdout.trim());
    const summary = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
      slopeBytesPerReconnect: number;
      outOfOrder: number;
      openServerSockets: number;
      leaked: string[];
      reconnects: number;
    };
    expect(run.stderr).toBe('');
    expect(summary.outOfOrder).toBe(0);
    expect(summary.openServerSockets).toBe(0);
    expect(summary.leaked).toEqual([]);
    expect(summary.slopeBytesPerReconnect).toBeLessThanOrEqual(1024);
    expect(run.status).toBe(0);
  }, 150_000);
});
