/**
 * Diagrams of a statechart, generated from the machine itself (never drawn by hand): Mermaid, DOT,
 * SVG (rendered from the DOT) and JSON. `npm run visualize` writes them for `sseMachine`.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import { describeChart } from './chart-graph.js';
import { renderSvg } from './render-svg.js';
import { toDot } from './to-dot.js';
import { toMermaid } from './to-mermaid.js';

export {
  type ChartEdge,
  type ChartGraph,
  type ChartNode,
  describeChart,
  formatEdgeLabel,
} from './chart-graph.js';
export { renderSvg } from './render-svg.js';
export { toDot } from './to-dot.js';
export { toMermaid } from './to-mermaid.js';

/** The generated files, by file name. */
export type Visualizations = Readonly<Record<string, string>>;

/**
 * Every diagram of `machine`, keyed by file name (`<name>.mmd`, `.dot`, `.svg`, `.json`).
 * The JSON holds the machine's definition and the edge list the diagrams were drawn from.
 *
 * @example
 * ```ts
 * for (const [file, text] of Object.entries(await generateVisualizations(sseMachine, 'connection'))) {
 *   writeFileSync(`visualizations/${file}`, text);
 * }
 * ```
 */
export async function generateVisualizations(
  machine: AnyStateMachine,
  name: string,
): Promise<Visualizations> {
  const graph = describeChart(machine);
  const dot = toDot(graph);
  const json = { definition: machine.toJSON(), edges: graph.edges };
  return {
    [`${name}.mmd`]: toMermaid(graph),
    [`${name}.dot`]: dot,
    [`${name}.svg`]: await renderSvg(dot),
    [`${name}.json`]: `${JSON.stringify(json, null, 2)}\n`,
  };
}
