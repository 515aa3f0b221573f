/**
 * Where the app gets `createSseClient`. In an application this module is one line:
 *
 *   export { createSseClient } from 'sse-machine';
 *
 * SHIM(i17, until issue 12 lands): today's client has neither `clock` nor state details, so the
 * example takes them from the shim in `src/testing/shim/` (the browser test swaps in the browser
 * build of the same shim). Replace this line with the one above when the client has them.
 *
 * @module
 */
export { createSseClient } from '../../src/testing/shim/node-client.js';
