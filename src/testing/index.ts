/**
 * Entry `sse-machine/testing`: building blocks for model-based tests of apps that embed the machine.
 * (Placeholder until the tooling lands.)
 *
 * @module
 */
export {};
