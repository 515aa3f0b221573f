/**
 * DOT → SVG with Graphviz compiled to WebAssembly (`@viz-js/viz`): no system packages needed.
 *
 * @module
 */
import { instance } from '@viz-js/viz';

/**
 * Render DOT text to an SVG document with the `dot` layout engine.
 * Throws when Graphviz reports an error (warnings are ignored).
 */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    const messages = result.errors.map((error) => `${error.level ?? 'error'}: ${error.message}`);
    throw new Error(`Graphviz failed to render the chart:\n${messages.join('\n')}`);
  }
  return result.output;
}
