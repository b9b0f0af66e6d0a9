// Issue 17, unique jobs: job.unique(key, {ttl, replace}) against a real Redis. While a job with
// the key waits, is delayed or runs, saving another resolves to it and makes nothing; a ttl
// holds the key whatever becomes of its job (throttle); replace rewrites a pending job
// (debounce) and never an active one.
import { describe, expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { nextEvent, redisClient, snapshotOf, testQueue, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The queue's keys and content, without the records of save calls (kept for the retry window). */
async function jobKeys(queue: Queue): Promise<Record<string, unknown>> {
  const all = await snapshotOf(redisClient(), queue.prefix);
  return Object.fromEntries(Object.entries(all).filter(([key]) => !key.includes('}:saved:')));
}

/** Processes `type` until `count` jobs ran; resolves with the data they ran with. */
function drain(queue: Queue, type: string, count: number): Promise<unknown[]> {
  const ran: unknown[] = [];
  return new Promise((resolve) =>
    queue.process(type, (job, done) => {
      ran.push(job.data);
      done();
      if (ran.length === count) resolve(ran);
    }),
  );
}

describe('a unique key held by a waiting, delayed or active job', () => {
  it('makes a second save resolve to the existing job: its id, duplicate true, nothing new written', async () => {
    const queue = testQueue();
    const first = await queue.create('sync', { user: 7 }).unique('sync:7').save();
    expect(first.duplicate).toBe(false);
    const before = await jobKeys(queue);
    const second = await queue.create('sync', { user: 7, again: true }).unique('sync:7').save();
    expect(second.id).toBe(first.id);
    expect(second.duplicate).toBe(true);
    expect(await jobKeys(queue)).toEqual(before);
    // The id counter is as before too: the next job takes the next id.
    const other = await queue.create('sync', { user: 8 }).save();
    expect(other.id).toBe(first.id! + 1);
    expect((await queue.getJob(first.id!)).data).toEqual({ user: 7 });
    await expectConsistent(queue, { inactive: 2 });
  });

  it('holds while the job is delayed and while it runs', async () => {
    const queue = testQueue();
    const delayed = await queue.create('later', {}).unique('d').delay(60_000).save();
    expect((await queue.create('later', {}).unique('d').save()).id).toBe(delayed.id);

    const started = nextEvent(queue, 'job start');
    let finish!: () => void;
    queue.process('busy', (_job, done) => {
      finish = done;
    });
    const running = await queue.create('busy', {}).unique('b').save();
    await started;
    const again = await queue.create('busy', {}).unique('b').save();
    expect(again).toMatchObject({ id: running.id, duplicate: true });
    finish();
    await waitFor(async () => (await queue.getJob(running.id!)).state() === 'complete');
    await expectConsistent(queue, { delayed: 1, complete: 1 });
  });

  it('works by callback too, and keys of different names or queues do not meet', async () => {
    const queue = testQueue();
    const other = testQueue();
    const a = await queue.create('t', {}).unique('k').save();
    const b = await new Promise<{ id?: number; duplicate?: boolean }>((resolve, reject) => {
      queue
        .create('t', {})
        .unique('k')
        .save((err, job) => (err ? reject(err) : resolve(job)));
    });
    expect(b).toMatchObject({ id: a.id, duplicate: true });
    expect((await queue.create('t', {}).unique('k2').save()).duplicate).toBe(false);
    expect((await other.create('t', {}).unique('k').save()).duplicate).toBe(false);
  });

  it('publishes no event for a duplicate, and the duplicate Job object gets the existing job’s events', async () => {
    const queue = testQueue();
    const events: string[] = [];
    queue.on('event', (e: { event: string; id: number }) => events.push(`${e.event} ${e.id}`));
    const first = await queue.create('t', {}).unique('k').save();
    await waitFor(() => events.length === 1);
    // Made in another process: this one has no Job object for it yet.
    const other = testQueue({ prefix: queue.prefix });
    const dup = await other.create('t', {}).unique('k').save();
    expect(dup.duplicate).toBe(true);
    const completed = nextEvent(dup, 'complete');
    drain(queue, 't', 1).catch(() => undefined);
    await completed;
    await waitFor(() => events.includes(`complete ${first.id}`));
    expect(events).toEqual([`enqueue ${first.id}`, `start ${first.id}`, `complete ${first.id}`]);
  });
});

describe('a unique key without a ttl', () => {
  it('is freed when its job completes, fails for good or is removed, not by a failed attempt that retries', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const key = (k: string) => `{${queue.prefix}}:unique:${k}`;

    const done = await queue.create('ok', {}).unique('ok').save();
    await drain(queue, 'ok', 1);
    await waitFor(async () => (await redis.exists(key('ok'))) === 0);
    expect((await queue.create('ok', {}).unique('ok').save()).id).not.toBe(done.id);

    let calls = 0;
    queue.process('bad', (_job, done_) => done_(new Error(`attempt ${++calls}`)));
    const failing = await queue.create('bad', {}).unique('bad').attempts(2).backoff({ delay: 300 }).save();
    await waitFor(() => calls === 1);
    await waitFor(async () => (await queue.getJob(failing.id!)).state() === 'delayed');
    expect(await redis.get(key('bad'))).toBe(String(failing.id));
    await waitFor(async () => (await queue.getJob(failing.id!)).state() === 'failed');
    expect(await redis.exists(key('bad'))).toBe(0);

    const removed = await queue.create('gone', {}).unique('gone').save();
    await removed.remove();
    expect(await redis.exists(key('gone'))).toBe(0);
    const moved = await queue.create('moved', {}).unique('moved').save();
    await moved.complete();
    expect(await redis.exists(key('moved'))).toBe(0);
    // The second 'ok' job ran too.
    await waitFor(async () => (await queue.completeCount()) === 3);
    await expectConsistent(queue, { complete: 3, failed: 1 });
  });

  it('never blocks a save when its job no longer exists or has finished', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const base = `{${queue.prefix}}`;
    const lost = await queue.create('t', {}).unique('lost').save();
    // A key left behind (written by hand here): its job is gone.
    await redis.del(`${base}:job:${lost.id}`);
    const fresh = await queue.create('t', {}).unique('lost').save();
    expect(fresh.duplicate).toBe(false);
    expect(await redis.get(`${base}:unique:lost`)).toBe(String(fresh.id));

    const finished = await queue.create('t', {}).unique('done').save();
    await redis.hset(`${base}:job:${finished.id}`, 'state', 'complete');
    expect((await queue.create('t', {}).unique('done').save()).duplicate).toBe(false);
  });
});

