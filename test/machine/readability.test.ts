/**
 * The chart files stay statically readable (literal config, named implementations that exist),
 * checked with the TypeScript compiler API. The checker itself is tested on bad sources so a
 * green run means something.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkMachineSource } from './readability.js';

const machinesDir = fileURLToPath(new URL('../../machines/', import.meta.url));
const machineFiles = readdirSync(machinesDir).filter((name) => name.endsWith('.machine.ts'));

describe('machines/*.machine.ts', () => {
  it('has at least one chart', () => {
    expect(machineFiles).toContain('connection.machine.ts');
  });

  it.each(machineFiles)('%s is literal config with every named implementation declared', (name) => {
    const report = checkMachineSource(readFileSync(machinesDir + name, 'utf8'), name);
    expect(report.violations).toEqual([]);
  });

  it('the checker sees the references of connection.machine.ts', () => {
    const { referenced } = checkMachineSource(readFileSync(`${machinesDir}connection.machine.ts`, 'utf8'));
    // The silence timers live in the stream actor (STREAM.TIMEOUT edges); the chart's own waits:
    expect([...referenced.delays].sort()).toEqual(['reconnectDelay', 'resetAfter']);
    expect([...referenced.actors]).toEqual(['stream']);
    expect([...referenced.guards].sort()).toEqual(['canRetry', 'endIsFinal', 'isFatal', 'resendIsUnsafe']);
    expect(referenced.actions).toContain('planReconnect');
    expect(referenced.actions).toContain('holdStream');
  });
});

/** A minimal good chart; each bad case changes one thing. */
const good = `
import { setup, assign } from 'xstate';
import { DEFAULT_DELAY } from './defaults.js';
const LOCAL = 'same-file constant';
export const m = setup({
  actors: { stream: fromCallback(() => undefined) },
  delays: { wait: () => DEFAULT_DELAY },
  guards: { ok: () => true },
  actions: { note: assign({ n: 1 }) },
}).createMachine({
  id: 'm',
  context: ({ input }) => build(input, DEFAULT_DELAY),
  initial: 'a',
  states: {
    a: {
      entry: ['note'],
      invoke: { src: 'stream', input: ({ context }) => ({ ...context }) },
      on: { GO: { guard: { type: 'ok', params: { x: LOCAL } }, target: '#m.b', actions: { type: 'note' } } },
      after: { wait: 'b', 1000: 'b' },
    },
    b: { type: 'final' },
  },
});
`;

describe('checkMachineSource', () => {
  it('accepts the good sample (arrow functions in context/input are opaque)', () => {
    expect(checkMachineSource(good).violations).toEqual([]);
  });

  it.each([
    ['a call expression', "initial: 'a',", 'initial: pick(),', /call expression/],
    ['a template literal', "id: 'm',", 'id: `m`,', /template literal/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this string is chart source holding a template
    ['a template with substitution', "id: 'm',", 'id: `m${LOCAL}`,', /template literal/],
    ['a spread element', "b: { type: 'final' },", "b: { ...FINAL, type: 'final' },", /spread/],
    ['an imported identifier', 'x: LOCAL', 'x: DEFAULT_DELAY', /imported identifier `DEFAULT_DELAY`/],
    ['an imported helper called', "initial: 'a',", "initial: 'a', on: assign({}),", /call expression/],
    ['an inline action function', "entry: ['note'],", 'entry: [() => undefined],', /inline function/],
    [
      'an inline guard function',
      "guard: { type: 'ok', params: { x: LOCAL } }",
      'guard: () => true',
      /inline function/,
    ],
    [
      'a function expression for context',
      'context: ({ input }) =>',
      'context: function ({ input }) { return ',
      /inline function/,
    ],
    ['a computed key', 'a: {\n      entry', '[LOCAL]: {\n      entry', /computed property name/],
    ['an undeclared delay', "after: { wait: 'b'", "after: { later: 'b'", /delays: 'later' is not declared/],
    ['an undeclared guard', "type: 'ok'", "type: 'nope'", /guards: 'nope' is not declared/],
    ['an undeclared actor', "src: 'stream'", "src: 'socket'", /actors: 'socket' is not declared/],
    ['an undeclared action', "entry: ['note']", "entry: ['nope']", /actions: 'nope' is not declared/],
  ])('rejects %s', (_label, from, to, expected) => {
    expect(good).toContain(from);
    const bad = good.replace(from, to);
    const { violations } = checkMachineSource(bad);
    expect(
      violations.some((v) => expected.test(v)),
      violations.join('\n'),
    ).toBe(true);
  });

  it('reports where the violation is', () => {
    const { violations } = checkMachineSource(good.replace("id: 'm',", 'id: `m`,'));
    expect(violations).toEqual(['11:7 template literal']);
  });

  it('requires exactly one createMachine() call with an object literal', () => {
    expect(checkMachineSource('export const x = 1;').violations).toEqual([
      'expected exactly one createMachine() call, found 0',
    ]);
    expect(checkMachineSource('const c = {}; setup({}).createMachine(c);').violations).toEqual([
      '1:15 createMachine() must be given an object literal',
    ]);
  });
});
