/**
 * Entry `sse-machine/eventsource`: a WHATWG-compatible `EventSource` over the client.
 * (Placeholder until the facade lands.)
 *
 * @module
 */
export class EventSource {}
