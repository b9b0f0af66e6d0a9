// job.finished(): the job's end from any process, also when it ended before the call. The
// cross-process test's worker loads dist/ (npm run build).
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  ChildFailedError,
  JobFailedError,
  JobNotFoundError,
  TimeoutError,
  type Job,
} from '../../src/index.js';
import { redisClient, testQueue, uniquePrefix } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`resolved with ${JSON.stringify(value)}`);
    },
    (err: Error) => err,
  );
}

describe('job.finished()', () => {
  it('resolves with the result of a job that completes later, and through a callback', async () => {
    const queue = testQueue();
    const job = await queue.create('sum', { a: 2, b: 3 }).save();
    const finished = job.finished();
    const viaCallback = new Promise((resolve, reject) => {
      void job.finished((err, result) => (err ? reject(err) : resolve(result)));
    });
    queue.process('sum', (j, done) => setTimeout(() => done(null, { sum: j.data.a + j.data.b }), 20));
    expect(await finished).toEqual({ sum: 5 });
    expect(await viaCallback).toEqual({ sum: 5 });
  });

  it('resolves at once for a job that completed before the call, from another Queue object', async () => {
    const queue = testQueue();
    queue.process('early', (_j, done) => done(null, 'first'));
    const job = await queue.create('early').save();
    await job.finished();
    const other = testQueue({ prefix: queue.prefix });
    const again = await other.getJob(job.id);
    expect(await again.finished()).toBe('first');
  });

  it('rejects with JobFailedError once the last attempt fails, not at the first', async () => {
    const queue = testQueue();
    let runs = 0;
    queue.process('flaky', (_j, done) => done(new Error(`boom ${++runs}`)));
    const job = await queue.create('flaky').attempts(2).save();
    const err = await rejection(job.finished());
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err).toMatchObject({ code: 'JOB_FAILED', jobId: job.id, error: 'boom 2' });
    expect(runs).toBe(2);
  });

  it('rejects with CancelledError for a cancelled job, ChildFailedError for a parent its child failed', async () => {
    const queue = testQueue();
    const job = await queue.create('never').save();
    // Handled at once: it may reject while the cancel is awaited.
    const cancelled = rejection(job.finished());
    await job.cancel('not needed');
    expect(await cancelled).toMatchObject({ name: 'CancelledError', reason: 'not needed' });
    expect(await rejection(job.finished())).toBeInstanceOf(CancelledError);

    queue.process('child', (_j, done) => done(new Error('child broke')));
    const parent = await queue.flow(queue.create('parent'), [queue.create('child')]);
    const err = await rejection(parent.finished());
    expect(err).toBeInstanceOf(ChildFailedError);
  });

  it('rejects with JobNotFoundError when the job is removed before it ends', async () => {
    const queue = testQueue();
    const job = await queue.create('gone').save();
    const finished = rejection(job.finished());
    await job.remove();
    expect(await finished).toBeInstanceOf(JobNotFoundError);
  });

  it('resolves with the result of a job removed on completion (from its event)', async () => {
    const queue = testQueue();
    const job = await queue.create('brief').removeOnComplete(true).save();
    const finished = job.finished();
    queue.process('brief', (_j, done) => done(null, { kept: 'in the event' }));
    expect(await finished).toEqual({ kept: 'in the event' });
    expect(await rejection(queue.getJob(job.id))).toBeInstanceOf(JobNotFoundError);
  });

  it('rejects with TimeoutError after `timeout` ms, and with the reason when its signal aborts', async () => {
    const queue = testQueue();
    const job = await queue.create('slow').save();
    const started = Date.now();
    const err = await rejection(job.finished({ timeout: 100 }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.message).toBe(`job ${job.id} did not finish within 100 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    const controller = new AbortController();
    const aborted = rejection(job.finished({ signal: controller.signal }));
    controller.abort(new Error('gave up'));
    expect((await aborted).message).toBe('gave up');
    // Neither left a waiter behind: the job still ends normally.
    queue.process('slow', (_j, done) => done(null, 7));
    expect(await job.finished()).toBe(7);
  });

  it('answers bad options with TypeError / RangeError, and an unsaved job with an error', async () => {
    const queue = testQueue();
    const job = await queue.create('x').save();
    await expect(job.finished({ timeout: 0 })).rejects.toThrow(RangeError);
    await expect(job.finished({ timeout: 1.5 })).rejects.toThrow(RangeError);
    await expect(job.finished({ signal: 'no' as unknown as AbortSignal })).rejects.toThrow(TypeError);
    await expect(job.finished({ timeot: 5 } as unknown as { timeout: number })).rejects.toThrow(
      'finished takes no option "timeot"',
    );
    await expect(queue.create('unsaved').finished()).rejects.toThrow('has not been saved yet');
  });

  it('settles in the saving process for a job another process runs', async () => {
    const prefix = uniquePrefix('finished');
    const queue = testQueue({ prefix });
    const jobs: Job[] = Array.from({ length: 20 }, (_, i) => queue.create('remote', { tag: i }));
    await queue.saveAll(jobs);
    const results = Promise.all(jobs.map((job) => job.finished({ timeout: 20_000 })));
    const worker = await startWorker({ KUE_PREFIX: prefix, KUE_TYPE: 'remote', KUE_CONCURRENCY: 4 });
    expect(await results).toEqual(jobs.map((_, i) => ({ pid: worker.pid, tag: i })));
  });
});

describe('job.finished() and the ways a job can end', () => {
  it('settles for a job moved to complete or failed by hand', async () => {
    const queue = testQueue();
    const done = await queue.create('by-hand').save();
    const doneFinished = done.finished({ timeout: 5_000 });
    await done.complete();
    expect(await doneFinished).toBeNull();
    const broken = await queue.create('by-hand').save();
    const brokenFinished = rejection(broken.finished({ timeout: 5_000 }));
    await broken.failed();
    expect(await brokenFinished).toBeInstanceOf(JobFailedError);
  });

  it('rejects with CancelledError for a cancelled job removed on failure', async () => {
    const queue = testQueue();
    const job = await queue.create('gone').removeOnFail(true).save();
    const finished = rejection(job.finished({ timeout: 5_000 }));
    await job.cancel('user asked');
    expect(await finished).toMatchObject({ name: 'CancelledError', reason: 'user asked' });
  });

  it('settles even when a queue listener throws', async () => {
    const queue = testQueue();
    queue.on('job complete', () => {
      throw new Error('a listener bug');
    });
    queue.process('fine', (_j, done) => done(null, 'ok'));
    const job = await queue.create('fine').save();
    expect(await job.finished({ timeout: 5_000 })).toBe('ok');
  });

  it('does not take the end of a new job that got the same id (Redis lost its data) for its own', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const job = await queue.create('mine', { mine: true }).save();
    const finished = rejection(job.finished({ timeout: 5_000 }));
    // As after a restart from an older snapshot: another job bears the id, and it completes.
    await new Promise((r) => setTimeout(r, 50));
    const key = `{${queue.prefix}}:job:${job.id}`;
    await redis.hset(key, 'created_at', String(Date.now() + 1), 'state', 'complete', 'result', '"not yours"');
    const event = JSON.stringify({ e: 'complete', id: String(job.id), t: 'mine', a: ['not yours'] });
    await redis.xadd(`{${queue.prefix}}:stream`, '*', 'm', event);
    expect(await finished).toBeInstanceOf(JobNotFoundError);
  });
});
