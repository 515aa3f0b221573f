/**
 * The layers read top-down: no import cycle among the modules of `src/` and `machines/` (types
 * included), the chart imports nothing of the client, and `src/request.ts` is a leaf.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

const files = [...sources(join(root, 'src')), ...sources(join(root, 'machines'))];
/** Relative imports and re-exports of each module, resolved to the `.ts` file. */
const graph = new Map<string, string[]>(
  files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'(\.{1,2}\/[^']+)'/g)].map(
      (match) => resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts')),
    );
    return [file, [...new Set(targets.filter((target) => files.includes(target)))]];
  }),
);
const name = (file: string): string => relative(root, file);

describe('layering', () => {
  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting') {
          cycles.push([...stack.slice(stack.indexOf(next)), next].map(name).join(' → '));
        } else if (state.get(next) === undefined) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (state.get(file) === undefined) visit(file);
    expect(cycles, 'import cycles').toEqual([]);
  });

  it('the chart depends on the request vocabulary, the stream protocol and pure policy only', () => {
    const chart = join(root, 'machines/connection.machine.ts');
    expect((graph.get(chart) ?? []).map(name).sort()).toEqual([
      'src/backoff.ts',
      'src/errors.ts',
      'src/parser/types.ts',
      'src/redact.ts',
      'src/request.ts',
      'src/transport/stream-protocol.ts',
    ]);
  });

  it('the request vocabulary is a leaf (it imports only the error type)', () => {
    expect((graph.get(join(root, 'src/request.ts')) ?? []).map(name)).toEqual(['src/errors.ts']);
  });
});
