/**
 * What some tests need that `npm install` cannot bring: a Chromium binary (browser tests) and
 * util-linux's `script` (a pseudo-terminal for the CLI's TTY tests). Without one, its tests are
 * skipped and the run says so once, in one line (`test/helpers/global-setup.ts`); with
 * `SSE_MACHINE_REQUIRE_SYSTEM_DEPS=1` (set by `.ci/run`) a missing one fails the run instead, so
 * CI can never skip them silently.
 *
 * @module
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Set to `1` to make a missing system dependency a failure instead of a skip. */
export const REQUIRE_VARIABLE = 'SSE_MACHINE_REQUIRE_SYSTEM_DEPS';

/** True when missing system dependencies must fail the run (CI). */
export const systemDepsRequired = process.env[REQUIRE_VARIABLE] === '1';

/** Where Debian's `chromium` package installs the binary (`CHROMIUM_PATH` overrides it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** One thing outside npm that some tests need. */
export interface SystemDep {
  /** What it is, for the skip line. */
  readonly name: string;
  /** The tests that need it. */
  readonly tests: string;
  /** Whether it is there. */
  readonly available: boolean;
  /** What is missing, where it was looked for. */
  readonly missing: string;
  /** How to get it. */
  readonly install: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && executable(join(dir, command)));
}

/** Chromium for `test/browser/*` and `test/cli/dashboard.test.ts`. */
export const chromium: SystemDep = {
  name: 'Chromium',
  tests: 'browser tests (test/browser/*, test/cli/dashboard.test.ts)',
  available: executable(CHROMIUM_PATH),
  missing: `no Chromium at ${CHROMIUM_PATH}`,
  install: 'apt-get install -y chromium (or CHROMIUM_PATH=/path/to/chromium), or run .ci/run',
};

/** util-linux `script(1)` for `test/cli/tty.test.ts`. */
export const script: SystemDep = {
  name: 'script(1)',
  tests: 'terminal tests (test/cli/tty.test.ts)',
  available: onPath('script'),
  missing: 'no `script` on PATH',
  install: 'apt-get install -y bsdutils (util-linux), or run .ci/run',
};

/** tinyproxy, a real forward proxy, for `test/integration/proxy.test.ts`. */
export const tinyproxy: SystemDep = {
  name: 'tinyproxy',
  tests: 'proxy tests (test/integration/proxy.test.ts)',
  available: onPath('tinyproxy'),
  missing: 'no `tinyproxy` on PATH',
  install: 'apt-get install -y tinyproxy, or run .ci/run',
};

/** openssl, to make a private CA and certificates in the TLS, proxy and HTTP/2 tests. */
export const openssl: SystemDep = {
  name: 'openssl',
  tests: 'TLS tests (test/integration/{private-ca,http2,proxy}.test.ts)',
  available: onPath('openssl'),
  missing: 'no `openssl` on PATH',
  install: 'apt-get install -y openssl, or run .ci/run',
};

/** Every system dependency of the suite. */
export const SYSTEM_DEPS: readonly SystemDep[] = [chromium, script, tinyproxy, openssl];

/** Skip the tests of `dep` when it is missing, unless the run requires it (then they fail). */
export function skipWithout(dep: SystemDep): boolean {
  return !dep.available && !systemDepsRequired;
}

/** The one line a run prints for a missing dependency. */
export function skipLine(dep: SystemDep): string {
  return `skipped: ${dep.tests}: ${dep.missing}. To run them: ${dep.install}. (${REQUIRE_VARIABLE}=1 makes this a failure.)`;
}
