/**
 * Runs once per `vitest run`, before any test file: says in one line per missing system dependency
 * which tests are skipped and how to run them, or fails the run when `SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1`.
 *
 * @module
 */
import { REQUIRE_VARIABLE, SYSTEM_DEPS, skipLine, systemDepsRequired } from './system-deps.js';

export default function setup(): void {
  const missing = SYSTEM_DEPS.filter((dep) => !dep.available);
  if (missing.length === 0) return;
  if (systemDepsRequired) {
    throw new Error(
      `${REQUIRE_VARIABLE}=1 but ${missing.map((dep) => `${dep.missing} (needed by ${dep.tests}; ${dep.install})`).join('; ')}`,
    );
  }
  for (const dep of missing) console.warn(skipLine(dep));
}
