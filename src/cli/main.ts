// The `kue` executable (dist/cli.js). Exit codes: 0 done, 1 failure (e.g. redis-server
// missing, port taken), 2 usage error (unknown command or option, bad value).
import { basename } from 'node:path';
import { CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { createDashboardProgram, createProgram } from './program.js';
import { isStopping } from './signals.js';

/** npm links the `kue-dashboard` bin to this same file: the name it was run by picks the program. */
const invokedAs = basename(process.argv[1] ?? '');
const program = /^kue-dashboard(\.[cm]?js)?$/.test(invokedAs) ? createDashboardProgram() : createProgram();

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed the help, the version or the one-line usage error already; it
    // uses code 0 for help and version, 1 for every usage error, which deserves its own code.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`${program.name()}: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`${program.name()}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A start-up cut short by Ctrl-C: the stop in progress exits when done.
  if (isStopping()) await new Promise(() => {});
  // Exits now: a failed start may leave connections that would keep the process alive.
  process.exit(exitCodeOf(error));
}