describe('a unique key with a ttl (throttle)', () => {
  it('holds that long after the first save whatever becomes of the job, then goes to the next save', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const first = await queue.create('digest', { n: 1 }).unique('digest:7', { ttl: 400 }).save();
    await drain(queue, 'digest', 1);
    await first.remove();
    const during = await queue.create('digest', { n: 2 }).unique('digest:7', { ttl: 400 }).save();
    expect(during).toMatchObject({ id: first.id, duplicate: true });
    const pttl = await redis.pttl(`{${queue.prefix}}:unique:digest:7`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(400);
    await sleep(pttl + 20);
    const after = await queue.create('digest', { n: 3 }).unique('digest:7', { ttl: 400 }).save();
    expect(after.duplicate).toBe(false);
    expect(after.id).toBeGreaterThan(first.id!);
    expect((await queue.getJob(after.id!)).unique()).toEqual({ key: 'digest:7', ttl: 400 });
  });

  it('is not freed when its job finishes before the ttl', async () => {
    const queue = testQueue();
    const job = await queue.create('t', {}).unique('k', { ttl: 60_000 }).save();
    await drain(queue, 't', 1);
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete');
    expect((await queue.create('t', {}).unique('k', { ttl: 60_000 }).save()).duplicate).toBe(true);
    await expectConsistent(queue, { complete: 1 });
  });
});

