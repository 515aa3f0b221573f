/**
 * SHIM(i17, until issue 12 lands): the browser `createSseClient` with `clock` and state details.
 *
 * @module
 */
import { createSseClient as create } from '../../browser.js';
import { withTestSeams } from './with-test-seams.js';

/** `createSseClient` of `sse-machine` (browser entry) plus `clock` and state details. */
export const createSseClient = withTestSeams(create);
