// Child processes a test file starts, stopped after each test: each by its own handle, and
// the redis-servers they started by the pids they printed. Nothing else is ever signalled.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';

const started = new Set<ChildProcess>();
const redisPids = new Set<number>();

/** SIGKILLs `child` after the current test if it is still running. */
export function stopAfterTest<T extends ChildProcess>(child: T): T {
  started.add(child);
  return child;
}

/** A redis-server a child started (a SIGKILLed `kue dev` leaves its own behind). */
export function stopRedisAfterTest(pid: number): void {
  redisPids.add(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  await Promise.all(
    [...started].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }),
  );
  started.clear();
  for (const pid of redisPids) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // gone already (or no /proc: the pid is still the one the child printed)
      cmd = isAlive(pid) ? 'redis-server' : '';
    }
    // The pid may have been reused by now: only a redis-server is stopped.
    if (cmd.includes('redis-server')) process.kill(pid, 'SIGKILL');
  }
  redisPids.clear();
});
