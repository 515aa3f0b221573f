/**
 * Graphviz DOT text for a {@link ChartGraph}.
 *
 * @module
 */
import { type ChartGraph, type ChartNode, describeActivities } from './chart-graph.js';

// Line breaks become DOT's `\n` escape, so multi-line labels stay on one line of the file.
const quote = (text: string): string =>
  `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const clusterId = (id: string): string => quote(`cluster_${id}`);
const initialId = (id: string): string => quote(`${id}.__initial`);

/**
 * Render a chart as DOT. Every compound or parallel state is a cluster (parallel ones dashed) holding
 * an invisible anchor node, so that transitions from and to it are clipped at the cluster's border
 * (`compound=true` with `ltail`/`lhead`, labelled with `xlabel`). Targetless transitions are dashed self-loops; root
 * transitions start from a plain-text node "<machine> (any state)".
 *
 * @example
 * ```ts
 * writeFileSync('connection.dot', toDot(describeChart(sseMachine)));
 * ```
 */
export function toDot(graph: ChartGraph): string {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const root = byId.get(graph.root);
  if (root === undefined) throw new Error(`toDot: the root ${graph.root} is not among the nodes`);
  const isCluster = (node: ChartNode | undefined): boolean =>
    node !== undefined && node.id !== graph.root && node.children.length > 0;

  const lines = [
    `digraph ${quote(root.key)} {`,
    '  compound=true;',
    '  forcelabels=true;',
    '  rankdir=LR;',
    '  fontname="Helvetica";',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=12];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  ${quote(root.id)} [label=${quote(`${root.key} (any state)`)}, shape=plaintext];`,
  ];

  const initialMarker = (node: ChartNode, indent: string): void => {
    if (node.initial === undefined) return;
    const target = byId.get(node.initial);
    const head = isCluster(target) ? `, lhead=${clusterId(node.initial)}` : '';
    lines.push(`${indent}${initialId(node.id)} [shape=point, width=0.12, label=""];`);
    lines.push(`${indent}${initialId(node.id)} -> ${quote(node.initial)} [arrowsize=0.6${head}];`);
  };

  const declare = (node: ChartNode, indent: string): void => {
    if (!isCluster(node)) {
      const final = node.type === 'final' ? ', peripheries=2' : '';
      const label = [node.key, ...describeActivities(node)].join('\n');
      lines.push(`${indent}${quote(node.id)} [label=${quote(label)}${final}];`);
      return;
    }
    const style = node.type === 'parallel' ? 'dashed,rounded' : 'rounded';
    lines.push(`${indent}subgraph ${clusterId(node.id)} {`);
    const title = node.type === 'parallel' ? `${node.key} (parallel)` : node.key;
    lines.push(`${indent}  label=${quote([title, ...describeActivities(node)].join('\n'))};`);
    lines.push(`${indent}  style=${quote(style)};`);
    lines.push(`${indent}  ${quote(node.id)} [shape=point, style=invis, width=0.01, label=""];`);
    initialMarker(node, `${indent}  `);
    for (const childId of node.children) {
      const child = byId.get(childId);
      if (child !== undefined) declare(child, `${indent}  `);
    }
    lines.push(`${indent}}`);
  };

  initialMarker(root, '  ');
  for (const childId of root.children) {
    const child = byId.get(childId);
    if (child !== undefined) declare(child, '  ');
  }

  for (const edge of graph.edges) {
    const clip: string[] = [];
    if (isCluster(byId.get(edge.source))) clip.push(`ltail=${clusterId(edge.source)}`);
    if (isCluster(byId.get(edge.target)) && edge.target !== edge.source) {
      clip.push(`lhead=${clusterId(edge.target)}`);
    }
    // dot places an edge's `label` on the unclipped path through the cluster's hidden anchor, so
    // labels of clipped edges would float inside the cluster, far from their arrows. An `xlabel` is
    // placed after layout, beside the arrow as drawn.
    const attributes = [`${clip.length > 0 ? 'xlabel' : 'label'}=${quote(edge.label)}`, ...clip];
    if (edge.targetless) attributes.push('style=dashed');
    lines.push(`  ${quote(edge.source)} -> ${quote(edge.target)} [${attributes.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
