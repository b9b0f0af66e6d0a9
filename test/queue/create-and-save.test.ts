import { describe, expect, it } from 'vitest';
import kue, { Queue, createQueue, priorities, type PriorityName } from '../../src/index.js';
import { keysOf, redisClient, redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';

describe('creating jobs', () => {
  it('save() stores the job with an integer id from one counter, in state inactive', async () => {
    const queue = testQueue();
    const a = await queue.create('email', { to: 'tj' }).save();
    const b = await queue.createJob('sms', { to: 'tj' }).save();
    expect(Number.isInteger(a.id)).toBe(true);
    expect(b.id).toBe(a.id! + 1);
    const stored = await queue.getJob(a.id!);
    expect(stored.type).toBe('email');
    expect(stored.data).toEqual({ to: 'tj' });
    expect(stored.state()).toBe('inactive');
    expect(stored.priority()).toBe(0);
    expect(await queue.inactiveCount()).toBe(2);
  });

  it('save(cb) calls back with no error and returns the job itself, as in Kue', async () => {
    const queue = testQueue();
    const err = await new Promise<Error | null>((resolve) => {
      const job = queue.create('email', { title: 'x' });
      const returned = job.save((e) => resolve(e));
      expect(returned).toBe(job);
    });
    expect(err).toBeNull();
  });

  it('priority names map to numbers as in the spec', () => {
    const queue = testQueue();
    expect(priorities).toEqual({ low: 10, normal: 0, medium: -5, high: -10, critical: -15 });
    for (const [name, n] of Object.entries(priorities)) {
      expect(
        queue
          .create('t')
          .priority(name as PriorityName)
          .priority(),
      ).toBe(n);
    }
    expect(queue.create('t').priority(3).priority()).toBe(3);
  });

  it('lower priority numbers run first, FIFO within one priority', async () => {
    const queue = testQueue();
    const saved: Array<[string, number]> = [];
    for (const p of ['low', 'normal', 'critical', 'normal', 'high', 'critical', 'low'] as const) {
      const job = await queue.create('ordered', { p }).priority(p).save();
      saved.push([p, job.id!]);
    }
    const expected = [...saved].sort((x, y) => priorities[x[0]]! - priorities[y[0]]! || x[1] - y[1]).map((s) => s[1]);
    const seen: number[] = [];
    queue.process('ordered', (job, done) => {
      seen.push(job.id!);
      done();
    });
    await waitFor(() => seen.length === saved.length);
    expect(seen).toEqual(expected);
  });

  it('a job saved with a delay is delayed, with its due time stored', async () => {
    const queue = testQueue();
    const before = Date.now();
    const job = await queue.create('later').delay(60_000).save();
    const stored = await queue.getJob(job.id!);
    expect(stored.state()).toBe('delayed');
    expect(stored.promote_at).toBeGreaterThanOrEqual(before + 59_000);
    expect(await queue.delayedCount()).toBe(1);
    expect(await queue.delayedCount('later')).toBe(1);
  });

  it('a job saved a second time writes its changes (update)', async () => {
    const queue = testQueue();
    const job = await queue.create('email', { v: 1 }).save();
    job.data = { v: 2 };
    await job.priority('high').save();
    const stored = await queue.getJob(job.id!);
    expect(stored.data).toEqual({ v: 2 });
    expect(stored.priority()).toBe(-10);
  });

  it('two prefixes in one process are independent queues', async () => {
    const a = testQueue();
    const b = testQueue();
    await a.create('x').save();
    expect(await a.inactiveCount()).toBe(1);
    expect(await b.inactiveCount()).toBe(0);
  });

  it('every key of a queue carries the hash tag of its prefix', async () => {
    const queue = testQueue();
    const job = await queue.create('email', { a: 1 }).delay(10_000).save();
    await queue.create('email', { a: 2 }).save();
    job.log('hello');
    await waitFor(async () => (await queue.log(job.id!)).length === 1);
    const client = redisClient();
    const keys = await keysOf(client, queue.prefix);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(key.startsWith(`{${queue.prefix}}:`)).toBe(true);
  });
});

describe('the module', () => {
  it('is callable and carries createQueue, Queue, Job, app and version', () => {
    expect(typeof kue).toBe('function');
    expect(kue.createQueue).toBe(createQueue);
    expect(kue.Queue).toBe(Queue);
    expect(typeof kue.Job).toBe('function');
    // kue.app is made on first use, for the process queue: not touched here.
    expect(typeof Object.getOwnPropertyDescriptor(kue, 'app')?.get).toBe('function');
    expect(kue.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('createQueue returns the process queue, ignoring later options until shutdown clears it', async () => {
    const prefix = uniquePrefix('single');
    const first = createQueue({ prefix, redis: { port: redisPort } });
    first.on('error', () => undefined);
    const second = kue({ prefix: 'ignored', redis: { port: redisPort } });
    expect(second).toBe(first);
    expect(second.prefix).toBe(prefix);
    const job = await new kue.Job('standalone', { n: 1 }).save();
    expect((await kue.Job.get(job.id!)).type).toBe('standalone');
    const firstApp = kue.app;
    expect(typeof firstApp.listen).toBe('function');
    expect(kue.app).toBe(firstApp);
    await first.shutdown(1000);
    const third = createQueue({ prefix: uniquePrefix('single'), redis: { port: redisPort } });
    third.on('error', () => undefined);
    expect(third).not.toBe(first);
    expect(kue.app).not.toBe(firstApp);
    await third.shutdown(1000);
  });

  it('version matches package.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(kue.version).toBe(pkg.version);
  });
});

describe('saving many jobs at once', () => {
  it('queue.saveAll saves every job in order with consecutive ids, and they run', async () => {
    const queue = testQueue();
    const jobs = Array.from({ length: 2_500 }, (_, i) =>
      queue.create('bulk', { i }).priority(i % 2 ? 'high' : 'normal'),
    );
    const saved = await queue.saveAll(jobs);
    expect(saved).toBe(jobs);
    const ids = jobs.map((j) => j.id!);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    expect(await queue.inactiveCount('bulk')).toBe(2_500);
    expect((await queue.getJob(ids[7]!)).data).toEqual({ i: 7 });
    let done = 0;
    queue.process('bulk', 50, (_j, d) => (done++, d()));
    await waitFor(() => done === 2_500, 10_000);
  });

  it('one bad job rejects the whole saveAll before anything is written', async () => {
    const queue = testQueue();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const jobs = [queue.create('bulk', { ok: 1 }), queue.create('bulk', cyclic)];
    await expect(queue.saveAll(jobs)).rejects.toThrow(TypeError);
    expect(await keysOf(redisClient(), queue.prefix)).toEqual([]);
  });
});
