// No child outlives its queue: queue.shutdown() ends every thread and process of its pools,
// and a child process whose parent died exits, even in the middle of a CPU-bound job.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive, stopAfterTest } from '../support/children.js';
import { redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { fixture, settled, type Where } from './support.js';

/** OS threads of this process (Linux), to see worker threads come and go. */
const osThreads = () => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

describe('sandbox children and shutdown', () => {
  it('queue.shutdown() ends every child process, idle or running a job past the shutdown timeout', async () => {
    const prefix = uniquePrefix('shutdown');
    const queue = testQueue({ prefix });
    queue.process('b', 3, fixture('behaviours.cjs'), { isolation: 'process' });
    const quick = await queue.saveAll([1, 2].map(() => queue.create('b', { do: 'sleep', ms: 100 })));
    const stuck = await queue.create('b', { do: 'ignore-abort' }).save();
    const done = await settled(queue, quick);
    await waitFor(async () => (await queue.log(stuck.id!)).length > 0, 5_000, 'the stuck job to start');
    const stuckPid = Number((await queue.log(stuck.id!))[0]!.split(' ')[1]);
    const pids = [...done.map((j) => (j.result as Where).pid), stuckPid];
    expect(pids.every(isAlive)).toBe(true);
    await queue.shutdown(200);
    expect(pids.filter(isAlive)).toEqual([]);
    const after = testQueue({ prefix });
    expect((await after.getJob(stuck.id!)).toJSON().error).toBe('Shutdown');
  });

  it.runIf(existsSync('/proc/self/status'))('queue.shutdown() ends every worker thread', async () => {
    const queue = testQueue();
    await queue.inactiveCount();
    const before = osThreads();
    queue.process('b', 3, fixture('behaviours.cjs'));
    const jobs = await queue.saveAll([1, 2, 3].map(() => queue.create('b', { do: 'sleep', ms: 100 })));
    await settled(queue, jobs);
    expect(osThreads()).toBeGreaterThanOrEqual(before + 3);
    await queue.shutdown(200);
    expect(osThreads()).toBeLessThanOrEqual(before);
  });

  it('child processes exit when their parent is SIGKILLed, the busy one (a CPU-bound job) within about a second', async () => {
    const prefix = uniquePrefix('orphans');
    const queue = testQueue({ prefix });
    const parent = spawn(process.execPath, [fileURLToPath(fixture('parent.mjs'))], {
      env: { ...process.env, KUE_REDIS_PORT: String(redisPort), KUE_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    stopAfterTest(parent);
    await new Promise<void>((resolve) => parent.stdout.on('data', (d: Buffer) => d.includes('ready') && resolve()));
    const idle = await queue.create('b', { do: 'sleep', ms: 1 }).save();
    const [idleDone] = await settled(queue, [idle]);
    const spinning = await queue.create('b', { do: 'log-then-spin', ms: 60_000 }).save();
    await waitFor(async () => (await queue.log(spinning.id!)).length > 0, 5_000, 'the spinning job to start');
    const busyPid = Number((await queue.log(spinning.id!))[0]!.split(' ')[1]);
    const idlePid = (idleDone!.result as Where).pid;
    expect([busyPid, idlePid].every(isAlive)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor(() => !isAlive(idlePid) && !isAlive(busyPid), 3_000, 'the orphaned children to exit');
  });
});
