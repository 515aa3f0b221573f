import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { toDirectedGraph } from 'xstate/graph';
import { sseMachine } from '../../machines/connection.machine.js';
import {
  describeChart,
  embedDiagram,
  generateVisualizations,
  toDot,
  toMermaid,
  type Visualizations,
} from '../../src/visualize/index.js';

const directory = fileURLToPath(new URL('../../visualizations/', import.meta.url));
let generated: Visualizations;
beforeAll(async () => {
  generated = await generateVisualizations(sseMachine, 'connection');
});

describe('generated visualizations of sseMachine', () => {
  it.each(['connection.mmd', 'connection.dot', 'connection.svg', 'connection.json'])(
    'visualizations/%s is up to date (run `npm run visualize` after changing the chart)',
    async (file) => {
      const committed = await readFile(`${directory}${file}`, 'utf8');
      expect(generated[file], `visualizations/${file} is stale`).toBe(committed);
    },
  );

  it('README.md embeds the current Mermaid diagram', async () => {
    const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    expect(readme).toContain('<!-- diagram:start');
    expect(embedDiagram(readme, generated['connection.mmd'] ?? ''), 'README diagram is stale').toBe(readme);
  });

  it('has one edge per transition target of toDirectedGraph, with every label part', () => {
    const edges: string[] = [];
    const walk = (node: ReturnType<typeof toDirectedGraph>): void => {
      for (const edge of node.edges) edges.push(edge.id);
      for (const child of node.children) walk(child);
    };
    walk(toDirectedGraph(sseMachine));
    const chart = describeChart(sseMachine);
    expect(chart.edges.map((edge) => edge.id)).toEqual(edges);
    expect(edges).toHaveLength(29);
    const labels = chart.edges.map((edge) => `${edge.source} -> ${edge.target}: ${edge.label}`);
    expect(labels).toContain('sse -> sse.closed: CLOSE');
    expect(labels).toContain('sse.active -> sse.failed: STREAM.ERROR [isFatal] / recordError');
    expect(labels).toContain(
      'sse.active.connecting -> sse.reconnecting: STREAM.TIMEOUT (connectTimeout) [canRetry] / recordError',
    );
    expect(labels).toContain(
      'sse.active.connected.reading.flowing -> sse.active.connected.reading.held: HOLD',
    );
    expect(labels).toContain('sse.reconnecting -> sse.active: after(reconnectDelay)');
    expect(labels).toContain(
      'sse.active.connected.stability.settling -> sse.active.connected.stability.stable: after(resetAfter) / resetRetries, notifyStable',
    );
  });

  it('draws every edge in Mermaid and DOT, with nested states as composites and clusters', () => {
    const chart = describeChart(sseMachine);
    const mermaid = toMermaid(chart);
    const dot = toDot(chart);
    for (const edge of chart.edges) {
      const m = `${edge.source.replace(/\./g, '_')} --> ${edge.target.replace(/\./g, '_')} : ${edge.label}`;
      expect(mermaid).toContain(m);
      const drawn = ['label', 'xlabel'].some((attribute) =>
        dot.includes(`"${edge.source}" -> "${edge.target}" [${attribute}="${edge.label}"`),
      );
      expect(drawn, `${edge.source} -> ${edge.target}: ${edge.label}`).toBe(true);
    }
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(mermaid).not.toMatch(/xstate\.after/);
    for (const compound of ['active', 'active_connected', 'active_connected_reading']) {
      expect(mermaid).toContain(`state sse_${compound} {`);
    }
    // Parallel regions are separated by `--` inside the parallel state.
    expect(mermaid.match(/^\s+--$/gm)).toHaveLength(1);
    for (const cluster of ['active', 'active.connected', 'active.connected.stability']) {
      expect(dot).toContain(`subgraph "cluster_sse.${cluster}" {`);
    }
    expect(dot).toContain(
      // Clipped at a cluster's border: an xlabel, drawn beside the arrow rather than at the anchor.
      '"sse.active" -> "sse.failed" [xlabel="STREAM.ERROR [isFatal] / recordError", ltail=',
    );
    expect(dot).toContain('"sse.closed" [label="closed", peripheries=2]');
    expect(dot).toContain(
      '"sse.active.connected.stability.settling" -> "sse.active.connected.stability.stable" [label=',
    );
  });

  it('renders the DOT to an SVG with every cluster and edge', () => {
    const svg = generated['connection.svg'] ?? '';
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    expect(svg.match(/<g id="clust\d+" class="cluster">/g)).toHaveLength(4);
    // 29 transitions plus one arrow from each of the 4 initial-state markers.
    expect(svg.match(/<g id="edge\d+" class="edge">/g)).toHaveLength(33);
    expect(svg).toContain('after(reconnectDelay)');
  });

  it('writes the machine definition as JSON', () => {
    const json = JSON.parse(generated['connection.json'] ?? '') as {
      definition: { id: string };
      edges: unknown[];
    };
    expect(json.definition.id).toBe('sse');
    expect(json.edges).toHaveLength(29);
  });
});
