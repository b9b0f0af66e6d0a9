// Issue 5, scenario 14: retention. removeOnComplete / removeOnFail take true, a count of
// finished jobs to keep (per type) or an age; the trimming happens atomically as a job
// finishes, at most 100 deletions per finish, and deletes a job exactly as remove does.
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Job, type Queue, type QueueOptions } from '../../src/index.js';
import { keysOf, redisClient, testQueue, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asserts the queue holds exactly the jobs `kept` (ids), and no key, index entry or search
 * entry of any other job: nothing of a removed job is left behind.
 */
async function expectOnlyJobs(queue: Queue, kept: number[]): Promise<void> {
  const redis = redisClient();
  const base = `{${queue.prefix}}`;
  const keys = await keysOf(redis, queue.prefix);
  const idOf = (member: string) => Number(member.slice(3));
  const want = [...kept].sort((a, b) => a - b);
  const jobKeyIds = new Set<number>();
  for (const key of keys) {
    const rest = key.slice(base.length + 1);
    const job = /^job:(\d+)(?::log|:errors)?$/.exec(rest);
    if (job) {
      jobKeyIds.add(Number(job[1]));
      continue;
    }
    expect(rest, `unexpected key ${key}`).toMatch(
      /^(ids|types|stream|present|present:\d+|delayed|active|type:[^:]+:(inactive|delayed|active|complete|failed|wake)|stats:.+|search:.+|saved:.+)$/,
    );
    const type = await redis.type(key);
    if (type === 'zset' && rest !== 'present') {
      const ids = (await redis.zrange(key, 0, -1)).map(idOf);
      expect(
        ids.filter((id) => !kept.includes(id)),
        `ids in ${key} of jobs that should be gone`,
      ).toEqual([]);
    }
    if (rest.startsWith('search:')) {
      const ids = (await redis.smembers(key)).map(Number);
      expect(
        ids.filter((id) => !kept.includes(id)),
        `search entries in ${key} of jobs that should be gone`,
      ).toEqual([]);
    }
  }
  expect([...jobKeyIds].sort((a, b) => a - b)).toEqual(want);
  expect(
    (await queue.range(0, -1)).map((job) => job.id),
    'every job by id (the bitmaps of ids)',
  ).toEqual(want);
}

/** Processes jobs of `type` one at a time (so they finish in id order), failing when `fail` says so. */
function work(queue: Queue, type: string, fail: (job: Job) => boolean = () => false): void {
  queue.process(type, (job, done) => {
    job.log('ran');
    done(fail(job) ? new Error('boom') : null, { ok: true });
  });
}

/** Resolves once `count` jobs have emitted `event` (a queue-level event, e.g. 'job complete'). */
function counted(queue: Queue, event: string, count: number, timeoutMs = 20_000): Promise<void> {
  let seen = 0;
  queue.on(event, () => seen++);
  return waitFor(() => seen >= count, timeoutMs, `${count} "${event}" events`).then(() => undefined);
}

async function saveEach(queue: Queue, jobs: Job[]): Promise<number[]> {
  const ids: number[] = [];
  for (const job of jobs) ids.push((await job.save()).id!);
  return ids;
}

describe('removeOnComplete', () => {
  it('true deletes the job as it completes, as remove does, with a remove event', async () => {
    const queue = testQueue({ disableSearch: false });
    const removed: number[] = [];
    queue.on('job remove', (id: number) => removed.push(Number(id)));
    const kept = await queue.create('mail', { to: 'kept@example.com' }).save();
    const gone = await queue.create('mail', { to: 'gone@example.com' }).removeOnComplete(true).save();
    expect(gone.removeOnComplete()).toBe(true);
    expect(gone.toJSON().removeOnComplete).toBe(true);
    const done = counted(queue, 'job complete', 2);
    work(queue, 'mail');
    await done;
    await waitFor(() => removed.length === 1, 5_000, 'the remove event');
    expect(removed).toEqual([gone.id]);
    await expectOnlyJobs(queue, [kept.id!]);
    expect(await queue.admin.search('gone')).toEqual([]);
  });

  it('a count keeps exactly the newest N completed jobs of the type, and no other type is touched', async () => {
    const queue = testQueue({ disableSearch: false });
    const other = await saveEach(queue, [queue.create('report', { n: 'other' })]);
    const otherDone = counted(queue, 'job complete', 1);
    work(queue, 'report');
    await otherDone;
    const ids = await saveEach(
      queue,
      Array.from({ length: 8 }, (_, i) => queue.create('mail', { word: `w${i}` }).removeOnComplete(3)),
    );
    const done = counted(queue, 'job complete', 8);
    work(queue, 'mail');
    await done;
    await waitFor(async () => (await queue.completeCount('mail')) === 3, 5_000, 'the trimming');
    expect(await queue.complete('mail')).toEqual(ids.slice(-3));
    await expectOnlyJobs(queue, [...other, ...ids.slice(-3)]);
    expect((await queue.getJob(ids[7]!)).removeOnComplete()).toBe(3);
    expect(await queue.admin.search('w0')).toEqual([]);
    expect(await queue.admin.search('w7')).toEqual([ids[7]]);
  });

  it('an age removes only the completed jobs of the type older than it', async () => {
    const queue = testQueue();
    work(queue, 'mail');
    await saveEach(queue, [queue.create('mail'), queue.create('mail')]);
    await waitFor(async () => (await queue.completeCount('mail')) === 2, 10_000, 'the old jobs');
    await sleep(1_300);
    const recent = await saveEach(queue, [queue.create('mail')]);
    await waitFor(async () => (await queue.completeCount('mail')) === 3, 10_000, 'the recent job');
    const trimming = await saveEach(queue, [queue.create('mail').removeOnComplete({ age: 1 })]);
    await waitFor(async () => (await queue.completeCount('mail')) === 2, 10_000, 'the trimming');
    expect(await queue.complete('mail')).toEqual([...recent, ...trimming]);
    await expectOnlyJobs(queue, [...recent, ...trimming]);
    expect((await queue.getJob(trimming[0]!)).removeOnComplete()).toEqual({ age: 1 });
  });

  it('age and count together remove whichever is more', async () => {
    const queue = testQueue();
    work(queue, 'mail');
    await saveEach(
      queue,
      Array.from({ length: 3 }, () => queue.create('mail')),
    );
    await waitFor(async () => (await queue.completeCount('mail')) === 3, 10_000, 'the first jobs');
    await sleep(1_300);
    // The count keeps 2 of the 4 recent jobs, where the age alone would keep all 4.
    const recent = await saveEach(
      queue,
      Array.from({ length: 3 }, () => queue.create('mail')),
    );
    await waitFor(async () => (await queue.completeCount('mail')) === 6, 10_000, 'the recent jobs');
    const last = await saveEach(queue, [queue.create('mail').removeOnComplete({ age: 1, count: 2 })]);
    await waitFor(async () => (await queue.completeCount('mail')) === 2, 10_000, 'the trimming by count');
    await expectOnlyJobs(queue, [recent[2]!, last[0]!]);
    // Now the age removes more than a generous count.
    await sleep(1_300);
    const again = await saveEach(queue, [queue.create('mail').removeOnComplete({ age: 1, count: 100 })]);
    await waitFor(async () => (await queue.completeCount('mail')) === 1, 10_000, 'the trimming by age');
    await expectOnlyJobs(queue, again);
  });

  it(
    'deletes at most 100 jobs per completion: a backlog drains over the next completions',
    { timeout: 60_000 },
    async () => {
      const queue = testQueue();
      const backlog = Array.from({ length: 150 }, () => queue.create('bulk'));
      await queue.saveAll(backlog);
      queue.process('bulk', 10, (_job, done) => done());
      await waitFor(async () => (await queue.completeCount('bulk')) === 150, 30_000, 'the backlog');
      await queue.create('bulk').removeOnComplete(1).save();
      await waitFor(async () => (await queue.completeCount('bulk')) === 51, 10_000, 'the first 100 deletions');
      const last = await queue.create('bulk').removeOnComplete(1).save();
      await waitFor(async () => (await queue.completeCount('bulk')) === 1, 10_000, 'the rest');
      await expectOnlyJobs(queue, [last.id!]);
    },
  );
});

describe('removeOnFail', () => {
  it('true removes the job on its final failure only: retries remove nothing', async () => {
    const queue = testQueue();
    const events: string[] = [];
    for (const e of ['failed attempt', 'failed', 'remove']) queue.on(`job ${e}`, () => events.push(e));
    const job = await queue.create('flaky').attempts(3).removeOnFail(true).save();
    const seenAlive: boolean[] = [];
    queue.process('flaky', (j, done) => {
      // Every attempt finds the job still stored: the failed attempts before it removed nothing.
      void queue
        .getJob(j.id!)
        .then(
          () => seenAlive.push(true),
          () => seenAlive.push(false),
        )
        .then(() => done(new Error('boom')));
    });
    await waitFor(() => events.includes('remove'), 10_000, 'the removal');
    expect(events).toEqual(['failed attempt', 'failed attempt', 'failed', 'remove']);
    expect(seenAlive).toEqual([true, true, true]);
    await expectOnlyJobs(queue, []);
    await expect(queue.getJob(job.id!)).rejects.toThrow(String(job.id));
  });

  it('a count keeps the newest N failed jobs of the type, trimmed on final failures, never on retries', async () => {
    const queue = testQueue();
    const first = await queue.create('flaky').attempts(1).removeOnFail(1).save();
    const second = await queue.create('flaky').attempts(2).removeOnFail(1).save();
    let firstStillThereOnRetry: boolean | undefined;
    queue.process('flaky', (job, done) => {
      if (job.id === second.id && job.attempts().made === 1) {
        // The retry of `second` happened after `first` failed for good: the retry trimmed nothing.
        void queue
          .getJob(first.id!)
          .then(
            (j) => (firstStillThereOnRetry = j.state() === 'failed'),
            () => (firstStillThereOnRetry = false),
          )
          .then(() => done(new Error('boom')));
        return;
      }
      done(new Error('boom'));
    });
    await waitFor(
      async () => (await queue.getJob(second.id!).catch(() => null))?.state() === 'failed',
      10_000,
      'the final failure',
    );
    await waitFor(async () => (await queue.failedCount('flaky')) === 1, 5_000, 'the trimming');
    expect(firstStillThereOnRetry).toBe(true);
    expect(await queue.failed('flaky')).toEqual([second.id]);
    await expectOnlyJobs(queue, [second.id!]);
  });

  it('an age removes only the failed jobs older than it', async () => {
    const queue = testQueue();
    work(queue, 'flaky', () => true);
    await queue.create('flaky').save();
    await waitFor(async () => (await queue.failedCount('flaky')) === 1, 10_000, 'the old failure');
    await sleep(1_300);
    const recent = await queue.create('flaky').removeOnFail({ age: 1 }).save();
    await waitFor(async () => (await queue.failed('flaky')).join() === String(recent.id), 10_000, 'the trimming');
    await expectOnlyJobs(queue, [recent.id!]);
  });

  it('applies to a job that fails for good in stall recovery (its worker vanished)', async () => {
    const queue = testQueue({ maxStalls: 0, maintenanceInterval: 100 });
    const job = await queue.create('ghost').removeOnFail(true).save();
    const removed = new Promise((r) => queue.once('job remove', r));
    // A worker that takes the job and dies: its lock lapses without renewal.
    await queue.store.take({ type: 'ghost', count: 1, workerId: 'dead-worker', lockDuration: 200 });
    await removed;
    await expectOnlyJobs(queue, []);
    await expect(queue.getJob(job.id!)).rejects.toThrow(String(job.id));
  });
});

describe('queue-wide retention defaults', () => {
  it("apply to jobs that set none; a job's own setting, even false, wins", async () => {
    const options: QueueOptions = { removeOnComplete: true, removeOnFail: { count: 1 } };
    const queue = testQueue(options);
    const byDefault = await queue.create('mail').save();
    const keeps = await queue.create('mail').removeOnComplete(false).save();
    const counts = await queue.create('mail').removeOnComplete(5).save();
    expect(byDefault.removeOnComplete()).toBe(false); // nothing set on the builder itself
    expect((await queue.getJob(byDefault.id!)).removeOnComplete()).toBe(true);
    expect((await queue.getJob(byDefault.id!)).removeOnFail()).toBe(1);
    expect((await queue.getJob(keeps.id!)).removeOnComplete()).toBe(false);
    expect((await queue.getJob(counts.id!)).removeOnComplete()).toBe(5);
    const failing = await saveEach(queue, [queue.create('bad'), queue.create('bad')]);
    const done = counted(queue, 'job complete', 3);
    work(queue, 'mail');
    work(queue, 'bad', () => true);
    await done;
    await waitFor(async () => (await queue.failed('bad')).join() === String(failing[1]), 10_000, 'the failed trimming');
    await waitFor(async () => (await queue.complete('mail')).length === 2, 5_000, 'the removal');
    expect(await queue.complete('mail')).toEqual([keeps.id, counts.id]);
    await expectOnlyJobs(queue, [keeps.id!, counts.id!, failing[1]!]);
  });

  it('a bad default is refused when the queue is made', () => {
    expect(() => testQueue({ removeOnComplete: -1 })).toThrow(RangeError);
    expect(() => testQueue({ removeOnFail: 'yes' as never })).toThrow(/removeOnFail.*"yes"/);
  });
});

describe('retention arguments', () => {
  it('are validated: TypeError or RangeError naming the value', () => {
    const queue = testQueue();
    const job = queue.create('t');
    expect(() => job.removeOnComplete('yes' as never)).toThrow(TypeError);
    expect(() => job.removeOnComplete('yes' as never)).toThrow(/"yes" \(string\)/);
    expect(() => job.removeOnComplete(null as never)).toThrow(TypeError);
    expect(() => job.removeOnComplete(-1)).toThrow(RangeError);
    expect(() => job.removeOnComplete(1.5)).toThrow(/1\.5/);
    expect(() => job.removeOnComplete(Number.NaN)).toThrow(/NaN/);
    expect(() => job.removeOnFail({})).toThrow(RangeError);
    expect(() => job.removeOnFail({ age: -1 })).toThrow(RangeError);
    expect(() => job.removeOnFail({ age: '60' as never })).toThrow(TypeError);
    expect(() => job.removeOnFail({ count: 2, keep: 1 } as never)).toThrow(/keep/);
    expect(job.removeOnComplete()).toBe(false);
    expect(job.removeOnFail()).toBe(false);
    expect(job.removeOnComplete({ count: 2, age: 0.5 }).removeOnComplete()).toEqual({ count: 2, age: 0.5 });
  });

  it('job.update() rewrites them', async () => {
    const queue = testQueue();
    const job = await queue.create('t').removeOnComplete(true).save();
    const loaded = await queue.getJob(job.id!);
    await loaded.removeOnComplete({ age: 3600, count: 10 }).removeOnFail(7).update();
    const again = await queue.getJob(job.id!);
    expect(again.removeOnComplete()).toEqual({ age: 3600, count: 10 });
    expect(again.removeOnFail()).toBe(7);
    await again.removeOnComplete(false).removeOnFail(false).update();
    const hash = await redisClient().hgetall(`{${queue.prefix}}:job:${job.id}`);
    expect(hash).not.toHaveProperty('remove_on_complete');
    expect(hash).not.toHaveProperty('remove_on_fail');
  });

  it('a job with no retention stores nothing extra', async () => {
    const queue = testQueue();
    const job = await queue.create('t').save();
    const fields = Object.keys(await redisClient().hgetall(`{${queue.prefix}}:job:${job.id}`)).sort();
    expect(fields).toEqual(['created_at', 'data', 'state', 'type']);
  });
});

describe('POST /job with retention options', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function post(queue: Queue, json: unknown): Promise<{ status: number; body: any }> {
    const server = await new Promise<Server>((resolve) => {
      const s = createApp({ queue }).listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/job`, {
      method: 'POST',
      body: JSON.stringify(json),
      headers: { 'content-type': 'application/json' },
    });
    return { status: res.status, body: await res.json() };
  }

  it('accepts true, a count and {age, count}, stored and answered as given', async () => {
    const queue = testQueue();
    const res = await post(queue, [
      { type: 'mail', options: { removeOnComplete: true, removeOnFail: false } },
      { type: 'mail', options: { removeOnComplete: 10, removeOnFail: { age: 86400 } } },
      { type: 'mail', options: { removeOnComplete: { age: 60, count: 5 }, removeOnFail: 3 } },
    ]);
    expect(res.status).toBe(200);
    const jobs = await Promise.all((res.body as Array<{ id: number }>).map((r) => queue.getJob(r.id)));
    expect(jobs.map((j) => [j.toJSON().removeOnComplete, j.toJSON().removeOnFail])).toEqual([
      [true, false],
      [10, { age: 86400 }],
      [{ age: 60, count: 5 }, 3],
    ]);
  });

  it('answers 400 naming a bad value, and saves nothing', async () => {
    const queue = testQueue();
    for (const options of [
      { removeOnComplete: 'yes' },
      { removeOnFail: -2 },
      { removeOnComplete: { count: 1.5 } },
      { removeOnFail: { age: 'old' } },
    ]) {
      const res = await post(queue, { type: 'mail', options });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/removeOn(Complete|Fail)/);
    }
    const batch = await post(queue, [{ type: 'mail', options: { removeOnComplete: [] } }, { type: 'mail' }]);
    expect(batch.body).toEqual([
      { error: expect.stringMatching(/removeOnComplete/) },
      { message: 'job created', id: expect.any(Number) },
    ]);
    expect(await queue.inactiveCount()).toBe(1);
  });
});
