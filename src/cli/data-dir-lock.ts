// Two redis-servers writing one data folder corrupt each other's AOF. `kue dev` records who
// uses its data folder in a state file, and refuses to start while the recorded redis-server
// still runs: one left by a `kue dev` that was killed (SIGKILL), or one of a `kue dev` still
// running in another terminal.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { commandLine, isAlive, isRedisOn } from './redis-process.js';

const STATE_FILE = 'kue-dev.json';
/** The state file of the repository's `npm run demo`, which uses the same `.kue/redis` folder. */
const DEMO_STATE_FILE = 'demo-redis.json';

interface State {
  pid?: number;
  redisPid?: number;
  port?: number;
}

export interface DataDirLock {
  /** Records the redis-server now using the folder. */
  record(redisPid: number, port: number): void;
  /** Forgets this process's claim on the folder (only its own). */
  release(): void;
}

function readState(path: string): State | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/**
 * Claims `dir` (which must exist) for this process; throws a CliError saying what to do when
 * a redis-server recorded there is still running. `shownDir` names the folder in messages.
 */
export function lockDataDir(dir: string, shownDir: string): DataDirLock {
  const statePath = join(dir, STATE_FILE);
  const state = readState(statePath);
  if (state && isRedisOn(state.redisPid, state.port)) {
    if (state.pid !== process.pid && isAlive(state.pid)) {
      throw new CliError(
        `Another kue dev (pid ${state.pid}) is using ${shownDir} (Redis on port ${state.port}): ` +
          'stop it first, or run kue dev from another folder.',
      );
    }
    throw new CliError(
      `A redis-server (pid ${state.redisPid}, port ${state.port}) left running by an earlier kue dev still uses ${shownDir}: ` +
        `stop it (redis-cli -p ${state.port} shutdown) and run kue dev again.`,
    );
  }
  // Another kue dev that is still starting its redis-server has not recorded it yet.
  if (
    state &&
    state.redisPid === undefined &&
    state.pid !== process.pid &&
    isAlive(state.pid) &&
    /\bdev\b/.test(commandLine(state.pid))
  ) {
    throw new CliError(
      `Another kue dev (pid ${state.pid}) is starting in ${shownDir}: stop it first, or run kue dev from another folder.`,
    );
  }
  const demo = readState(join(dir, DEMO_STATE_FILE)) as { redisPid?: number; port?: number } | undefined;
  if (demo && isRedisOn(demo.redisPid, demo.port)) {
    throw new CliError(
      `npm run demo's redis-server (pid ${demo.redisPid}, port ${demo.port}) is using ${shownDir}: ` +
        'stop the demo first, or run kue dev from another folder.',
    );
  }

  const write = (next: State) => writeFileSync(statePath, `${JSON.stringify(next)}\n`);
  write({ pid: process.pid });
  return {
    record(redisPid, port) {
      write({ pid: process.pid, redisPid, port });
    },
    release() {
      if (readState(statePath)?.pid === process.pid) rmSync(statePath, { force: true });
    },
  };
}