describe('replace (debounce)', () => {
  it('gives a waiting job the new data, search words and delay, keeping its id', async () => {
    const queue = testQueue({ disableSearch: false });
    const redis = redisClient();
    const job = await queue.create('reindex', { title: 'apple' }).unique('reindex:9', { replace: true }).save();
    const before = Date.now();
    const again = await queue
      .create('reindex', { title: 'banana' })
      .unique('reindex:9', { replace: true })
      .delay(5_000)
      .save();
    expect(again).toMatchObject({ id: job.id, duplicate: true });
    const stored = await queue.getJob(job.id!);
    expect(stored.data).toEqual({ title: 'banana' });
    expect(stored.state()).toBe('delayed');
    expect(stored.delay()).toBe(5_000);
    expect(stored.promote_at! - before).toBeGreaterThanOrEqual(4_900);
    expect(await queue.admin.search('banana')).toEqual([job.id]);
    expect(await queue.admin.search('apple')).toEqual([]);
    expect(
      await redis.zscore(`{${queue.prefix}}:delayed`, `${String(job.id).length.toString().padStart(2, '0')}|${job.id}`),
    ).not.toBeNull();

    // Delay 0: back to inactive now.
    await queue.create('reindex', { title: 'cherry' }).unique('reindex:9', { replace: true }).save();
    const now = await queue.getJob(job.id!);
    expect(now.state()).toBe('inactive');
    expect(now.delay()).toBe(0);
    expect(now.data).toEqual({ title: 'cherry' });
    await expectConsistent(queue, { inactive: 1 });
  });

  it('keeps a waiting job in its place in line and publishes nothing when it stays inactive', async () => {
    const queue = testQueue();
    const events: string[] = [];
    queue.on('event', (e: { event: string }) => events.push(e.event));
    const first = await queue.create('t', { v: 1 }).unique('a', { replace: true }).save();
    const second = await queue.create('t', { v: 1 }).save();
    await waitFor(() => events.length === 2);
    await queue.create('t', { v: 2 }).unique('a', { replace: true }).save();
    const ran = await drain(queue, 't', 2);
    expect(ran).toEqual([{ v: 2 }, { v: 1 }]);
    // The events come on the event stream's connection, the jobs on the worker's: wait for them.
    await waitFor(() => events.length >= 3);
    expect(events.slice(0, 3)).toEqual(['enqueue', 'enqueue', 'start']);
    expect(second.id).toBe(first.id! + 1);
  });

  it('a delayed job moves to its new due time, counted from the replacing save', async () => {
    const queue = testQueue();
    const dues: Array<[number, number]> = [];
    queue.on('job delayed', (id: number, due: number) => dues.push([id, due]));
    const job = await queue.create('t', {}).unique('d', { replace: true }).delay(200).save();
    await sleep(100);
    await queue.create('t', { last: true }).unique('d', { replace: true }).delay(200).save();
    await waitFor(() => dues.length === 2);
    expect(dues.map(([id]) => id)).toEqual([job.id, job.id]);
    expect(dues[1]![1] - dues[0]![1]).toBeGreaterThanOrEqual(90);
    const started = Date.now();
    const ran = await drain(queue, 't', 1);
    expect(ran).toEqual([{ last: true }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete');
    await expectConsistent(queue, { complete: 1 });
  });

  it('never touches a running job: the save makes a new job that takes the key over', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const seen: unknown[] = [];
    let finish!: () => void;
    queue.process('t', (job, done) => {
      seen.push(job.data);
      if (seen.length === 1) finish = done;
      else done();
    });
    const running = await queue.create('t', { v: 1 }).unique('k', { replace: true }).save();
    await waitFor(() => seen.length === 1);
    const next = await queue.create('t', { v: 2 }).unique('k', { replace: true }).delay(60_000).save();
    expect(next.duplicate).toBe(false);
    expect(next.id).not.toBe(running.id);
    expect((await queue.getJob(running.id!)).data).toEqual({ v: 1 });
    finish();
    await waitFor(async () => (await queue.getJob(running.id!)).state() === 'complete');
    // The running job's end did not free the key its successor holds.
    expect(await redis.get(`{${queue.prefix}}:unique:k`)).toBe(String(next.id));
    expect((await queue.create('t', { v: 3 }).unique('k').save()).id).toBe(next.id);
    await expectConsistent(queue, { complete: 1, delayed: 1 });
  });

  it("moves a grouped job in and out of its group's index, which the checker and take agree with", async () => {
    const queue = testQueue();
    const job = await queue.create('t', { v: 1 }).group('tenant-1').unique('g', { replace: true }).save();
    await queue.create('t', { v: 2 }).group('tenant-1').unique('g', { replace: true }).delay(60_000).save();
    await expectConsistent(queue, { delayed: 1 });
    await queue.create('t', { v: 3 }).group('tenant-1').unique('g', { replace: true }).save();
    await expectConsistent(queue, { inactive: 1 });
    expect(await drain(queue, 't', 1)).toEqual([{ v: 3 }]);
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete');
    await expectConsistent(queue, { complete: 1 });
  });

  it('with a ttl, each replacing save starts the ttl again', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const key = `{${queue.prefix}}:unique:r`;
    await queue.create('t', {}).unique('r', { replace: true, ttl: 1_000 }).delay(1_000).save();
    await sleep(300);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(700);
    await queue.create('t', {}).unique('r', { replace: true, ttl: 1_000 }).delay(1_000).save();
    expect(await redis.pttl(key)).toBeGreaterThan(900);
    // A plain duplicate does not.
    await queue.create('t', {}).unique('r', { ttl: 1_000 }).save();
    await sleep(200);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(800);
  });
});

