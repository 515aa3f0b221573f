/**
 * `npm run visualize`: regenerate visualizations/connection.{mmd,dot,svg,json} from `sseMachine`.
 * `npm run visualize -- --check` writes nothing and exits 1 when a committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sseMachine } from '../machines/connection.machine.js';
import { embedDiagram, generateVisualizations } from '../src/visualize/index.js';

const directory = fileURLToPath(new URL('../visualizations/', import.meta.url));
const check = process.argv.includes('--check');
const files = await generateVisualizations(sseMachine, 'connection');
let stale = 0;
for (const [file, text] of Object.entries(files)) {
  const path = `${directory}${file}`;
  const current = await readFile(path, 'utf8').catch(() => undefined);
  if (current === text) continue;
  stale++;
  if (check) console.error(`stale: visualizations/${file} (run npm run visualize)`);
  else {
    await writeFile(path, text);
    console.log(`wrote visualizations/${file}`);
  }
}
// The README embeds the Mermaid diagram (GitHub renders it) between two markers.
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = await readFile(readmePath, 'utf8');
const updated = embedDiagram(readme, files['connection.mmd'] ?? '');
if (updated !== readme) {
  stale++;
  if (check) console.error('stale: the diagram in README.md (run npm run visualize)');
  else {
    await writeFile(readmePath, updated);
    console.log('wrote the diagram into README.md');
  }
}
if (check && stale > 0) process.exitCode = 1;
if (stale === 0) console.log('visualizations are up to date');
