import { describe, expect, it } from 'vitest';
import { nextEvent, testQueue, waitFor } from '../support/setup.js';

describe('stalled jobs', () => {
  it("a job whose worker vanished goes back to inactive and runs again; the vanished worker's late done() is refused", async () => {
    const lockDuration = 200;
    const queue = testQueue({ lockDuration, maintenanceInterval: 50 });
    const job = await queue.create('stall').save();
    // A worker that takes the job and then vanishes: its lock is never renewed.
    const {
      taken: [taken],
    } = await queue.store.take({ type: 'stall', count: 1, workerId: 'ghost', lockDuration });
    expect(taken!.id).toBe(job.id);
    const stalled = await nextEvent(queue, 'job stalled', 3_000);
    expect(stalled).toEqual([job.id, 1]);
    queue.process('stall', (_j, done) => done(null, 'healthy'));
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete', 3_000);
    const late = await queue.store.complete(job.id!, taken!.lock!, JSON.stringify('stale'), {
      type: 'stall',
      count: 0,
      workerId: 'ghost',
      lockDuration,
    });
    expect(late.status).toBe(-1);
    const stored = await queue.getJob(job.id!);
    expect(stored.state()).toBe('complete');
    expect(stored.result).toBe('healthy');
    expect(await queue.completeCount()).toBe(1);
  });

  it('a frozen worker loses its job to another process; its late done() changes nothing', async () => {
    // A long lock: the frozen worker does not notice the loss (by renewal) during the test,
    // so its only slot stays busy and it cannot take the job again.
    const frozen = testQueue({ lockDuration: 20_000 });
    let release: (() => void) | undefined;
    frozen.process('freeze', (_job, done) => {
      release = () => done(null, 'stale');
    });
    const job = await frozen.create('freeze').save();
    await waitFor(() => release !== undefined);
    // Requeue by hand, as stall recovery would: the frozen worker's lock is gone.
    await (await frozen.getJob(job.id!)).inactive();
    const other = testQueue({ prefix: frozen.prefix });
    other.process('freeze', (_j, done) => setTimeout(() => done(null, 'fresh'), 100));
    await waitFor(async () => (await frozen.activeCount()) === 1);
    release!();
    await waitFor(async () => (await frozen.getJob(job.id!)).state() === 'complete', 3_000);
    expect((await frozen.getJob(job.id!)).result).toBe('fresh');
  });

  it('a job running 3x the lock duration in a healthy process is never stalled', async () => {
    const lockDuration = 200;
    const queue = testQueue({ lockDuration, maintenanceInterval: 50 });
    let stalls = 0;
    queue.on('job stalled', () => stalls++);
    queue.process('long', (_j, done) => setTimeout(() => done(null, 'done'), lockDuration * 3));
    const job = await queue.create('long').save();
    const [result] = await nextEvent(job, 'complete', 3_000);
    expect(result).toBe('done');
    expect(stalls).toBe(0);
    expect((await queue.getJob(job.id!)).toJSON().attempts.made).toBe(0);
  });

  it('a job that stalls more than maxStalls times ends failed', async () => {
    const queue = testQueue({ lockDuration: 100, maxStalls: 1, maintenanceInterval: 50 });
    const job = await queue.create('doomed').attempts(5).save();
    // Simulate two workers that vanished after taking the job.
    await queue.store.take({ type: 'doomed', count: 1, workerId: 'ghost-1', lockDuration: 100 });
    await nextEvent(queue, 'job stalled', 2_000);
    await queue.store.take({ type: 'doomed', count: 1, workerId: 'ghost-2', lockDuration: 100 });
    const [id, message] = await nextEvent(queue, 'job failed', 2_000);
    expect(id).toBe(job.id);
    expect(message).toMatch(/stalled too many times/);
    expect((await queue.getJob(job.id!)).state()).toBe('failed');
  });
});
