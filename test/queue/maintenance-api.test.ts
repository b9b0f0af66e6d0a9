import { describe, expect, it } from 'vitest';
import { keysOf, nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

async function fill(queue: ReturnType<typeof testQueue>) {
  const a = await queue.create('email', { n: 1 }).save();
  const b = await queue.create('email', { n: 2 }).priority('high').save();
  const c = await queue.create('sms', { n: 3 }).save();
  const d = await queue.create('sms', { n: 4 }).delay(60_000).save();
  return { a, b, c, d };
}

describe('queue maintenance', () => {
  it('counts jobs per state, overall and per type', async () => {
    const queue = testQueue();
    await fill(queue);
    expect(await queue.inactiveCount()).toBe(3);
    expect(await queue.inactiveCount('email')).toBe(2);
    expect(await queue.delayedCount('sms')).toBe(1);
    expect(await queue.activeCount()).toBe(0);
    expect(await queue.completeCount()).toBe(0);
    expect(await queue.failedCount('email')).toBe(0);
    expect(await new Promise((r) => void queue.inactiveCount('sms', (_e, n) => r(n)))).toBe(1);
    expect(await new Promise((r) => void queue.delayedCount((_e, n) => r(n)))).toBe(1);
  });

  it('lists ids per state, and the types', async () => {
    const queue = testQueue();
    const { a, b, c, d } = await fill(queue);
    expect(await queue.inactive()).toEqual([b.id, a.id, c.id]);
    expect(await queue.inactive('email')).toEqual([b.id, a.id]);
    expect(await queue.delayed()).toEqual([d.id]);
    expect(await queue.types()).toEqual(['email', 'sms']);
    expect(await new Promise((r) => void queue.types((_e, t) => r(t)))).toEqual(['email', 'sms']);
  });

  it('Job.range, rangeByState and rangeByType page through jobs in order', async () => {
    const queue = testQueue();
    const { a, b, c, d } = await fill(queue);
    expect((await queue.range(0, -0 + 10, 'asc')).map((j) => j.id)).toEqual([a.id, b.id, c.id, d.id]);
    expect((await queue.range(0, 1, 'desc')).map((j) => j.id)).toEqual([d.id, c.id]);
    expect((await queue.rangeByState('inactive', 0, 1, 'asc')).map((j) => j.id)).toEqual([b.id, a.id]);
    expect((await queue.rangeByType('sms', 'inactive', 0, 10, 'asc')).map((j) => j.data)).toEqual([{ n: 3 }]);
  });

  it('job.remove deletes the job, its log and its index entries', async () => {
    const queue = testQueue();
    const job = await queue.create('email', { x: 1 }).save();
    job.log('one line');
    await waitFor(async () => (await queue.log(job.id!)).length === 1);
    await job.remove();
    const keys = await keysOf(redisClient(), queue.prefix);
    expect(keys.filter((k) => k.includes(':job:'))).toEqual([]);
    for (const key of keys.filter((k) => k.endsWith(':inactive') || k.endsWith(':jobs'))) {
      expect(await redisClient().zcard(key)).toBe(0);
    }
    await expect(job.remove()).rejects.toThrow(/does not exist/);
  });

  it('job.inactive() / complete() / failed() / delayed() / active() move a job between states', async () => {
    const queue = testQueue();
    const job = await queue.create('moved').save();
    await job.complete();
    expect(await queue.completeCount('moved')).toBe(1);
    expect(await queue.inactiveCount('moved')).toBe(0);
    await job.failed();
    expect((await queue.getJob(job.id!)).state()).toBe('failed');
    await job.delayed();
    expect(await queue.delayedCount()).toBe(1);
    await job.active();
    expect(await queue.activeCount()).toBe(1);
    await new Promise<void>((resolve, reject) => void job.inactive((err) => (err ? reject(err) : resolve())));
    expect(await queue.inactive('moved')).toEqual([job.id]);
  });

  it('re-queuing a job by hand (job.inactive()) lets a worker run it again', async () => {
    const queue = testQueue();
    let runs = 0;
    queue.process('again', (_j, done) => (runs++, done()));
    const job = await queue.create('again').save();
    await nextEvent(job, 'complete');
    const reloaded = await queue.getJob(job.id!);
    await reloaded.inactive();
    await waitFor(() => runs === 2);
  });

  it('job.update() writes changed data and priority', async () => {
    const queue = testQueue();
    const first = await queue.create('upd', { v: 1 }).save();
    const second = await queue.create('upd', { v: 2 }).save();
    const job = await queue.getJob(second.id!);
    job.data = { v: 3 };
    job.priority('critical');
    await job.update();
    expect(await queue.inactive('upd')).toEqual([second.id, first.id]);
    expect((await queue.getJob(second.id!)).data).toEqual({ v: 3 });
  });

  it('removeOnComplete(true) leaves no key of the job behind', async () => {
    const queue = testQueue();
    queue.process('tidy', (job, done) => {
      job.log('working');
      job.progress(1, 2);
      done(null, 'ok');
    });
    const job = queue.create('tidy').removeOnComplete(true);
    const removed = nextEvent(queue, 'job remove');
    await job.save();
    await removed;
    const keys = await keysOf(redisClient(), queue.prefix);
    expect(keys.filter((k) => k.includes(':job:'))).toEqual([]);
    expect(await queue.completeCount()).toBe(0);
    await expect(queue.getJob(job.id!)).rejects.toThrow(String(job.id));
  });

  it('watchStuckJobs is accepted and returns the queue', () => {
    const queue = testQueue();
    expect(queue.watchStuckJobs(1000)).toBe(queue);
  });
});

describe('ranges as in Kue', () => {
  it('rangeByState(state, 0, -1) lists every job of the state', async () => {
    const queue = testQueue();
    for (let i = 0; i < 3; i++) await queue.create('all').save();
    expect((await queue.rangeByState('inactive', 0, -1)).length).toBe(3);
    expect((await queue.range(1, -1, 'desc')).length).toBe(2);
  });
});
