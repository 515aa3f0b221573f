/**
 * State and transition coverage of a statechart, measured from what actors really did
 * (`@xstate.microstep` inspection events) against every edge of `toDirectedGraph`.
 *
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { sseMachine } from '../../machines/connection.machine.js';
import { describeChart } from '../visualize/chart-graph.js';

/**
 * What a {@link CoverageRecorder} saw against what the chart has.
 *
 * @example
 * ```ts
 * const { states, transitions }: CoverageReport = coverage.report();
 * console.log(states.missing, transitions.missing); // what a new scenario could reach
 * ```
 */
export interface CoverageReport {
  /** State nodes entered, by id (`sse.active.connecting`). */
  readonly states: {
    /** States entered at least once. */
    readonly covered: number;
    /** State nodes of the chart. */
    readonly total: number;
    /** Ids of the states never entered: what a new scenario should reach. */
    readonly missing: readonly string[];
  };
  /** Transitions taken, one per edge of `toDirectedGraph` (a transition with two targets counts twice). */
  readonly transitions: {
    /** Edges taken at least once. */
    readonly covered: number;
    /** Every edge of the chart. */
    readonly total: number;
    /** The edges never taken, each as its edge id and label (`sse.idle:0:0 CONNECT`). */
    readonly missing: readonly string[];
  };
}

/**
 * Collects coverage from inspection events; pass {@link CoverageRecorder.inspect} to `createActor`.
 *
 * @example
 * ```ts
 * const coverage: CoverageRecorder = createCoverageRecorder();
 * createSseClient(url, { inspect: coverage.inspect });
 * ```
 */
export interface CoverageRecorder {
  /** The inspection observer: pass it as `createActor(machine, { inspect })`, for any number of actors. */
  readonly inspect: (event: InspectionEvent) => void;
  /** What was covered so far, as numbers and lists. */
  report(): CoverageReport;
  /** One line: `chart coverage: states 15/15 (100 %), transitions 25/25 (100 %)`. */
  summary(): string;
  /** {@link CoverageRecorder.summary} plus what is missing, one state or edge a line. */
  format(): string;
}

// toDirectedGraph numbers a state's transitions in this order; a provided copy of the machine has
// other transition objects but the same order, so ids match across `provide()`.
function edgeId(transition: AnyTransitionDefinition, targetIndex: number): string {
  const source = transition.source as AnyStateNode;
  const index = [...source.transitions.values()].flat().indexOf(transition);
  return `${source.id}:${index}:${targetIndex}`;
}

function stateIds(value: unknown, prefix: string, into: Set<string>): void {
  into.add(prefix);
  if (typeof value === 'string') {
    into.add(`${prefix}.${value}`);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) stateIds(child, `${prefix}.${key}`, into);
}

const percent = (covered: number, total: number): string =>
  `${covered}/${total} (${total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10} %)`;

/**
 * Record the coverage of `machine` (the connection chart by default, or any `provide()`d copy of
 * it) by the actors inspected: pass it to {@link generateConnectionTests} as `coverage`, or its
 * `inspect` to `createActor`/`createSseClient` yourself.
 *
 * @example
 * ```ts
 * const coverage = createCoverageRecorder();
 * const tests = generateConnectionTests({ ...suite, coverage });
 * // after the tests:
 * console.log(coverage.summary()); // chart coverage: states 13/15 (86.6 %), transitions 19/25 (76 %)
 * ```
 */
export function createCoverageRecorder(machine: AnyStateMachine = sseMachine): CoverageRecorder {
  const chart = describeChart(machine);
  const states = new Set<string>();
  const edges = new Set<string>();
  const record = (event: InspectionEvent): void => {
    if (event.type === '@xstate.snapshot' || event.type === '@xstate.microstep') {
      const snapshot = event.snapshot as { machine?: { id?: unknown }; value?: unknown };
      if (snapshot.machine?.id !== chart.root) return;
      stateIds(snapshot.value, chart.root, states);
    }
    if (event.type === '@xstate.microstep') {
      for (const transition of event._transitions) {
        const targets = transition.target?.length ?? 0;
        for (let index = 0; index < Math.max(1, targets); index++) edges.add(edgeId(transition, index));
      }
    }
  };
  const report = (): CoverageReport => {
    const allStates = chart.nodes.map((node) => node.id);
    const allEdges = chart.edges.map((edge) => edge.id);
    const missingStates = allStates.filter((id) => !states.has(id));
    const missingEdges = chart.edges
      .filter((edge) => !edges.has(edge.id))
      .map((edge) => `${edge.id} ${edge.label}`);
    return {
      states: {
        covered: allStates.length - missingStates.length,
        total: allStates.length,
        missing: missingStates,
      },
      transitions: {
        covered: allEdges.length - missingEdges.length,
        total: allEdges.length,
        missing: missingEdges,
      },
    };
  };
  const summary = (): string => {
    const { states: s, transitions: t } = report();
    return `chart coverage: states ${percent(s.covered, s.total)}, transitions ${percent(t.covered, t.total)}`;
  };
  return {
    inspect: record,
    report,
    summary,
    format() {
      const { states: s, transitions: t } = report();
      const missing = [...s.missing, ...t.missing];
      return summary() + (missing.length === 0 ? '' : `\nmissing:\n  ${missing.join('\n  ')}`);
    },
  };
}
