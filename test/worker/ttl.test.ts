import { describe, expect, it } from 'vitest';
import { nextEvent, testQueue } from '../support/setup.js';

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
});
