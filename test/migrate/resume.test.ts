// `kue migrate` SIGKILLed in the middle of a run, then run again: every job ends in the new
// layout exactly once, with its log, and a run after a complete one changes nothing. Uses the
// BUILT executable (dist/cli.js): run `npx tsup` after changing src/. On a redis-server of its
// own: see test/support/own-redis.ts.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keyBase, Keys, PRESENT_SPAN } from '../../src/store/keys.js';
import { expectConsistent } from '../support/check.js';
import { ownRedis } from '../support/own-redis.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { kue011Member, runCli, startCli, writeKue011Jobs, type Kue011Hash } from './kue011.js';

const JOBS = 30_000;
const server = ownRedis();

/** For each id 1..JOBS: whether Kue 0.11's index lists it, and whether the new layout holds it. */
async function whereIs(redis: Redis, from: string, keys: Keys): Promise<Array<{ old: boolean; moved: boolean }>> {
  const out: Array<{ old: boolean; moved: boolean }> = [];
  for (let first = 1; first <= JOBS; first += 5_000) {
    const pipeline = redis.pipeline();
    const last = Math.min(JOBS, first + 4_999);
    for (let id = first; id <= last; id++) {
      pipeline.zscore(`${from}:jobs`, kue011Member(id));
      pipeline.getbit(keys.present(Math.floor(id / PRESENT_SPAN)), id % PRESENT_SPAN);
    }
    const replies = (await pipeline.exec())!;
    for (let i = 0; i < replies.length; i += 2)
      out.push({ old: replies[i]![1] !== null, moved: replies[i + 1]![1] === 1 });
  }
  return out;
}

async function logLengths(redis: Redis, logKey: (id: number) => string): Promise<number[]> {
  const pipeline = redis.pipeline();
  for (let id = 10; id <= JOBS; id += 10) pipeline.llen(logKey(id));
  return (await pipeline.exec())!.map(([, n]) => n as number);
}

const spellings = [
  { name: 'Kue 0.11 keys q:…', from: (prefix: string) => prefix },
  { name: 'Kue 0.11 keys {q}:…, the names of the new layout', from: (prefix: string) => `{${prefix}}` },
];

describe.each(spellings)('kue migrate SIGKILLed mid-way ($name)', ({ from: spell }) => {
  it('run again, loses and doubles no job; a third run changes nothing', async () => {
    const prefix = uniquePrefix('mkill');
    const from = spell(prefix);
    const redis = redisClient(server.port);
    const keys = new Keys(keyBase(prefix));
    const jobs: Kue011Hash[] = [];
    for (let id = 1; id <= JOBS; id++) {
      const state = id % 7 === 0 ? 'complete' : id % 11 === 0 ? 'failed' : 'inactive';
      jobs.push({ id, type: id % 2 ? 'email' : 'sms', state, priority: id % 5 === 0 ? -10 : 0 });
    }
    await writeKue011Jobs(redis, from, jobs);
    const logs = redis.pipeline();
    for (let id = 10; id <= JOBS; id += 10) logs.rpush(`${from}:job:${id}:log`, `first ${id}`, `second ${id}`);
    await logs.exec();

    const args = ['migrate', '--from', from, '-q', prefix, '-r', server.url];
    const first = startCli(args);
    await waitFor(async () => (await redis.zcard(keys.state('inactive', 'email'))) >= 2_000, 30_000, 'moves to begin');
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // Killed between two scripts: each job is in exactly one layout.
    const midway = await whereIs(redis, from, keys);
    const moved = midway.filter((w) => w.moved).length;
    expect(moved).toBeGreaterThan(0);
    expect(moved, 'the run was not cut short: it finished before the kill').toBeLessThan(JOBS);
    expect(midway.filter((w) => w.old === w.moved)).toEqual([]);

    const second = await runCli([...args, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout) as { moved: Record<string, number>; left: number; skipped: unknown[] };
    expect(Object.values(report.moved).reduce((a, b) => a + b, 0)).toBe(JOBS - moved);
    expect(report).toMatchObject({ left: 0, skipped: [] });

    const after = await whereIs(redis, from, keys);
    expect(after.every((w) => w.moved && !w.old)).toBe(true);
    expect(await logLengths(redis, (id) => keys.log(id))).toEqual(Array(JOBS / 10).fill(2));
    if (from !== keys.base)
      expect(await logLengths(redis, (id) => `${from}:job:${id}:log`)).toEqual(Array(JOBS / 10).fill(0));

    const queue = testQueue({ prefix, redis: { port: server.port }, maintenance: false });
    const complete = Math.floor(JOBS / 7);
    const failed = Math.floor(JOBS / 11) - Math.floor(JOBS / 77);
    await expectConsistent(queue, { inactive: JOBS - complete - failed, complete, failed });
    for (const id of [1, 10, 77, 12_345, JOBS]) {
      const job = await queue.getJob(id);
      expect(job.data).toEqual({ n: id });
      if (id % 10 === 0) expect(await queue.log(id)).toEqual([`first ${id}`, `second ${id}`]);
    }

    const before = await redis.dump(keys.ids);
    const third = await runCli([...args, '--json']);
    expect(third.code, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({
      moved: { inactive: 0, delayed: 0, active: 0, complete: 0, failed: 0 },
      alreadyMoved: 0,
      dangling: 0,
    });
    expect(await redis.dump(keys.ids)).toEqual(before);
    await expectConsistent(queue, { inactive: JOBS - complete - failed, complete, failed });
  }, 120_000);
});
