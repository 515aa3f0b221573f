/**
 * SHIM(i17, until issue 12 lands): the Node `createSseClient` with `clock` and state details.
 * Replace every import of this module with `import { createSseClient } from 'sse-machine'`.
 *
 * @module
 */
import { createSseClient as create } from '../../index.js';
import { withTestSeams } from './with-test-seams.js';

/** `createSseClient` of `sse-machine` (Node) plus `clock` and state details. */
export const createSseClient = withTestSeams(create);
