// `npm start`: the demo. Builds dist/ first when the CLI is not there (a fresh clone), then runs
// `node dist/cli.js demo` with any extra arguments (`npm start -- --duration 30s`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

if (!existsSync(cli)) {
  process.stderr.write('dist/cli.js is missing: running npm run build first\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [cli, 'demo', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Relay SIGINT and SIGTERM: a `kill` (a process manager, `timeout`) reaches this process alone. A
// terminal's Ctrl-C reaches the child too, through the process group: the CLI takes the relayed copy
// for the same Ctrl-C (src/cli.ts), so it still closes cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
// Exit as the child did: its code, or 128 + the signal number that ended it (the shell convention).
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 1)));
