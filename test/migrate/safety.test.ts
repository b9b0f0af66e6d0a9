// What a migration from Kue 0.11 refuses, skips and leaves alone: a foreign job under a
// needed id (refused, nothing written), a dry run (nothing written), a hash whose data is not
// JSON (skipped, kept), a job a Kue 0.11 producer is still writing (picked up by the next
// run), index entries of jobs that no longer exist; and the API's promise and callback forms.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MigrationRefusedError, type Kue011MigrationReport } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix } from '../support/setup.js';
import { kue011Member, writeKue011Jobs, type Kue011Hash } from './kue011.js';

/** Every key of the Kue 0.11 prefix and of the queue, DUMPed: equal snapshots, equal data. */
async function snapshot(redis: Redis, prefix: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const pattern of [`${prefix}:*`, `{${prefix}}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) out[key] = (await redis.dumpBuffer(key))?.toString('base64') ?? null;
    } while (cursor !== '0');
  }
  return out;
}

const noneMoved = { inactive: 0, delayed: 0, active: 0, complete: 0, failed: 0 };

function someJobs(now: number): Kue011Hash[] {
  return [
    { id: 1, type: 'email', state: 'inactive', priority: -10 },
    { id: 2, type: 'email', state: 'inactive' },
    { id: 3, type: 'sms', state: 'delayed', fields: { delay: '60000', promote_at: String(now + 60_000) } },
    { id: 4, type: 'sms', state: 'complete', fields: { result: '{"sent":true}', duration: '7' } },
    { id: 5, type: 'email', state: 'failed', fields: { error: 'Error: no route\n    at send', attempts: '1' } },
  ];
}

describe('a migration from Kue 0.11', () => {
  it('refuses, writing nothing, when the queue already holds another job under an id it needs', async () => {
    const prefix = uniquePrefix('mref');
    const redis = redisClient();
    const queue = testQueue({ prefix, maintenance: false });
    // Jobs of this package's, saved first: ids 1 and 2 are taken.
    await queue.create('mine', { mine: 1 }).save();
    await queue.create('mine', { mine: 2 }).save();
    await writeKue011Jobs(redis, prefix, someJobs(Date.now()));
    const before = await snapshot(redis, prefix);

    const err = await queue.admin.migrateFromKue011({ from: prefix }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationRefusedError);
    expect(err).toMatchObject({ code: 'MIGRATION_REFUSED', ids: [1, 2] });
    expect((err as Error).message).toMatch(/already holds other jobs under ids the Kue 0\.11 jobs keep \(1, 2\)/);
    expect((err as Error).message).toMatch(/Nothing was written/);
    expect(await snapshot(redis, prefix)).toEqual(before);

    // A dry run says so, and writes nothing either.
    const dry = await queue.admin.migrateFromKue011({ from: prefix, dryRun: true });
    expect(dry.conflicts).toEqual([1, 2]);
    expect(await snapshot(redis, prefix)).toEqual(before);
  });

  it('in a dry run reports per state and type what would move, and changes nothing', async () => {
    const prefix = uniquePrefix('mdry');
    const redis = redisClient();
    await writeKue011Jobs(redis, prefix, someJobs(Date.now()));
    await redis.rpush(`${prefix}:job:1:log`, 'a line');
    const before = await snapshot(redis, prefix);
    const queue = testQueue({ prefix, maintenance: false });

    const report = await queue.admin.migrateFromKue011({ from: prefix, dryRun: true });
    expect(report).toMatchObject({
      dryRun: true,
      moved: { inactive: 2, delayed: 1, active: 0, complete: 1, failed: 1 },
      movedByType: { email: { inactive: 2, failed: 1 }, sms: { delayed: 1, complete: 1 } },
      skipped: [],
      nextId: 6,
      left: 5,
    });
    expect(await snapshot(redis, prefix)).toEqual(before);
  });

  it('skips a hash whose data is not JSON with its reason, keeps it, and moves the rest', async () => {
    const prefix = uniquePrefix('mbad');
    const redis = redisClient();
    const jobs = someJobs(Date.now());
    jobs.push({ id: 6, type: 'email', state: 'inactive', data: '{"to": "a@b", oops' });
    jobs.push({ id: 7, type: 'email', state: 'complete', fields: { result: 'not json' } });
    await writeKue011Jobs(redis, prefix, jobs);
    const queue = testQueue({ prefix, maintenance: false });

    const report = await queue.admin.migrateFromKue011({ from: prefix });
    expect(report.moved).toEqual({ inactive: 2, delayed: 1, active: 0, complete: 1, failed: 1 });
    expect(report.skipped).toEqual([
      { id: 6, state: 'inactive', type: 'email', reason: 'data is not JSON' },
      { id: 7, state: 'complete', type: 'email', reason: 'result is not JSON' },
    ]);
    expect(report.left).toBe(2);
    // Kept as Kue 0.11 wrote them, still indexed, and never in the new layout.
    expect(await redis.hget(`${prefix}:job:6`, 'data')).toBe('{"to": "a@b", oops');
    expect(await redis.zscore(`${prefix}:jobs:email:inactive`, kue011Member(6))).toBe('0');
    await expect(queue.getJob(6)).rejects.toThrow(/does not exist/);
    // kue check finds the moved jobs consistent, and points at what is left.
    const check = await queue.admin.check();
    expect(check.states).toEqual({ inactive: 2, delayed: 1, active: 0, complete: 1, failed: 1, waiting: 0 });
    expect(check.findings).toMatchObject([{ code: 'kue011-queue', key: `${prefix}:jobs` }]);
    expect(check.findings[0]!.message).toMatch(/2 jobs of a queue Kue 0\.11 wrote.*kue migrate --from '/);
    // ...and ids continue above them all the same.
    expect((await queue.create('email', {}).save()).id).toBe(8);

    // Running it again skips them again and changes nothing else.
    const before = await snapshot(redis, prefix);
    const again = await queue.admin.migrateFromKue011({ from: prefix });
    expect(again.skipped.map((s) => s.id)).toEqual([6, 7]);
    expect(again.moved).toEqual(noneMoved);
    expect(await snapshot(redis, prefix)).toEqual(before);
  });

  it('leaves a job a Kue 0.11 producer is still writing, and a later run moves it with jobs saved since', async () => {
    const prefix = uniquePrefix('mlive');
    const redis = redisClient();
    await writeKue011Jobs(redis, prefix, someJobs(Date.now()));
    // Kue 0.11's save indexes the job in q:jobs before it writes its state (last).
    await redis.hset(`${prefix}:job:6`, { max_attempts: '1', type: 'email', created_at: '1', priority: '0' });
    await redis.zadd(`${prefix}:jobs`, 0, kue011Member(6));
    await redis.set(`${prefix}:ids`, 6);
    const queue = testQueue({ prefix, maintenance: false });

    const first = await queue.admin.migrateFromKue011({ from: prefix });
    expect(first.skipped).toEqual([
      { id: 6, state: '', type: 'email', reason: 'no state yet: a Kue 0.11 producer may be writing it (run again)' },
    ]);

    // The producer finishes that save, and saves another job.
    await redis.hset(`${prefix}:job:6`, { data: '{"late":true}', state: 'inactive' });
    await redis.zadd(`${prefix}:jobs:inactive`, 0, kue011Member(6));
    await writeKue011Jobs(redis, prefix, [{ id: 7, type: 'sms', state: 'inactive' }]);

    const second = await queue.admin.migrateFromKue011({ from: prefix });
    expect(second).toMatchObject({ moved: { ...noneMoved, inactive: 2 }, skipped: [], left: 0, nextId: 8 });
    expect((await queue.getJob(6)).data).toEqual({ late: true });
    await expectConsistent(queue, { inactive: 4, delayed: 1, complete: 1, failed: 1 });
  });

  it('removes Kue 0.11 index entries of jobs that no longer exist, and keeps ids above its counter', async () => {
    const prefix = uniquePrefix('mdang');
    const redis = redisClient();
    await writeKue011Jobs(redis, prefix, someJobs(Date.now()));
    // Kue 0.11 removed jobs 6..40 (its counter stays) and left an entry of job 9 behind.
    await redis.set(`${prefix}:ids`, 40);
    await redis.zadd(`${prefix}:jobs:email:inactive`, 0, kue011Member(9));
    const queue = testQueue({ prefix, maintenance: false });

    const report = await queue.admin.migrateFromKue011({ from: prefix });
    expect(report).toMatchObject({ dangling: 1, left: 0, nextId: 41 });
    expect(await redis.exists(`${prefix}:jobs:email:inactive`)).toBe(0);
    expect((await queue.create('email', {}).save()).id).toBe(41);
  });

  it('leaves reserved ids to Kue 0.11 producers still saving: the next run moves their jobs without a conflict', async () => {
    const prefix = uniquePrefix('mres');
    const redis = redisClient();
    await writeKue011Jobs(redis, prefix, someJobs(Date.now()));
    const queue = testQueue({ prefix, maintenance: false });
    const first = await queue.admin.migrateFromKue011({ from: prefix, reserveIds: 1_000 });
    expect(first.nextId).toBe(1_006);
    // Both kinds of producers save at once: Kue 0.11 from its counter, this package above it.
    expect((await queue.create('email', { mine: true }).save()).id).toBe(1_006);
    await writeKue011Jobs(redis, prefix, [{ id: 6, type: 'email', state: 'inactive' }]);
    const second = await queue.admin.migrateFromKue011({ from: prefix });
    expect(second).toMatchObject({ moved: { ...noneMoved, inactive: 1 }, conflicts: [], nextId: 1_007 });
    await expectConsistent(queue, { inactive: 4, delayed: 1, complete: 1, failed: 1 });
  });

  it('answers a callback as well as a promise, and checks its options', async () => {
    const prefix = uniquePrefix('mcb');
    await writeKue011Jobs(redisClient(), prefix, someJobs(Date.now()));
    const queue = testQueue({ prefix, maintenance: false });
    const progress: number[] = [];
    const report = await new Promise<Kue011MigrationReport | undefined>((resolve, reject) => {
      void queue.admin.migrateFromKue011({ from: prefix, onProgress: (p) => progress.push(p.handled) }, (err, value) =>
        err ? reject(err) : resolve(value),
      );
    });
    expect(report?.moved.inactive).toBe(2);
    expect(progress.length).toBeGreaterThan(0);

    const bad = (options: unknown) => queue.admin.migrateFromKue011(options as never);
    await expect(bad(undefined)).rejects.toThrow(/needs options \{from/);
    await expect(bad({})).rejects.toThrow(/from must be the Kue 0\.11 prefix/);
    await expect(bad({ from: 'q', dryrun: true })).rejects.toThrow(/unknown option "dryrun"/);
    await expect(bad({ from: 'q', functionBackoff: -1 })).rejects.toThrow(
      /functionBackoff must be a number of milliseconds/,
    );
    const viaCallback = await new Promise<Error | null>((resolve) => {
      void queue.admin.migrateFromKue011({ from: '' }, (err) => resolve(err)).catch(() => undefined);
    });
    expect(viaCallback).toBeInstanceOf(TypeError);
  });

  it('replaces a stored backoff function by the strategy or delay given, never running it', async () => {
    const prefix = uniquePrefix('mfn');
    const redis = redisClient();
    const source = 'function (attempts, delay) { throw new Error("must never run") }';
    await writeKue011Jobs(redis, prefix, [
      { id: 1, type: 'a', state: 'inactive', fields: { backoff: source, max_attempts: '3' } },
      { id: 2, type: 'a', state: 'inactive', fields: { backoff: 'true', delay: '250' } },
    ]);
    const queue = testQueue({ prefix, maintenance: false });
    const report = await queue.admin.migrateFromKue011({ from: prefix, functionBackoff: 'linear' });
    expect(report.backoffsReplaced).toBe(1);
    expect((await queue.getJob(1)).toJSON().backoff).toEqual({ type: 'linear' });
    expect((await queue.getJob(2)).toJSON()).toMatchObject({ backoff: { type: 'fixed' }, delay: 250 });

    const prefix2 = uniquePrefix('mfn');
    await writeKue011Jobs(redis, prefix2, [{ id: 1, type: 'a', state: 'failed', fields: { backoff: source } }]);
    const queue2 = testQueue({ prefix: prefix2, maintenance: false });
    await queue2.admin.migrateFromKue011({ from: prefix2, functionBackoff: 30_000 });
    expect((await queue2.getJob(1)).toJSON().backoff).toEqual({ type: 'fixed', delay: 30_000 });
  });
});
