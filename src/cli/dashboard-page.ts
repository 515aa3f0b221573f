/**
 * The dashboard page: the state diagram with the current state highlighted, an event log, a
 * metrics panel and fault buttons. It follows `/status` with this library's own browser build.
 *
 * @module
 */

const STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'failed', 'closed'] as const;

/** The HTML of the dashboard; `svg` is the generated state diagram when there is one. */
export function renderDashboardPage(svg: string | undefined): string {
  const diagram =
    svg === undefined
      ? `<ol id="states">${STATES.map((s) => `<li data-state="${s}">${s}</li>`).join('')}</ol>`
      : `<div id="svg">${svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '')}</div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sse-machine demo</title>
<script type="importmap">{ "imports": { "xstate": "/vendor/xstate/xstate.esm.js" } }</script>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 1.5rem; }
  section { border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; }
  h2 { font-size: 1rem; margin: 0 0 .6rem; }
  #states { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
  #states li { padding: .4rem .8rem; border: 2px solid #999; border-radius: 1rem; }
  #states li.current { background: #ffd54f; border-color: #e6a700; font-weight: bold; }
  #svg svg { max-width: 100%; height: auto; }
  #svg g.current > ellipse, #svg g.current > polygon, #svg g.current > path, #svg g.current > rect { fill: #ffd54f; stroke: #e6a700; stroke-width: 3; }
  #current { font-size: 1.2rem; font-weight: bold; }
  table { border-collapse: collapse; } td { padding: .1rem .8rem .1rem 0; } td:first-child { color: #666; }
  #log, #events { font: 12px/1.35 ui-monospace, monospace; height: 18rem; overflow: auto; margin: 0; white-space: pre-wrap; }
  button { margin: 0 .4rem .4rem 0; padding: .4rem .8rem; cursor: pointer; }
  .muted { color: #777; }
</style>
</head>
<body>
<h1>sse-machine demo <span class="muted" id="link">(this page's own stream: connecting)</span></h1>
<main>
  <section><h2>State: <span id="current">?</span></h2>${diagram}</section>
  <section><h2>Metrics</h2><table id="metrics"></table>
    <h2 style="margin-top:1rem">Inject a fault</h2>
    <button data-fault="kill">Kill the server</button><button data-fault="silent">Go silent</button>
    <button data-fault="503">503 + Retry-After</button><button data-fault="204">204 No Content</button>
    <div id="fault" class="muted"></div></section>
  <section><h2>Narration</h2><pre id="log"></pre></section>
  <section><h2>Events</h2><pre id="events"></pre></section>
</main>
<script type="module">
import { createSseClient } from '/lib/browser.js';

const $ = (id) => document.getElementById(id);
const STATES = ${JSON.stringify(STATES)};

function highlight(state) {
  $('current').textContent = state;
  for (const li of document.querySelectorAll('#states li')) li.classList.toggle('current', li.dataset.state === state);
  // Nodes and clusters only: an edge's title names its target state too.
  for (const node of document.querySelectorAll('#svg g.node, #svg g.cluster')) {
    const title = node.querySelector(':scope > title');
    const name = (title ? title.textContent : node.id).trim().split(/[.#/]/).pop();
    node.classList.toggle('current', STATES.includes(name) && name === state);
  }
}

function append(pre, line, max) {
  const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  pre.append(line + '\\n');
  while (pre.childNodes.length > max) pre.firstChild.remove();
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

const fmt = (v) => (v === undefined || v === null ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
function showMetrics(m) {
  const rows = [
    ['events', m.eventsReceived], ['events/s', m.eventsPerSecond.toFixed(1)], ['bytes', m.bytesReceived],
    ['attempt', m.attempt], ['reconnects', m.reconnects], ['last id', m.lastEventId],
    ['connect time (last / median)', fmt(m.connectTime.last) + ' / ' + fmt(m.connectTime.median) + ' ms'],
    ['last error', m.lastError ? m.lastError.code + ': ' + m.lastError.message : '–'],
    ['lost / duplicated', fmt(m.lost) + ' / ' + fmt(m.duplicated)],
  ];
  $('metrics').replaceChildren(...rows.map(([k, v]) => {
    const tr = document.createElement('tr');
    for (const text of [k, fmt(v)]) { const td = document.createElement('td'); td.textContent = text; tr.append(td); }
    return tr;
  }));
}

const status = createSseClient('/status', { heartbeatTimeout: 15000, reconnect: { initialDelay: 500, maxDelay: 4000 } });
// The page's own link to /status is itself an sse-machine client: its state is shown too.
// (SSE event types here avoid 'state', 'open', 'error' and 'cursor', the client's own events.)
status.on('state', (s) => { $('link').textContent = "(this page's own stream: " + s + ')'; });
status.on('log', (e) => append($('log'), JSON.parse(e.data), 300));
status.on('demo-event', (e) => { const ev = JSON.parse(e.data); append($('events'), '[' + ev.type + '] ' + ev.id + ' ' + ev.data, 200); });
status.on('metrics', (e) => showMetrics(JSON.parse(e.data)));
status.on('demo-state', (e) => highlight(JSON.parse(e.data).state));

for (const button of document.querySelectorAll('button[data-fault]')) {
  button.addEventListener('click', async () => {
    const response = await fetch('/fault/' + button.dataset.fault, { method: 'POST' });
    $('fault').textContent = await response.text();
  });
}
</script>
</body>
</html>
`;
}
