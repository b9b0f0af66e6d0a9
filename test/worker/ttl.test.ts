import { describe, expect, it } from 'vitest';
import kue, { ErrorCode, KueError, TtlExceededError } from '../../src/index.js';
import { nextEvent, testQueue, waitFor } from '../support/setup.js';

describe('job TTL', () => {
  it('an active job past its ttl fails with "TTL exceeded"', async () => {
    const queue = testQueue();
    queue.process('stuck', () => undefined);
    const job = await queue.create('stuck').ttl(150).save();
    const started = Date.now();
    const [message] = await nextEvent(job, 'failed');
    expect(message).toContain('TTL exceeded');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await queue.getJob(job.id!)).state()).toBe('failed');
  });

  it('a ttl failure is a failed attempt: retried while attempts remain', async () => {
    const queue = testQueue();
    let runs = 0;
    queue.process('flaky', (_job, done) => {
      runs++;
      if (runs > 1) done(null, 'second time');
    });
    const job = queue.create('flaky').ttl(100).attempts(2);
    const failedAttempt = nextEvent(job, 'failed attempt');
    const completed = nextEvent(job, 'complete');
    await job.save();
    const [message, made] = await failedAttempt;
    expect(message).toContain('TTL exceeded');
    expect(made).toBe(1);
    const [result] = await completed;
    expect(result).toBe('second time');
  });

  it('the slot of a job past its ttl is freed for the next job', async () => {
    const queue = testQueue();
    const seen: number[] = [];
    queue.process('slot', (job, done) => {
      seen.push(job.id!);
      if ((job.data as { hang?: boolean }).hang) return;
      done();
    });
    await queue.create('slot', { hang: true }).ttl(100).save();
    const second = await queue.create('slot').save();
    await nextEvent(second, 'complete');
    expect(seen.length).toBe(2);
  });

  it('a frozen worker past ttl is failed by another process', async () => {
    const worker = testQueue({ maintenance: false });
    const watcher = testQueue({ prefix: worker.prefix, maintenanceInterval: 100 });
    worker.process('frozen', () => {
      const until = Date.now() + 400;
      while (Date.now() < until); // blocks the worker's event loop past the ttl
    });
    const job = await worker.create('frozen').ttl(100).save();
    const [id, message] = await nextEvent(watcher, 'job failed', 3_000);
    expect(id).toBe(job.id);
    expect(message).toContain('TTL exceeded');
  });

  it('the failure is a TtlExceededError (a KueError, code TTL_EXCEEDED) whose message stays "TTL exceeded"', async () => {
    const error = new TtlExceededError();
    expect(error).toBeInstanceOf(KueError);
    expect(error.code).toBe(ErrorCode.TtlExceeded);
    expect(error.code).toBe('TTL_EXCEEDED');
    expect(error.message).toBe('TTL exceeded');
    expect(error.name).toBe('TtlExceededError');
    expect(kue.TtlExceededError).toBe(TtlExceededError);

    const queue = testQueue();
    queue.process('hangs', () => undefined);
    const job = await queue.create('hangs').ttl(100).save();
    const [message] = await nextEvent(job, 'failed');
    expect(message).toBe('TTL exceeded');
    const failed = await queue.getJob(job.id!);
    expect(failed.state()).toBe('failed');
    expect(failed.toJSON().error).toBe('TTL exceeded');
    // The stored stack names the class the worker failed the attempt with.
    const errors = await waitFor(async () => {
      const list = await queue.admin.attemptErrors(job.id!);
      return list.length > 0 ? list : undefined;
    });
    expect(errors).toEqual([
      expect.objectContaining({
        attempt: 1,
        error: 'TTL exceeded',
        stack: expect.stringMatching(/^TtlExceededError: TTL exceeded\n/),
      }),
    ]);
  });
});
