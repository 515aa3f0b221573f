/**
 * The `sse-machine` command. (Placeholder until the CLI lands.)
 *
 * @module
 */
process.stdout.write('sse-machine: the CLI is not built yet\n');
