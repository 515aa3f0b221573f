/**
 * A statechart as plain nodes and edges, read from `toDirectedGraph` (xstate/graph): the one model
 * every diagram format and the coverage report are drawn from, so they cannot disagree.
 *
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { type DirectedGraphNode, toDirectedGraph } from 'xstate/graph';

/** One state node of the chart. */
export interface ChartNode {
  /** XState's state node id (`sse.active.connecting`). */
  readonly id: string;
  /** The key within its parent (`connecting`). */
  readonly key: string;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** `undefined` for the root. */
  readonly parent: string | undefined;
  /** Child ids, in document order. */
  readonly children: readonly string[];
  /** Id of the initial child (compound states only). */
  readonly initial: string | undefined;
  readonly depth: number;
  /** Named entry actions. */
  readonly entry: readonly string[];
  /** Named exit actions. */
  readonly exit: readonly string[];
  /** Sources of invoked actors (`stream`). */
  readonly invoke: readonly string[];
}

/** One transition of the chart, per target (a targetless transition is an edge to its own source). */
export interface ChartEdge {
  /** The edge id of `toDirectedGraph` (`<source>:<transition index>:<target index>`). */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** The event type as XState names it (`xstate.after.<delay>.<stateId>` for delayed transitions). */
  readonly eventType: string;
  /** The named delay of an `after` transition (or its number of ms when the chart uses a literal). */
  readonly delay: string | undefined;
  /** The guard's name (`type` of a parameterized guard). */
  readonly guard: string | undefined;
  /** Named actions, in order (inline functions are `anonymous`). */
  readonly actions: readonly string[];
  /** No target: actions only, the state is not left. */
  readonly targetless: boolean;
  readonly reenter: boolean;
  /** What diagrams print: `EVENT [guard] / action, action` or `after(delay) [guard] / ...`. */
  readonly label: string;
}

/** The whole chart: nodes in document order (root first) and every edge. */
export interface ChartGraph {
  readonly root: string;
  readonly nodes: readonly ChartNode[];
  readonly edges: readonly ChartEdge[];
}

function nameOf(reference: unknown): string {
  if (typeof reference === 'string') return reference;
  if (typeof reference === 'function') return reference.name === '' ? 'anonymous' : reference.name;
  if (typeof reference === 'object' && reference !== null) {
    const { type } = reference as { type?: unknown };
    if (typeof type === 'string') return type;
    if (typeof type === 'function') return nameOf(type);
  }
  return 'anonymous';
}

// XState's internal action objects for assign/raise etc. carry their kind in `type` or a function name.
function actionNames(transition: AnyTransitionDefinition): string[] {
  return (transition.actions as readonly unknown[]).map(nameOf);
}

/** `entry / startAttempt`, `invoke stream`: what a state does besides its transitions, one line each. */
export function describeActivities(node: Pick<ChartNode, 'entry' | 'exit' | 'invoke'>): string[] {
  const lines: string[] = [];
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.join(', ')}`);
  if (node.exit.length > 0) lines.push(`exit / ${node.exit.join(', ')}`);
  for (const src of node.invoke) lines.push(`invoke ${src}`);
  return lines;
}

/** `after(reconnectDelay) [canRetry] / recordTimeout` */
export function formatEdgeLabel(
  edge: Pick<ChartEdge, 'eventType' | 'delay' | 'guard' | 'actions'> & {
    readonly description?: string | undefined;
  },
): string {
  let label = edge.delay === undefined ? edge.eventType : `after(${edge.delay})`;
  // A description names what the event stands for (which of the stream's timers fired).
  if (edge.description !== undefined) label += ` (${edge.description})`;
  if (edge.guard !== undefined) label += ` [${edge.guard}]`;
  if (edge.actions.length > 0) label += ` / ${edge.actions.join(', ')}`;
  return label;
}

// `after` compiles to entry actions that raise the delayed event; diagrams show them as edges instead.
function isDelayedRaise(action: unknown): boolean {
  return typeof action === 'function' && (action as { delay?: unknown }).delay !== undefined;
}

/** What XState itself adds to exit actions: cancelling `after` timers, stopping invoked actors. */
const BUILT_IN_EXIT: ReadonlySet<string> = new Set([
  'cancel',
  'stopChild',
  'xstate.cancel',
  'xstate.stopChild',
]);

function toNode(node: AnyStateNode, depth: number): ChartNode {
  const initial = node.type === 'compound' ? node.initial.target[0]?.id : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    parent: node.parent?.id,
    children: Object.values(node.states).map((child) => child.id),
    initial,
    depth,
    entry: (node.entry as readonly unknown[]).filter((action) => !isDelayedRaise(action)).map(nameOf),
    // XState adds a cancel of each `after` timer and a stop of each invoke to the exit actions.
    exit: (node.exit as readonly unknown[]).map(nameOf).filter((name) => !BUILT_IN_EXIT.has(name)),
    invoke: node.invoke.map((definition) => nameOf(definition.src)),
  };
}

/**
 * Describe a machine's states and transitions. Deterministic: document order throughout, so the
 * generated files only change when the chart does.
 *
 * @example
 * ```ts
 * const { edges } = describeChart(sseMachine);
 * edges.map((edge) => `${edge.source} -> ${edge.target}: ${edge.label}`);
 * ```
 */
export function describeChart(machine: AnyStateMachine): ChartGraph {
  const nodes: ChartNode[] = [];
  const edges: ChartEdge[] = [];
  const visit = (graphNode: DirectedGraphNode, depth: number): void => {
    nodes.push(toNode(graphNode.stateNode, depth));
    for (const edge of graphNode.edges) {
      const transition = edge.transition;
      const { delay } = transition as { delay?: unknown };
      const fields = {
        eventType: transition.eventType,
        delay: delay === undefined ? undefined : String(typeof delay === 'function' ? nameOf(delay) : delay),
        guard: transition.guard === undefined ? undefined : nameOf(transition.guard),
        actions: actionNames(transition),
      };
      edges.push({
        id: edge.id,
        source: edge.source.id,
        target: edge.target.id,
        ...fields,
        targetless: transition.target === undefined || transition.target.length === 0,
        reenter: transition.reenter,
        label: formatEdgeLabel({ ...fields, description: transition.description }),
      });
    }
    for (const child of graphNode.children) visit(child, depth + 1);
  };
  visit(toDirectedGraph(machine), 0);
  return { root: machine.root.id, nodes, edges };
}
