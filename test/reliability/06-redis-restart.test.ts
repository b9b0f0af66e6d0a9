// Issue 5, scenario 6: Redis restarted WITHOUT persistence. Everything in it is gone, ids
// start again at 1, and clients must simply carry on: the queue, an in-process worker, a
// worker process and the event subscribers reconnect; jobs saved after the restart run and
// their events arrive; results of jobs from before the restart are refused, never applied to
// the new jobs that reuse their ids; the outage reaches queue.on('error') as a few distinct
// errors, not a flood. The worker process keeps its records on the shared test Redis, which
// is not restarted.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { defaults } from '../../src/defaults.js';
import type { Job, Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OUTAGE_MS = 3_000;
const MAX_ERRORS = 10;

let server: RedisProcess | undefined;
let dir: string | undefined;
const ownQueues: Queue[] = [];
afterEach(async () => {
  await Promise.all(ownQueues.splice(0).map((q) => q.shutdown(500).catch(() => undefined)));
  await server?.stop();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Reported {
  at: number;
  message: string;
  code?: string;
  jobId?: number;
}

function recordErrors(queue: Queue): Reported[] {
  const list: Reported[] = [];
  queue.on('error', (err: Error & { code?: string; jobId?: number }) =>
    list.push({ at: Date.now(), message: err.message, code: err.code, jobId: err.jobId }),
  );
  return list;
}

/** The same message twice within the dedup window would be a flood in the making. */
function repeatsWithinWindow(errors: Reported[]): string[] {
  const last = new Map<string, number>();
  const repeats: string[] = [];
  for (const e of errors) {
    const prev = last.get(e.message);
    if (prev !== undefined && e.at - prev < defaults.errorRepeatWindow) repeats.push(e.message);
    last.set(e.message, e.at);
  }
  return repeats;
}

describe('Redis restarted without persistence', () => {
  it(
    'queue, workers and subscribers reconnect and keep working; stale results are refused; errors stay few',
    { timeout: 90_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'kue-restart-'));
      server = await startRedis({ dir }); // --save '' --appendonly no: a restart starts empty
      const port = server.port;
      const records = redisClient();
      const prefix = uniquePrefix('restart');
      const doneList = `${prefix}:test:done`;
      const lostList = `${prefix}:test:lost`;
      const startedList = `${prefix}:test:started`;

      // The producer and observer of events (no worker; its maintenance sweeps every 100 ms, so
      // the outage fails them again and again), and a queue with an in-process worker whose lock
      // outlives the test: no renewal can notice the restart before a stale report.
      const observer = testQueue({ prefix, redis: { port }, maintenanceInterval: 100 });
      const local = testQueue({ prefix, redis: { port }, lockDuration: 60_000 });
      ownQueues.push(observer, local);
      const observerErrors = recordErrors(observer);
      const localErrors = recordErrors(local);
      const completed: Array<{ id: number; result: unknown }> = [];
      observer.on('job complete', (id: number, result: unknown) => completed.push({ id, result }));
      const localCompleted: number[] = [];
      local.on('job complete', (id: number) => localCompleted.push(id));

      // 'local' jobs: {hold} waits for the test to release it by tag; others finish at once.
      const held = new Map<string, () => void>();
      local.process('local', 2, (job, done) => {
        const { tag, hold } = job.data as { tag: string; hold?: boolean };
        if (hold) held.set(tag, () => done(null, { tag }));
        else done(null, { tag });
      });
      const child = await startWorker({
        KUE_REDIS_PORT: port,
        KUE_RECORD_PORT: redisPort,
        KUE_PREFIX: prefix,
        KUE_TYPE: 'work',
        KUE_CONCURRENCY: 2,
        KUE_DONE_LIST: doneList,
        KUE_LOST_LIST: lostList,
        KUE_STARTED_LIST: startedList,
      });

      // Before: three quick jobs (1-3), then one held in-process (4) and one the worker process
      // is still running when Redis goes away (5).
      const save = async (type: string, data: object): Promise<Job> => observer.create(type, data).save();
      for (let i = 0; i < 3; i++) await save('work', { tag: 'old' });
      await waitFor(() => completed.length === 3, 10_000, 'the first three jobs to complete');
      const oldLocal = await save('local', { tag: 'old', hold: true });
      const oldWork = await save('work', { tag: 'old', work: 6_000 });
      expect([oldLocal.id, oldWork.id]).toEqual([4, 5]);
      await waitFor(() => held.has('old'), 5_000, 'the in-process worker to hold job 4');
      await waitFor(
        async () => (await records.lrange(startedList, 0, -1)).includes(`5:${child.pid}`),
        5_000,
        'the worker process to start job 5',
      );
      // Their Job objects in the observer still wait for job-level events.
      const staleEvents: string[] = [];
      for (const job of [oldLocal, oldWork]) {
        for (const event of ['enqueue', 'start', 'progress', 'failed attempt', 'failed', 'complete', 'remove']) {
          job.on(event, (...args: unknown[]) => staleEvents.push(`job ${job.id} ${event} ${JSON.stringify(args)}`));
        }
      }

      // Out for 3 s, back empty on the same port.
      const stoppedAt = Date.now();
      const gone = new Promise((r) => server!.process.once('exit', r));
      server.process.kill('SIGTERM');
      await gone;
      await sleep(OUTAGE_MS);
      server = await startRedis({ port, dir });
      const restartedAt = Date.now();

      // After: the same five ids again, now naming different jobs; 4 and 5 saved by the other
      // queue, as by another process, so the observer's old Job objects 4 and 5 stay as they
      // were. A save waits out its queue's reconnection (one during it may be refused: retry,
      // as a caller would).
      const freshResults = new Map<number, unknown>();
      const saveAgain = async (queue: Queue, type: string, data: object): Promise<Job> => {
        for (;;) {
          // Listening before the save: a quick job can complete before the save's reply.
          const job = queue.create(type, data).on('complete', (result: unknown) => freshResults.set(job.id!, result));
          try {
            return await job.save();
          } catch {
            await sleep(100);
          }
        }
      };
      const fresh: Job[] = [];
      for (let i = 0; i < 3; i++) fresh.push(await saveAgain(observer, 'work', { tag: 'new' }));
      fresh.push(await saveAgain(local, 'local', { tag: 'new', hold: true }));
      fresh.push(await saveAgain(local, 'work', { tag: 'new', work: 3_000 }));
      expect(fresh.map((j) => j.id)).toEqual([1, 2, 3, 4, 5]);
      const savedAgainAt = Date.now();

      // The in-process worker takes the new job 4 while it still runs the old one; the old
      // one's result must not complete the new one.
      await waitFor(() => held.has('new'), 10_000, 'the in-process worker to take the new job 4');
      held.get('old')!();
      await waitFor(
        () => localErrors.some((e) => e.code === 'LOCK_LOST' && e.jobId === 4),
        5_000,
        'the stale result of job 4 to be refused',
      );
      expect((await observer.getJob(4)).state()).toBe('active');
      held.get('new')!();

      await waitFor(async () => (await observer.completeCount()) === 5, 20_000, 'the five new jobs to complete');
      for (const id of [1, 2, 3, 4, 5]) {
        const job = await observer.getJob(id);
        expect(job.state()).toBe('complete');
        expect((job.result as { tag: string }).tag).toBe('new');
      }
      // Events of the new jobs reached both queues (their subscribers came back).
      await waitFor(
        () =>
          [1, 2, 3, 4, 5].every((id) =>
            completed.some((c) => c.id === id && (c.result as { tag: string }).tag === 'new'),
          ),
        5_000,
        "'job complete' of every new job",
      );
      expect(localCompleted.filter((id) => id === 4).length).toBeGreaterThanOrEqual(1);
      // Job-level events went to the new Job objects, and none to the old ones with those ids.
      await waitFor(() => freshResults.size === 5, 5_000, "'complete' on every new Job object");
      expect([...freshResults.values()].map((r) => (r as { tag: string }).tag)).toEqual([
        'new',
        'new',
        'new',
        'new',
        'new',
      ]);
      expect(staleEvents).toEqual([]);
      // The worker process ran the old job 5 to its end as well, and its result was refused.
      const childRuns = await records.lrange(doneList, 0, -1);
      expect(childRuns.filter((r) => r === `5:${child.pid}`).length).toBe(2);
      const childLost = await records.lrange(lostList, 0, -1);

      // A few more on the now-healthy queue, then the invariant checker.
      const more = await observer.saveAll(
        Array.from({ length: 20 }, (_, i) => observer.create(i % 2 ? 'work' : 'local', { tag: 'more' })),
      );
      await waitFor(async () => (await observer.completeCount()) === 25, 10_000, 'the last 20 jobs to complete');
      expect(more.map((j) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 6));
      await expectConsistent(observer, { complete: 25 });

      const outage = (list: Reported[]) => list.filter((e) => e.at >= stoppedAt && e.code !== 'LOCK_LOST');
      const childErrors = child
        .stderr()
        .split('\n')
        .filter((l) => l.includes('kue error'));
      console.log(
        `redis restart without persistence: outage ${restartedAt - stoppedAt} ms, new jobs saved ${savedAgainAt - restartedAt} ms after the restart; ` +
          `errors during and after the outage: observer ${outage(observerErrors).length}, in-process worker queue ${outage(localErrors).length}, ` +
          `worker process ${childErrors.length}; stale results refused: in-process ${localErrors.filter((e) => e.code === 'LOCK_LOST').length}, ` +
          `worker process ${childLost.length}`,
      );
      console.log(
        `  messages: ${JSON.stringify([...new Set([...outage(observerErrors), ...outage(localErrors)].map((e) => e.message))])}; worker process: ${JSON.stringify(childErrors)}`,
      );
      for (const list of [observerErrors, localErrors]) {
        expect(outage(list).length).toBeLessThanOrEqual(MAX_ERRORS);
        expect(repeatsWithinWindow(outage(list))).toEqual([]);
      }
      expect(childErrors.length).toBeLessThanOrEqual(MAX_ERRORS);
      expect(child.child.exitCode).toBeNull();
    },
  );
});
