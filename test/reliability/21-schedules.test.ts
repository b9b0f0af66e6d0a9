// Issue 16's hard test: exactly one job per due time. Five processes declare the same
// schedules at the same instant while three worker processes run an `every: 500` schedule for
// 20 s; one worker is SIGKILLed, and redis-server is SIGKILLed and restarted from its
// append-only file (fsync always) mid-way. Every due time of every schedule has exactly one
// job, and none is skipped between the first and the last, outage included: a due time that
// passed while Redis was down is less than `scheduleMissedAfter` (10 s) late once it is back,
// so it still gets its run whatever the `missed` policy.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { expectConsistent } from '../support/check.js';
import { stopAfterTest } from '../support/children.js';
import { redisPort, testQueue, uniquePrefix } from '../support/setup.js';
import { startWorker, type WorkerProcess } from '../process/worker-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const schedulerScript = fileURLToPath(new URL('../process/fixtures/scheduler.mjs', import.meta.url));

const SCHEDULES: Array<[string, object, string, number]> = [
  // id, rule, job type, period (ms)
  ['beat', { every: 500, missed: 'all' }, 'beat', 500],
  ['tick', { every: 700 }, 'tick', 700],
  ['seconds', { cron: '*/2 * * * * *', tz: 'Europe/Berlin', overlap: 'allow' }, 'seconds', 2_000],
];

let server: RedisProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * Starts scheduler.mjs: declares SCHEDULES at `at`, then keeps firing like any process.
 * `declared` resolves with the creation times of the schedules its upserts answered.
 */
async function startScheduler(
  port: number,
  prefix: string,
  at: number,
): Promise<{ child: ChildProcess; declared: Promise<string> }> {
  const child = stopAfterTest(
    spawn(process.execPath, [schedulerScript], {
      env: {
        ...process.env,
        KUE_REDIS_PORT: String(port),
        KUE_PREFIX: prefix,
        KUE_AT: String(at),
        KUE_SCHEDULES: JSON.stringify(SCHEDULES.map(([id, rule, type]) => [id, rule, type])),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  let declared: (line: string) => void = () => undefined;
  const declaredLine = new Promise<string>((resolve) => (declared = resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('scheduler did not start')), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
      const line = /^declared (.*)$/m.exec(out);
      if (line) declared(line[1]!);
    });
  });
  return { child, declared: declaredLine };
}

/** Every job of the queue's id range with the schedule it was made for: [schedule, due]. */
async function scheduledRuns(port: number, prefix: string): Promise<Array<[string, number]>> {
  const redis = new Redis({ port, host: '127.0.0.1' });
  try {
    const last = Number(await redis.get(`{${prefix}}:ids`));
    const pipeline = redis.pipeline();
    for (let id = 1; id <= last; id++) pipeline.hmget(`{${prefix}}:job:${id}`, 'schedule_id', 'schedule_due');
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([, fields]) => {
      const [schedule, due] = fields as [string | null, string | null];
      return schedule ? [[schedule, Number(due)] as [string, number]] : [];
    });
  } finally {
    redis.disconnect();
  }
}

describe('schedules under process and Redis crashes', () => {
  it(
    'five processes declaring at once, three workers, one SIGKILLed, Redis SIGKILLed and restarted from its AOF: every due time has exactly one job',
    { timeout: 120_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'kue-schedules-'));
      server = await startRedis({ dir, persist: true, args: ['--appendfsync', 'always', '--save', ''] });
      const port = server.port;
      const prefix = uniquePrefix('sched');

      const workers: WorkerProcess[] = [];
      for (let i = 0; i < 3; i++) {
        workers.push(
          await startWorker({
            KUE_REDIS_PORT: port,
            KUE_RECORD_PORT: redisPort,
            KUE_PREFIX: prefix,
            KUE_TYPE: 'beat',
            KUE_CONCURRENCY: 4,
            KUE_WORK_MS: 50,
            KUE_LOCK_DURATION: 2_000,
          }),
        );
      }
      const at = Date.now() + 1_500;
      const schedulers = await Promise.all([0, 1, 2, 3, 4].map(() => startScheduler(port, prefix, at)));
      const started = Date.now();
      // Declared at the same instant by five processes: each schedule made once (one creation
      // time for all five; the grids below show one next run at a time).
      const declared = await Promise.all(schedulers.map((s) => s.declared));
      expect(new Set(declared).size, declared.join(' / ')).toBe(1);

      await sleep(at - Date.now() + 6_000);
      workers[0]!.child.kill('SIGKILL');
      await workers[0]!.exited;

      await sleep(4_000);
      const killed = server.exited;
      server.process.kill('SIGKILL');
      await killed;
      const downAt = Date.now();
      await sleep(1_500);
      server = await startRedis({ port, dir, persist: true, args: ['--appendfsync', 'always', '--save', ''] });
      const upAt = Date.now();

      await sleep(Math.max(0, started + 21_500 - Date.now()));
      // Stop every process of the queue: no schedule fires after this.
      await Promise.all(
        [...schedulers.map((s) => s.child), ...workers.slice(1).map((w) => w.child)].map(async (child) => {
          const gone = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await gone;
        }),
      );

      const runs = await scheduledRuns(port, prefix);
      const queue = testQueue({ prefix, redis: { port }, maintenance: false });
      const listed = await queue.schedules();
      expect(listed.map((s) => s.id).sort()).toEqual(['beat', 'seconds', 'tick']);
      const report: string[] = [];
      for (const [id, , , period] of SCHEDULES) {
        const dues = runs.filter(([s]) => s === id).map(([, due]) => due);
        const sorted = [...dues].sort((a, b) => a - b);
        // Exactly one job per due time...
        expect(new Set(dues).size, `${id}: a due time with two jobs`).toBe(dues.length);
        // ...and no due time skipped from the first to the last, the outage included.
        const gaps = sorted.slice(1).filter((d, i) => d - sorted[i]! !== period);
        expect(gaps, `${id}: due times skipped before ${gaps.join(', ')}`).toEqual([]);
        // None skipped at the start either (the first run is the first due time after the
        // schedule was made), and the processes kept firing until they were stopped.
        const schedule = listed.find((s) => s.id === id)!;
        expect(sorted[0]! - schedule.createdAt.getTime(), id).toBeLessThanOrEqual(period);
        // (3 s of slack: a process of a loaded CI machine may sweep late, never twice.)
        expect(sorted.at(-1)!, id).toBeGreaterThan(started + 21_500 - period - 3_000);
        expect(schedule.runs, id).toBe(dues.length);
        report.push(`${id}: ${dues.length} runs`);
      }
      const outage = runs.filter(([s, due]) => s === 'beat' && due >= downAt && due <= upAt).length;
      console.log(`${report.join(', ')}; beat due times while Redis was down: ${outage}, each with one job`);
      expect(outage).toBeGreaterThanOrEqual(2);
      // The workers ran the runs as ordinary jobs (retried after the SIGKILL, like any job).
      expect(await queue.completeCount('beat')).toBeGreaterThan(30);
      await expectConsistent(queue);
    },
  );
});