describe('saveAll', () => {
  it('applies keys per job: a later job of one batch with the same key resolves to the first', async () => {
    const queue = testQueue();
    const jobs = await queue.saveAll([
      queue.create('t', { n: 1 }).unique('a'),
      queue.create('t', { n: 2 }).unique('a'),
      queue.create('t', { n: 3 }).unique('b'),
      queue.create('t', { n: 4 }),
    ]);
    expect(jobs.map((j) => j.duplicate)).toEqual([false, true, false, false]);
    expect(jobs[1]!.id).toBe(jobs[0]!.id);
    // Ids stay dense: no id was spent on the duplicate.
    expect([jobs[2]!.id! - jobs[0]!.id!, jobs[3]!.id! - jobs[0]!.id!]).toEqual([1, 2]);
    await expectConsistent(queue, { inactive: 3 });
  });

  it('with replace, the first job of the batch gets the data and delay of the last', async () => {
    const queue = testQueue();
    const jobs = await queue.saveAll([
      queue.create('t', { n: 1 }).unique('a', { replace: true }),
      queue.create('t', { n: 2 }).unique('a', { replace: true }).delay(60_000),
      queue.create('t', { n: 3 }).unique('a'),
    ]);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
    const stored = await queue.getJob(jobs[0]!.id!);
    expect(stored.data).toEqual({ n: 2 });
    expect(stored.state()).toBe('delayed');
    await expectConsistent(queue, { delayed: 1 });
  });

  it('single saves of one tick are one batch, and resolve the same way', async () => {
    const queue = testQueue();
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => queue.create('t', { i }).unique('tick', { replace: true }).save()),
    );
    expect(new Set(jobs.map((j) => j.id)).size).toBe(1);
    expect((await queue.getJob(jobs[0]!.id!)).data).toEqual({ i: 9 });
    await expectConsistent(queue, { inactive: 1 });
  });
});

describe('a duplicate Job object', () => {
  it('cannot write its data over the existing job: save() and update() reject, naming Job.get', async () => {
    const queue = testQueue();
    const first = await queue.create('t', { v: 1 }).unique('k').save();
    const dup = await queue.create('t', { v: 2 }).unique('k').save();
    await expect(Promise.resolve(dup.save())).rejects.toThrow(/not made by this Job object .* Job\.get\(\d+\)/);
    await expect(dup.priority('high').update()).rejects.toThrow(/not made by this Job object/);
    const stored = await queue.getJob(first.id!);
    expect(stored.data).toEqual({ v: 1 });
    expect(stored.priority()).toBe(0);
  });
});

describe('the job record', () => {
  it('shows its unique key in JSON, and the key cannot change once saved', async () => {
    const queue = testQueue();
    const job = await queue.create('t', {}).unique('k', { ttl: 5_000 }).save();
    const loaded = await queue.getJob(job.id!);
    expect(loaded.toJSON().unique).toEqual({ key: 'k', ttl: 5_000 });
    expect((await queue.create('t').save()).toJSON().unique).toBeNull();
    expect(() => loaded.unique('other')).toThrow(/cannot change/);
  });
});
