import { describe, expect, it } from 'vitest';
import { nextEvent, redisClient, testQueue } from '../support/setup.js';

/** Processes `type`, failing the first `failures` attempts; returns start times of each attempt. */
function failFirst(queue: ReturnType<typeof testQueue>, type: string, failures: number): number[] {
  const starts: number[] = [];
  queue.process(type, (_job, done) => {
    starts.push(Date.now());
    if (starts.length <= failures) done(new Error(`failure ${starts.length}`));
    else done(null, 'finally');
  });
  return starts;
}

describe('attempts and backoff', () => {
  it('by default a job has one attempt and fails for good', async () => {
    const queue = testQueue();
    failFirst(queue, 'once', 1);
    const job = await queue.create('once').save();
    await nextEvent(job, 'failed');
    expect((await queue.getJob(job.id!)).attempts()).toEqual({ made: 1, remaining: 0, max: 1 });
  });

  it('attempts(n) retries at once while attempts remain, emitting "failed attempt" (message, attempts made)', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'retry', 2);
    const job = queue.create('retry').attempts(3);
    const failedAttempts: unknown[][] = [];
    job.on('failed attempt', (...args: unknown[]) => failedAttempts.push(args));
    await job.save();
    const [result] = await nextEvent(job, 'complete');
    expect(result).toBe('finally');
    expect(starts.length).toBe(3);
    expect(failedAttempts).toEqual([
      ['failure 1', 1],
      ['failure 2', 2],
    ]);
    expect((await queue.getJob(job.id!)).attempts()).toEqual({ made: 2, remaining: 1, max: 3 });
  });

  it('fails for good once all attempts are spent', async () => {
    const queue = testQueue();
    failFirst(queue, 'spent', 10);
    const job = await queue.create('spent').attempts(2).save();
    const [message] = await nextEvent(job, 'failed');
    expect(message).toBe('failure 2');
    expect(await queue.failedCount('spent')).toBe(1);
  });

  it('backoff({type: "fixed", delay}) waits the delay between attempts', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'fixed', 2);
    const job = await queue.create('fixed').attempts(3).backoff({ type: 'fixed', delay: 200 }).save();
    await nextEvent(job, 'complete');
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(190);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(190);
  });

  it('backoff(true) honours the job delay at each attempt', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'honour', 1);
    const saved = Date.now();
    const job = await queue.create('honour').delay(150).attempts(2).backoff(true).save();
    const states: string[] = [];
    job.on('failed attempt', () => void queue.getJob(job.id!).then((j) => states.push(j.state()!)));
    await nextEvent(job, 'complete');
    expect(starts[0]! - saved).toBeGreaterThanOrEqual(140);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(140);
  });

  it('backoff({type: "exponential"}) doubles the wait each attempt', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'exp', 3);
    const job = await queue.create('exp').attempts(4).backoff({ type: 'exponential', delay: 100 }).save();
    await nextEvent(job, 'complete', 10_000);
    const gaps = [starts[1]! - starts[0]!, starts[2]! - starts[1]!, starts[3]! - starts[2]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
  });

  it('exponential backoff is capped by maxDelay', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'cap', 3);
    const job = await queue
      .create('cap')
      .attempts(4)
      .backoff({ type: 'exponential', delay: 100, maxDelay: 150 })
      .save();
    await nextEvent(job, 'complete', 10_000);
    expect(starts[3]! - starts[2]!).toBeLessThan(400);
  });

  it('a backoff function runs in the defining process with (attempts from 0, last delay); nothing of it is stored', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'fn', 2);
    const calls: Array<[number, number]> = [];
    // Delayed a little: the function is known to this process once save() resolves, and a
    // worker of the same process could otherwise take and fail the job before that (on a
    // loaded machine it did, and the first retry used the fixed delay).
    const job = await queue
      .create('fn')
      .delay(100)
      .attempts(3)
      .backoff((attempts, delay) => {
        calls.push([attempts, delay]);
        return attempts === 0 ? 100 : delay * 2;
      })
      .save();
    await nextEvent(job, 'complete');
    // The first call's last delay is the job's own delay.
    expect(calls).toEqual([
      [0, 100],
      [1, 100],
    ]);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(190);
    const hash = await redisClient().hgetall(`{${queue.prefix}}:job:${job.id}`);
    expect(JSON.stringify(hash)).not.toMatch(/=>|return/);
    expect(hash.backoff).toBe('function');
  });

  it('a named strategy registered on the queue works for jobs saved by any process', async () => {
    const producer = testQueue();
    const worker = testQueue({ prefix: producer.prefix });
    worker.backoffStrategy('linear', (attempts) => (attempts + 1) * 100);
    const starts = failFirst(worker, 'named', 2);
    const job = await producer.create('named').attempts(3).backoff({ type: 'linear' }).save();
    await nextEvent(job, 'complete');
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(90);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(190);
  });

  it('a job without backoff retries at once even when it had a delay', async () => {
    const queue = testQueue();
    const starts = failFirst(queue, 'nodelay', 1);
    const job = await queue.create('nodelay').delay(100).attempts(2).save();
    await nextEvent(job, 'complete');
    expect(starts[1]! - starts[0]!).toBeLessThan(100);
  });
});
