import { describe, expect, it } from 'vitest';
import { nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

describe('delayed jobs', () => {
  it('a job delayed 300 ms is taken within 150 ms of its due time, and emits "promotion"', async () => {
    const queue = testQueue();
    const started: number[] = [];
    queue.process('later', (_job, done) => {
      started.push(Date.now());
      done();
    });
    await new Promise((r) => setTimeout(r, 50));
    const saved = Date.now();
    const job = queue.create('later').delay(300);
    const promoted = nextEvent(job, 'promotion');
    await job.save();
    await promoted;
    await waitFor(() => started.length === 1, 2_000);
    const lateness = started[0]! - (saved + 300);
    expect(lateness).toBeGreaterThanOrEqual(-5);
    expect(lateness).toBeLessThanOrEqual(150);
  });

  it('promotion lateness stays under 150 ms for jobs due at different times (saved by another process)', async () => {
    const producer = testQueue({ maintenance: false });
    const worker = testQueue({ prefix: producer.prefix });
    const lateness: number[] = [];
    const due = new Map<number, number>();
    worker.process('spread', 5, (job, done) => {
      lateness.push(Date.now() - due.get(job.id!)!);
      done();
    });
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 20; i++) {
      const delay = 100 + i * 37;
      const before = Date.now();
      const job = await producer.create('spread').delay(delay).save();
      due.set(job.id!, before + delay);
    }
    await waitFor(() => lateness.length === 20, 5_000);
    lateness.sort((a, b) => a - b);
    console.log(`promotion lateness ms: p50=${lateness[10]} max=${lateness[19]}`);
    expect(lateness[19]).toBeLessThanOrEqual(150);
    expect(lateness[0]).toBeGreaterThanOrEqual(-5);
  });

  it('delay(Date) schedules the job for that time', async () => {
    const queue = testQueue();
    const at = new Date(Date.now() + 200);
    let started = 0;
    queue.process('dated', (_job, done) => {
      started = Date.now();
      done();
    });
    await queue.create('dated').delay(at).save();
    await waitFor(() => started > 0, 2_000);
    expect(started).toBeGreaterThanOrEqual(at.getTime() - 5);
    expect(started - at.getTime()).toBeLessThanOrEqual(150);
  });

  it('idle queues do not poll Redis in a storm', async () => {
    const queue = testQueue();
    queue.process('idle', (_job, done) => done());
    await queue.create('idle').delay(60_000).save();
    await new Promise((r) => setTimeout(r, 300));
    const client = redisClient();
    const before = Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1]);
    await new Promise((r) => setTimeout(r, 1_000));
    const after = Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1]);
    // The whole Redis serves other tests too, so allow some slack: a storm would be hundreds.
    expect(after - before).toBeLessThan(40);
  });
});
