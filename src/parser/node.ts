/**
 * Entry `sse-machine/parser/node`: the Node decoder for the parser (`Buffer` fast path for ASCII).
 * Kept out of `sse-machine/parser` so that browser bundles never see a `node:` import.
 *
 * @module
 */
export { createNodeDecoder } from './node-decoder.js';
