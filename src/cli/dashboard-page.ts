/**
 * The dashboard page: the state diagram with the current state highlighted, across the page's width
 * so that its labels can be read; a live timeline under it (the client's states as bands, events per
 * second as bars, reconnections and injected faults as markers) with the fault buttons; metrics,
 * narration and events. It follows `/status` with this library's own browser build.
 *
 * @module
 */

const STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'failed', 'closed'] as const;

/** The colour of each state's band on the timeline (and its key). */
const STATE_COLORS: Record<(typeof STATES)[number], string> = {
  idle: '#bdbdbd',
  connecting: '#64b5f6',
  connected: '#66bb6a',
  reconnecting: '#ffa726',
  failed: '#e53935',
  closed: '#616161',
};

/** The HTML of the dashboard; `svg` is the generated state diagram when there is one. */
export function renderDashboardPage(svg: string | undefined): string {
  const diagram =
    svg === undefined
      ? `<ol id="states">${STATES.map((s) => `<li data-state="${s}">${s}</li>`).join('')}</ol>`
      : `<div id="svg">${svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '')}</div>`;
  const key = STATES.map(
    (s) => `<span><i class="swatch" style="background:${STATE_COLORS[s]}"></i>${s}</span>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sse-machine demo</title>
<script type="importmap">{ "imports": { "xstate": "/vendor/xstate/xstate.esm.js" } }</script>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  main { display: grid; grid-template-columns: repeat(3, minmax(280px, 1fr)); gap: 1.2rem; }
  section { border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 1rem; margin: 0 0 .6rem; }
  #states { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
  #states li { padding: .4rem .8rem; border: 2px solid #999; border-radius: 1rem; }
  #states li.current { background: #ffd54f; border-color: #e6a700; font-weight: bold; }
  /* The diagram takes the page's width (up to its natural size): its labels stay readable. */
  #svg svg { display: block; width: 100%; max-width: 1600px; height: auto; margin: 0 auto; }
  #svg g.current > ellipse, #svg g.current > polygon, #svg g.current > path, #svg g.current > rect { fill: #ffd54f; stroke: #e6a700; stroke-width: 3; }
  #current { font-size: 1.2rem; font-weight: bold; }
  .head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1.2rem; margin-bottom: .4rem; }
  .head h2 { margin: 0; }
  #timeline { display: block; width: 100%; height: 170px; font: 11px system-ui, sans-serif; }
  #timeline .lane { font-weight: 600; fill: #555; }
  #timeline .axis { fill: #777; }
  #timeline .fault-label { font-weight: 700; fill: #b71c1c; }
  .key { display: flex; flex-wrap: wrap; gap: .2rem 1rem; color: #555; font-size: 12px; }
  .swatch { display: inline-block; width: .9em; height: .9em; border-radius: 2px; margin-right: .3em; vertical-align: -.1em; }
  .swatch.fault { background: none; border-left: 2px dashed #c62828; border-radius: 0; width: .3em; }
  .swatch.reconnect { background: none; width: 0; height: 0; border: .45em solid transparent; border-top: .7em solid #8d2c00; border-bottom: 0; border-radius: 0; }
  .swatch.rate { background: #5c6bc0; }
  table { border-collapse: collapse; } td { padding: .1rem .8rem .1rem 0; vertical-align: top; } td:first-child { color: #666; }
  #metrics td:last-child { overflow-wrap: anywhere; }
  #log, #events { font: 12px/1.35 ui-monospace, monospace; height: 18rem; overflow: auto; margin: 0; white-space: pre-wrap; }
  button { margin: 0 .4rem 0 0; padding: .35rem .8rem; cursor: pointer; }
  .muted { color: #777; }
</style>
</head>
<body>
<h1>sse-machine demo <span class="muted" id="link">(this page's own stream: connecting)</span></h1>
<main>
  <section class="wide"><h2>State: <span id="current">?</span></h2>${diagram}</section>
  <section class="wide" id="timeline-section">
    <div class="head"><h2>Timeline</h2>
      <span>Inject a fault:
      <button data-fault="kill">Kill the server</button><button data-fault="silent">Go silent</button><button data-fault="503">503 + Retry-After</button><button data-fault="204">204 No Content</button></span>
      <span id="fault" class="muted"></span></div>
    <svg id="timeline" role="img" aria-label="Timeline of the demo client: its states, events per second, reconnections and faults"></svg>
    <div class="key">${key}<span><i class="swatch rate"></i>events/s</span><span><i class="swatch reconnect"></i>reconnect</span><span><i class="swatch fault"></i>fault injected</span></div>
  </section>
  <section><h2>Metrics</h2><table id="metrics"></table></section>
  <section><h2>Narration</h2><pre id="log"></pre></section>
  <section><h2>Events</h2><pre id="events"></pre></section>
</main>
<script type="module">
import { createSseClient } from '/lib/browser.js';

const $ = (id) => document.getElementById(id);
const STATES = ${JSON.stringify(STATES)};
const COLORS = ${JSON.stringify(STATE_COLORS)};

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

// --- the timeline: every time is the demo's (ms since it started), as /status sends it ---
const timeline = { states: [], rates: [], faults: [] };
// The demo's clock, as seen here: the latest time it sent, run on by this page's own clock.
let clock = { t: 0, at: performance.now() };
const demoNow = () => clock.t + (performance.now() - clock.at);
function seen(t) {
  if (typeof t === 'number' && t > demoNow()) clock = { t, at: performance.now() };
}
const SVG_NS = 'http://www.w3.org/2000/svg';
function el(name, attributes, title) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (title !== undefined) { const t = document.createElementNS(SVG_NS, 'title'); t.textContent = title; node.append(t); }
  return node;
}
const secs = (ms) => (ms / 1000).toFixed(1) + ' s';
const FAULT_LABELS = { kill: 'kill', silent: 'silence', '503': '503', '204': '204' };

function drawTimeline() {
  const svg = $('timeline');
  const width = Math.max(320, Math.round(svg.getBoundingClientRect().width));
  const now = demoNow();
  // The whole run while it is short (30 s, widened 15 s at a time up to 2 minutes); then the last 2 minutes.
  const span = Math.min(120000, Math.max(30000, Math.ceil(now / 15000) * 15000));
  const end = Math.max(now, span);
  const start = end - span;
  // What has left the window for good: older bars and faults, and states before the one at its start.
  while (timeline.rates.length > 0 && timeline.rates[0].to < start) timeline.rates.shift();
  while (timeline.faults.length > 0 && timeline.faults[0].t < start) timeline.faults.shift();
  while (timeline.states.length > 1 && timeline.states[1].t <= start) timeline.states.shift();
  const left = 64, right = 20;
  const x = (t) => left + ((Math.min(Math.max(t, start), end) - start) / span) * (width - left - right);
  const LABELS = 14, STATE_Y = 20, STATE_H = 26, RATE_Y = 54, RATE_H = 84, AXIS_Y = RATE_Y + RATE_H;
  svg.setAttribute('viewBox', '0 0 ' + width + ' 170');
  const parts = [];
  parts.push(el('text', { x: 0, y: STATE_Y + 17, class: 'lane' }, undefined));
  parts[parts.length - 1].textContent = 'state';

  // Axis and grid: a tick every 5, 10 or 20 s, as the window widens.
  const step = span > 60000 ? 20000 : span > 30000 ? 10000 : 5000;
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) {
    parts.push(el('line', { x1: x(t), x2: x(t), y1: STATE_Y, y2: AXIS_Y, stroke: '#eee' }));
    const label = el('text', { x: x(t), y: AXIS_Y + 14, 'text-anchor': 'middle', class: 'axis' });
    label.textContent = t / 1000 + ' s';
    parts.push(label);
  }
  parts.push(el('line', { x1: left, x2: width - right, y1: AXIS_Y + 0.5, y2: AXIS_Y + 0.5, stroke: '#999' }));

  // State bands: each state from its entry to the next one (or now).
  timeline.states.forEach((s, i) => {
    const next = timeline.states[i + 1];
    const to = next ? next.t : now;
    if (to < start) return;
    const x1 = x(s.t), x2 = x(to);
    const why = s.error ? ' after ' + s.error : '';
    parts.push(el('rect', {
      class: 'band', 'data-state': s.state, x: x1, y: STATE_Y, width: Math.max(1, x2 - x1), height: STATE_H,
      fill: COLORS[s.state] || '#999',
    }, s.state + ' (attempt ' + s.attempt + ')' + why + ': ' + secs(s.t) + ' – ' + (next ? secs(to) : 'now')));
  });

  // Events per second: one bar a second, on a scale that fits the window's busiest second.
  const rates = timeline.rates.filter((r) => r.to >= start);
  const perSecond = (r) => (r.events * 1000) / Math.max(1, r.to - r.from);
  const top = Math.max(1, ...rates.map(perSecond));
  const laneLabel = el('text', { x: 0, y: RATE_Y + 12, class: 'lane' });
  laneLabel.textContent = 'events/s';
  const scale = el('text', { x: left - 6, y: RATE_Y + 24, 'text-anchor': 'end', class: 'axis' });
  scale.textContent = 'max ' + Math.round(top);
  parts.push(laneLabel, scale);
  for (const r of rates) {
    const rate = perSecond(r);
    const h = (rate / top) * (RATE_H - 4);
    const x1 = x(r.from), x2 = x(r.to);
    parts.push(el('rect', {
      class: 'rate-bar', 'data-events': r.events, x: x1 + 0.5, y: AXIS_Y - h, width: Math.max(1, x2 - x1 - 1), height: h,
      fill: '#5c6bc0',
    }, r.events + ' events in ' + secs(r.from) + ' – ' + secs(r.to)));
  }

  // Reconnections: a marker where the client enters reconnecting, with why and how long it waits.
  for (const s of timeline.states) {
    if (s.state !== 'reconnecting' || s.t < start) continue;
    const cx = x(s.t);
    const g = el('g', { class: 'marker', 'data-kind': 'reconnect' },
      'reconnect at ' + secs(s.t) + ': attempt ' + s.attempt + (s.error ? ' failed: ' + s.error : ' ended') +
      (s.delay !== undefined ? '; next try in ' + s.delay + ' ms' : ''));
    g.append(el('line', { x1: cx, x2: cx, y1: STATE_Y, y2: AXIS_Y, stroke: '#8d2c00', 'stroke-width': 1.5 }));
    g.append(el('path', { d: 'M' + (cx - 5) + ' ' + (STATE_Y - 7) + 'h10l-5 7z', fill: '#8d2c00' }));
    parts.push(g);
  }

  // Faults: a dashed line and a label, from the buttons or the demo's script.
  let labelEnd = -Infinity;
  for (const f of timeline.faults) {
    if (f.t < start) continue;
    const fx = x(f.t);
    const g = el('g', { class: 'marker', 'data-kind': 'fault', 'data-fault': f.fault },
      'fault "' + f.fault + '" injected at ' + secs(f.t) + (f.by === 'button' ? ' (button)' : " (the demo's script)"));
    g.append(el('line', { x1: fx, x2: fx, y1: LABELS - 10, y2: AXIS_Y, stroke: '#c62828', 'stroke-width': 2, 'stroke-dasharray': '4 3' }));
    const label = el('text', { x: Math.max(fx + 3, labelEnd + 4), y: LABELS - 2, class: 'fault-label' });
    label.textContent = FAULT_LABELS[f.fault] || f.fault;
    g.append(label);
    labelEnd = Math.max(fx + 3, labelEnd + 4) + label.textContent.length * 7;
    parts.push(g);
  }
  svg.replaceChildren(...parts);
}

let drawQueued = false;
function redraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => { drawQueued = false; drawTimeline(); });
}
setInterval(redraw, 250);
window.addEventListener('resize', redraw);

const status = createSseClient('/status', { heartbeatTimeout: 15000, reconnect: { initialDelay: 500, maxDelay: 4000 } });
// The page's own link to /status is itself an sse-machine client: its state is shown too.
// (SSE event types here avoid 'state', 'open', 'error' and 'cursor', the client's own events.)
status.on('state', (s) => { $('link').textContent = "(this page's own stream: " + s + ')'; });
status.on('log', (e) => append($('log'), JSON.parse(e.data), 300));
status.on('demo-event', (e) => { const ev = JSON.parse(e.data); append($('events'), '[' + ev.type + '] ' + ev.id + ' ' + ev.data, 200); });
status.on('metrics', (e) => { const m = JSON.parse(e.data); seen(m.t); showMetrics(m); });
status.on('demo-state', (e) => {
  const s = JSON.parse(e.data);
  seen(s.t);
  // A page that reconnects to /status gets the history again: keep each moment once.
  const last = timeline.states[timeline.states.length - 1];
  if (!last || s.t >= last.t) { if (!last || last.t !== s.t || last.state !== s.state) timeline.states.push(s); }
  highlight(s.state);
  redraw();
});
status.on('demo-fault', (e) => {
  const f = JSON.parse(e.data);
  seen(f.t);
  if (!timeline.faults.some((g) => g.t === f.t && g.fault === f.fault)) timeline.faults.push(f);
  redraw();
});
status.on('demo-rate', (e) => {
  const r = JSON.parse(e.data);
  seen(r.to);
  const last = timeline.rates[timeline.rates.length - 1];
  if (!last || r.from >= last.to) timeline.rates.push(r);
  redraw();
});

for (const button of document.querySelectorAll('button[data-fault]')) {
  button.addEventListener('click', async () => {
    // Shown on the page, never thrown: the page writes nothing to the console.
    try {
      const response = await fetch('/fault/' + button.dataset.fault, { method: 'POST' });
      $('fault').textContent = await response.text();
    } catch (error) {
      $('fault').textContent = 'could not reach the dashboard: ' + error.message;
    }
  });
}
</script>
</body>
</html>
`;
}
