/**
 * Kue 0.11 programs that must run unchanged: each test is a piece of such a program, on a
 * real redis-server.
 */
import { describe, expect, it } from 'vitest';
import kue, { createApp, Queue, type DoneCallback, type WorkerContext } from '../../src/index.js';
import { nextEvent, redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';

describe('Kue 0.11 programs', () => {
  it('new kue(options) is an independent queue; kue(options) stays the process queue', async () => {
    const options = { prefix: uniquePrefix('new'), redis: { port: redisPort } };
    const independent = new kue(options);
    independent.on('error', () => undefined);
    const processQueue = kue({ prefix: uniquePrefix('process'), redis: { port: redisPort } });
    processQueue.on('error', () => undefined);
    try {
      expect(independent).toBeInstanceOf(Queue);
      expect(independent).not.toBe(processQueue);
      expect(independent.prefix).toBe(options.prefix);
      expect(kue.createQueue()).toBe(processQueue);
      expect(new kue(options)).not.toBe(independent);
      const job = await independent.create('mail', { to: 'tj' }).save();
      expect((await independent.getJob(job.id!)).data).toEqual({ to: 'tj' });
    } finally {
      await independent.shutdown(1_000);
      await processQueue.shutdown(1_000);
    }
  });

  it('Job.log(id, cb) and its promise give the log lines in order', async () => {
    const queue = kue.createQueue({ prefix: uniquePrefix('log'), redis: { port: redisPort } });
    queue.on('error', () => undefined);
    try {
      const job = await queue.create('mail', {}).save();
      job.log('first %d', 1);
      job.log('second');
      await waitFor(async () => (await kue.Job.log(job.id!)).length === 2, 5_000, 'two log lines');
      expect(await kue.Job.log(job.id!)).toEqual(['first 1', 'second']);
      const viaCallback = await new Promise<string[] | undefined>((resolve, reject) => {
        void kue.Job.log(String(job.id), (err, lines) => (err ? reject(err) : resolve(lines)));
      });
      expect(viaCallback).toEqual(['first 1', 'second']);
      expect(() => kue.Job.log('nope')).toThrow(TypeError);
    } finally {
      await queue.shutdown(1_000);
    }
  });

  it('after shutdown, the Job statics open the process queue again with the options last given', async () => {
    const prefix = uniquePrefix('reopen');
    const first = kue.createQueue({ prefix, redis: { port: redisPort } });
    first.on('error', () => undefined);
    const job = await first.create('mail', { to: 'tj' }).save();
    await first.shutdown(1_000);
    // Kue's defaults would dial 127.0.0.1:6379 with prefix 'q': the job would not be found.
    const again = await kue.Job.get(job.id!);
    const reopened = kue.createQueue();
    reopened.on('error', () => undefined);
    try {
      expect(again.data).toEqual({ to: 'tj' });
      expect(reopened).not.toBe(first);
      expect(reopened.prefix).toBe(prefix);
    } finally {
      await reopened.shutdown(1_000);
    }
  });

  it('calls made right after save(), without waiting for it, act in call order once the save lands', async () => {
    const queue = testQueue();
    const removed = queue.create('x', {}).save();
    await removed.remove();
    expect(removed.id).toBeGreaterThan(0);
    await expect(queue.getJob(removed.id!)).rejects.toThrow(/does not exist/);

    const job = queue.create('report', { title: 'draft' }).save();
    job.log('saved, then logged');
    job.progress(1, 4);
    job.data.title = 'final';
    const updated = job.priority('high').update();
    job.log('after the update');
    await updated;
    const loaded = await queue.getJob(job.id!);
    expect(loaded.data).toEqual({ title: 'final' });
    expect(loaded.priority()).toBe(-10);
    expect(loaded.progress()).toBe(25);
    await waitFor(async () => (await queue.log(job.id!)).length === 2, 5_000, 'the log lines');
    expect(await queue.log(job.id!)).toEqual(['saved, then logged', 'after the update']);

    // A second save() while the first is on its way writes changes, it does not save twice.
    const twice = queue.create('y', { n: 1 });
    void twice.save();
    twice.data.n = 2;
    await twice.save();
    expect(await queue.card('inactive', 'y')).toBe(1);
    expect((await queue.getJob(twice.id!)).data).toEqual({ n: 2 });

    // With no save at all, the asynchronous calls reject and the background ones throw.
    const unsaved = queue.create('z');
    await expect(unsaved.remove()).rejects.toThrow(/not been saved/);
    await expect(unsaved.update()).rejects.toThrow(/not been saved/);
    expect(() => unsaved.log('x')).toThrow(/not been saved/);
  });

  it("a TTL that runs out frees the slot at once, and the stuck handler's late done changes nothing", async () => {
    const queue = testQueue();
    const stuck: DoneCallback[] = [];
    const started: number[] = [];
    queue.process('convert', 1, (job, done) => {
      started.push(job.id!);
      if (job.data.hang) stuck.push(done);
      else done(null, 'converted');
    });
    const first = await queue.create('convert', { hang: true }).ttl(300).save();
    const second = await queue.create('convert', { hang: false }).save();
    await waitFor(async () => (await queue.getJob(second.id!)).state() === 'complete', 10_000, 'the second job');
    const failed = await queue.getJob(first.id!);
    expect(failed.state()).toBe('failed');
    expect(failed._error).toBe('TTL exceeded');
    expect(started).toEqual([first.id, second.id]);
    // The handler of the first job never called done: it does now, and nothing changes.
    stuck[0]!(null, 'too late');
    await new Promise((r) => setTimeout(r, 200));
    const after = await queue.getJob(first.id!);
    expect(after.state()).toBe('failed');
    expect(after.result).toBeUndefined();
  });

  it('shutdown(timeout, type, cb) stops only that type; the rest goes on and a full shutdown still works', async () => {
    const queue = new Queue({ prefix: uniquePrefix('type-stop'), redis: { port: redisPort } });
    queue.on('error', () => undefined);
    queue.process('email', (_job, done) => done());
    queue.process('sms', (_job, done) => done());
    await nextEvent(queue.create('email', {}).save(), 'complete');
    const err = await new Promise<Error | null | undefined>((resolve) => {
      void queue.shutdown(1_000, 'email', (e) => resolve(e));
    });
    expect(err).toBeNull();
    const email = await queue.create('email', {}).save();
    await nextEvent(queue.create('sms', {}).save(), 'complete');
    expect((await queue.getJob(email.id!)).state()).toBe('inactive');
    await queue.shutdown(1_000);
  });

  it("a job's JSON (Job.get, the JSON API) carries the workerId that last took it", async () => {
    const prefix = uniquePrefix('worker-id');
    const options = { prefix, redis: { port: redisPort } };
    const first = new Queue(options);
    const second = new Queue(options);
    for (const q of [first, second]) q.on('error', () => undefined);
    try {
      const job = await first.create('resize', {}).attempts(2).backoff(false).save();
      expect((await first.getJob(job.id!)).toJSON().workerId).toBeNull();
      const failedBy = new Promise<string>((resolve) => {
        first.process('resize', (_job, ctx: WorkerContext, done: DoneCallback) => {
          resolve(ctx.id);
          void ctx.shutdown(1_000, () => undefined);
          done(new Error('first worker gives up'));
        });
      });
      const firstId = await failedBy;
      await waitFor(async () => (await first.getJob(job.id!)).state() === 'inactive', 5_000, 'the retry');
      expect((await first.getJob(job.id!)).toJSON().workerId).toBe(firstId);
      const completedBy = new Promise<string>((resolve) => {
        second.process('resize', (_job, ctx: WorkerContext, done: DoneCallback) => {
          resolve(ctx.id);
          done();
        });
      });
      const secondId = await completedBy;
      expect(secondId).not.toBe(firstId);
      await waitFor(async () => (await second.getJob(job.id!)).state() === 'complete', 5_000, 'completion');
      expect((await second.getJob(job.id!)).workerId).toBe(secondId);
      const server = createApp({ queue: second }).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const { port } = server.address() as { port: number };
        const body = (await (await fetch(`http://127.0.0.1:${port}/job/${job.id}`)).json()) as { workerId: string };
        expect(body.workerId).toBe(secondId);
      } finally {
        await new Promise((r) => server.close(r));
      }
    } finally {
      await first.shutdown(1_000);
      await second.shutdown(1_000);
    }
  });
});
