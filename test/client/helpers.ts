/**
 * The client suites' waits: written once in `test/helpers/wait.ts`; this module keeps the import
 * path the client suites use.
 *
 * @module
 */
export { barrier, nextOf, requestsTo, stateReached } from '../helpers/wait.js';
