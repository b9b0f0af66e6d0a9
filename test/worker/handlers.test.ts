import { describe, expect, it } from 'vitest';
import type { Job, WorkerContext } from '../../src/index.js';
import { nextEvent, testQueue, waitFor } from '../support/setup.js';

describe('queue.process handlers', () => {
  it('a handler declared with two parameters gets (job, done)', async () => {
    const queue = testQueue();
    const got: unknown[] = [];
    queue.process('two', (job, done) => {
      got.push(job.data, typeof done);
      done();
    });
    await queue.create('two', { a: 1 }).save();
    await waitFor(async () => (await queue.completeCount('two')) === 1);
    expect(got).toEqual([{ a: 1 }, 'function']);
  });

  it('a handler declared with three parameters gets (job, ctx, done)', async () => {
    const queue = testQueue();
    let ctx: WorkerContext | undefined;
    queue.process('three', (_job, c, done) => {
      ctx = c;
      done();
    });
    await queue.create('three').save();
    await waitFor(async () => (await queue.completeCount('three')) === 1);
    expect(typeof ctx?.pause).toBe('function');
    expect(typeof ctx?.resume).toBe('function');
    expect(typeof ctx?.shutdown).toBe('function');
  });

  it('done(null, result) stores the result, readable as job.result after Job.get', async () => {
    const queue = testQueue();
    queue.process('res', (job, done) => done(null, { doubled: (job.data as { n: number }).n * 2 }));
    const job = await queue.create('res', { n: 21 }).save();
    const [result] = await nextEvent(job, 'complete');
    expect(result).toEqual({ doubled: 42 });
    expect((await queue.getJob(job.id!)).result).toEqual({ doubled: 42 });
  });

  it('done(err) fails the attempt and records the error message', async () => {
    const queue = testQueue();
    queue.process('bad', (_job, done) => done(new Error('invalid to address')));
    const job = await queue.create('bad').save();
    const [message] = await nextEvent(job, 'failed');
    expect(message).toBe('invalid to address');
    const stored = await queue.getJob(job.id!);
    expect(stored.state()).toBe('failed');
    expect(stored.toJSON().error).toBe('invalid to address');
    expect(stored.attempts()).toEqual({ made: 1, remaining: 0, max: 1 });
  });

  it('a handler returning a promise settles the job by that promise', async () => {
    const queue = testQueue();
    queue.process('async', async (job: Job) => {
      await new Promise((r) => setTimeout(r, 5));
      if ((job.data as { fail?: boolean }).fail) throw new Error('promise rejected');
      return 'ok';
    });
    const good = await queue.create('async', {}).save();
    const bad = await queue.create('async', { fail: true }).save();
    await waitFor(async () => (await queue.completeCount()) + (await queue.failedCount()) === 2);
    expect((await queue.getJob(good.id!)).result).toBe('ok');
    expect((await queue.getJob(bad.id!)).toJSON().error).toBe('promise rejected');
  });

  it('a handler that throws synchronously fails the attempt', async () => {
    const queue = testQueue();
    queue.process('throws', () => {
      throw new Error('bad things happen');
    });
    const job = await queue.create('throws').save();
    const [message] = await nextEvent(job, 'failed');
    expect(message).toBe('bad things happen');
  });

  it('concurrency bounds how many jobs of a type run at once', async () => {
    const queue = testQueue();
    let running = 0;
    let peak = 0;
    queue.process('conc', 3, (_job, done) => {
      running++;
      peak = Math.max(peak, running);
      setTimeout(() => {
        running--;
        done();
      }, 20);
    });
    for (let i = 0; i < 12; i++) await queue.create('conc').save();
    await waitFor(async () => (await queue.completeCount('conc')) === 12);
    expect(peak).toBe(3);
  });

  it('only the first report of an attempt counts', async () => {
    const queue = testQueue();
    queue.process('twice', (_job, done) => {
      done(null, 'first');
      done(new Error('second'));
    });
    const job = await queue.create('twice').save();
    await nextEvent(job, 'complete');
    await new Promise((r) => setTimeout(r, 50));
    const stored = await queue.getJob(job.id!);
    expect(stored.state()).toBe('complete');
    expect(stored.result).toBe('first');
  });

  it('ctx.pause stops taking jobs until ctx.resume', async () => {
    const queue = testQueue();
    const seen: number[] = [];
    let context: WorkerContext | undefined;
    queue.process('pausable', (job, ctx, done) => {
      seen.push(job.id!);
      context = ctx;
      done();
      if (seen.length === 1) void ctx.pause(1000);
    });
    await queue.create('pausable').save();
    await waitFor(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    await queue.create('pausable').save();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(1);
    expect(await queue.inactiveCount('pausable')).toBe(1);
    context!.resume();
    await waitFor(() => seen.length === 2);
  });

  it('ctx.pause(timeout, cb) fails a job still running after the timeout with a shutdown error', async () => {
    const queue = testQueue();
    const paused = new Promise<Error | null | undefined>((resolve) => {
      queue.process('slow', (_job, ctx, _done) => {
        void ctx.pause(100, (err) => resolve(err));
      });
    });
    const job = await queue.create('slow').save();
    expect(await paused).toBeNull();
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'failed');
    expect((await queue.getJob(job.id!)).toJSON().error).toMatch(/shutdown/i);
  });
});
