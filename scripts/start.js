// `npm start`: the demo. Until the CLI lands, say what it will do.
console.log(
  'sse-machine demo: not built yet. It will start a local SSE server and a client, then inject faults.',
);
