/**
 * The loopback SSE test server. It lives in `src/testing/server.ts` and ships as
 * `sse-machine/testing`; this module keeps the path the tests import it from.
 *
 * @module
 */
export * from '../../src/testing/server.js';
