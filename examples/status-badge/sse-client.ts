/**
 * Where the app gets `createSseClient`. In an application this module is one line:
 *
 *   export { createSseClient } from 'sse-machine';
 *
 * Here it points at the source of the same entry (the browser test swaps in `src/browser.ts`).
 *
 * @module
 */
export { createSseClient } from '../../src/index.js';
