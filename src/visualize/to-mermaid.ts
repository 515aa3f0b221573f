/**
 * Mermaid `stateDiagram-v2` text for a {@link ChartGraph}.
 *
 * @module
 */
import { type ChartGraph, type ChartNode, describeActivities } from './chart-graph.js';

// Mermaid ids may not contain dots; XState ids are unique, so mapping `.` to `_` keeps them unique here.
const mermaidId = (id: string): string => id.replace(/[^A-Za-z0-9_]/g, '_');

// `:` ends a Mermaid transition's source/target part and `;` ends a statement: neither may appear in text.
const mermaidText = (text: string): string => text.replace(/[:;]/g, ' ');

/**
 * Render a chart as Mermaid. Compound and parallel states become composite states (parallel regions
 * separated by `--`); transitions of the root (`on` at the top of the machine) start from a
 * pseudo-state named after the machine, "any state".
 *
 * @example
 * ```ts
 * writeFileSync('connection.mmd', toMermaid(describeChart(sseMachine)));
 * ```
 */
export function toMermaid(graph: ChartGraph): string {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const lines = ['stateDiagram-v2', '  direction LR'];
  const root = byId.get(graph.root);
  if (root === undefined) throw new Error(`toMermaid: the root ${graph.root} is not among the nodes`);

  const declare = (node: ChartNode, indent: string): void => {
    const id = mermaidId(node.id);
    lines.push(`${indent}state "${mermaidText(node.key)}" as ${id}`);
    for (const line of describeActivities(node)) lines.push(`${indent}${id} : ${mermaidText(line)}`);
    if (node.children.length === 0) return;
    lines.push(`${indent}state ${id} {`);
    body(node, `${indent}  `);
    lines.push(`${indent}}`);
  };

  const body = (node: ChartNode, indent: string): void => {
    if (node.initial !== undefined) lines.push(`${indent}[*] --> ${mermaidId(node.initial)}`);
    node.children.forEach((childId, index) => {
      const child = byId.get(childId);
      if (child === undefined) return;
      if (node.type === 'parallel' && index > 0) lines.push(`${indent}--`);
      declare(child, indent);
      if (child.type === 'final') lines.push(`${indent}${mermaidId(child.id)} --> [*]`);
    });
  };

  lines.push(`  state "${mermaidText(root.key)} (any state)" as ${mermaidId(root.id)}`);
  body(root, '  ');
  for (const edge of graph.edges) {
    lines.push(`  ${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : ${mermaidText(edge.label)}`);
  }
  return `${lines.join('\n')}\n`;
}
