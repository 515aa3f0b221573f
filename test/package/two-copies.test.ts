/**
 * `isSseError(value)` "recognises one from any copy of the package" (README): two copies of the
 * built package, loaded from two paths (so two module instances, two `SseError` classes), and the
 * CommonJS entry beside the ESM one, each recognise the others' errors and nothing else.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli.js';

type Entry = typeof import('../../src/index.js');

const root = resolve(import.meta.dirname, '../..');
let directory: string;
let copies: { name: string; entry: Entry }[];

/** A copy of dist/ at `<directory>/<name>/node_modules/sse-machine`, resolving xstate and undici from here. */
function copyPackage(name: string): string {
  const home = join(directory, name);
  const target = join(home, 'node_modules', 'sse-machine');
  cpSync(join(root, 'dist'), join(target, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(target, 'package.json'));
  for (const dep of ['xstate', 'undici'])
    symlinkSync(join(root, 'node_modules', dep), join(home, 'node_modules', dep));
  return target;
}

beforeAll(async () => {
  ensureBuilt();
  directory = mkdtempSync(join(tmpdir(), 'sse-machine-copies-'));
  writeFileSync(join(directory, 'package.json'), '{"type":"module"}');
  const a = copyPackage('a');
  const b = copyPackage('b');
  copies = [
    { name: 'copy a (ESM)', entry: (await import(pathToFileURL(join(a, 'dist/index.js')).href)) as Entry },
    { name: 'copy b (ESM)', entry: (await import(pathToFileURL(join(b, 'dist/index.js')).href)) as Entry },
    {
      name: 'copy a (CommonJS)',
      entry: createRequire(join(a, 'package.json'))(join(a, 'dist/index.cjs')) as Entry,
    },
  ];
}, 120_000);

afterAll(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('isSseError across copies of the package', () => {
  it('the copies are distinct: each has its own SseError class', () => {
    const classes = new Set(copies.map((copy) => copy.entry.SseError));
    expect(classes.size, `${copies.length} copies loaded, distinct SseError classes`).toBe(copies.length);
  });

  it("recognises every copy's SseError, and nothing that only looks like one", () => {
    for (const maker of copies) {
      const error = new maker.entry.SseError('NETWORK', 'boom', { attempt: 1 });
      for (const judge of copies) {
        expect(
          judge.entry.isSseError(error),
          `${judge.name} recognises an SseError made by ${maker.name}`,
        ).toBe(true);
      }
    }
    for (const judge of copies) {
      expect(judge.entry.isSseError(new Error('boom')), `${judge.name}: a plain Error is not one`).toBe(
        false,
      );
      expect(
        judge.entry.isSseError({ name: 'SseError', code: 'NETWORK', message: 'boom' }),
        `${judge.name}: a look-alike object is not one`,
      ).toBe(false);
      expect(judge.entry.isSseError(null), `${judge.name}: null is not one`).toBe(false);
    }
  });
});
