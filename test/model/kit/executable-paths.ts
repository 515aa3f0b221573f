/**
 * The model's paths, each with the executor that runs it against the real machine.
 *
 * @module
 */
import { delayOf, eventKey, getModelPaths, type ModelPath, type ModelScenario } from './connection-model.js';
import { type ModelRunOptions, runModelPath } from './run-model-path.js';

/** What {@link ExecutablePath.run} needs: the server and transport; a fresh pathname by default. */
export type ExecutablePathOptions = Omit<ModelRunOptions, 'scenario' | 'pathname'> & {
  /** The server path the run requests; each run gets its own by default, so runs can share a server. */
  readonly pathname?: string;
};

/** One generated path and the function that executes it. */
export interface ExecutablePath {
  /** The scenario the path was generated in (its machine input and timers). */
  readonly scenario: ModelScenario;
  /** The generated path: its steps from `idle` and the state they reach. */
  readonly path: ModelPath;
  /** `CONNECT → STREAM.OPEN → STREAM.ERROR(NETWORK) → after(reconnectDelay)` */
  readonly description: string;
  /** Execute the path; rejects when the real machine departs from the model or a step has no executor. */
  run(options: ExecutablePathOptions): Promise<void>;
}

let runs = 0;

/**
 * Every path of a scenario (see {@link getModelPaths}), ready to run.
 *
 * @example
 * ```ts
 * import { createUndiciTransport } from 'sse-machine'; // or any HttpTransport
 * import { createCoverageRecorder } from '../../../src/testing/coverage.js';
 * import { startSseServer } from '../../../src/testing/server.js';
 * import { executablePaths } from './executable-paths.js';
 *
 * const server = await startSseServer();
 * const coverage = createCoverageRecorder(sseMachine);
 * for (const { description, run } of executablePaths(scenario)) {
 *   test(description, () => run({ server, transport, inspect: coverage.inspect }));
 * }
 * ```
 */
export function* executablePaths(
  scenario: ModelScenario,
  options: { simple?: boolean } = {},
): Generator<ExecutablePath> {
  for (const path of getModelPaths(scenario, options)) {
    const description = path.steps
      .filter((step) => step.event.type !== ('xstate.init' as string))
      .map((step) => {
        const delay = delayOf(step.event.type);
        return delay === undefined ? eventKey(step.event) : `after(${delay})`;
      })
      .join(' → ');
    yield {
      scenario,
      path,
      description,
      run: ({ pathname = `/sse-machine-model/${++runs}`, ...rest }) =>
        runModelPath(path, { ...rest, scenario, pathname }),
    };
  }
}
