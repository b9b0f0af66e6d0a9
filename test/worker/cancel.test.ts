// Cancellation: job.cancel / Job.cancel end waiting, delayed and running jobs for good, from
// any queue object; a running handler's signal aborts with a CancelledError and its slot is
// free at once. The signal also aborts on ttl, on a shutdown's timeout and on a lost lock.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  CancelledError,
  createQueue,
  Job,
  JobNotFoundError,
  LockLostError,
  ShutdownError,
  TtlExceededError,
  type SavedJob,
} from '../../src/index.js';
import { ScriptStatus } from '../../src/store/script-status.js';
import { expectConsistent } from '../support/check.js';
import { nextEvent, redisClient, redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';

/** Resolves with the signal's reason once it aborts. */
function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

describe('cancel', () => {
  it('a waiting or delayed job never starts, ends failed with the reason, spends no attempt, and says so', async () => {
    // The process queue (createQueue), which Job.cancel works on.
    const queue = createQueue({ prefix: uniquePrefix('cancel'), redis: { port: redisPort } });
    queue.on('error', () => undefined);
    onTestFinished(() => queue.shutdown(1_000));
    const waiting = await queue.create('c', { n: 1 }).attempts(3).save();
    const delayed = await queue.create('c', { n: 2 }).delay(60_000).save();
    const heard: unknown[][] = [];
    queue.on('job cancelled', (...args: unknown[]) => heard.push(args));
    const jobEvent = nextEvent(waiting, 'cancelled');
    expect(await waiting.cancel('not needed any more')).toBe(true);
    expect(await jobEvent).toEqual(['not needed any more']);
    expect(await Job.cancel(delayed.id, (err, ok) => expect(ok).toBe(true))).toBe(true);
    const started: number[] = [];
    queue.process('c', async (job: SavedJob) => void started.push(job.id));
    for (const job of [waiting, delayed]) {
      const stored = await queue.getJob(job.id);
      expect(stored.state()).toBe('failed');
      expect(stored.attempts()).toMatchObject({ made: 0 });
      expect(stored.cancelled).toBe(job === waiting ? 'not needed any more' : '');
      expect(stored.toJSON().error).toBe(job === waiting ? 'cancelled: not needed any more' : 'cancelled');
      expect(stored.toJSON().cancelled).toBe(stored.cancelled);
      expect((await queue.admin.attemptErrors(job.id))[0]).toMatchObject({ attempt: 0 });
    }
    await waitFor(() => heard.length === 2);
    expect(heard[0]).toEqual([waiting.id, 'not needed any more']);
    expect(started).toEqual([]);
    // Finished jobs are left alone; an id with no job is an error.
    expect(await waiting.cancel()).toBe(false);
    await expect(Job.cancel(987_654)).rejects.toBeInstanceOf(JobNotFoundError);
    await expectConsistent(queue);
  });

  it('a running job: its signal aborts with a CancelledError in the process running it, it is not retried, its slot frees at once', async () => {
    const worker = testQueue();
    const canceller = testQueue({ prefix: worker.prefix });
    const reasons: unknown[] = [];
    const started: number[] = [];
    let lateDone: ((err?: unknown, result?: unknown) => void) | undefined;
    worker.process('video', 1, (job: SavedJob, ctx, done) => {
      started.push(job.id);
      if (started.length > 1) return done(null, 'second');
      ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason));
      expect(job.signal).toBe(ctx.signal);
      lateDone = done; // never settles by itself: it ignores the signal on purpose
    });
    const first = await worker.create('video', {}).attempts(3).save();
    const second = await worker.create('video', {}).save();
    await waitFor(() => started.length === 1);
    const failed = nextEvent(first, 'failed');
    expect(await canceller.admin.cancelJobs([first.id], 'user pressed stop')).toEqual({
      cancelled: [first.id],
      finished: [],
      missing: [],
    });
    await waitFor(() => reasons.length === 1, 2_000, 'the signal');
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect(reasons[0]).toMatchObject({ code: 'CANCELLED', reason: 'user pressed stop', jobId: first.id });
    expect((await failed)[0]).toBe('cancelled: user pressed stop');
    // The slot is free although the handler never returned: the second job runs.
    await waitFor(async () => (await worker.getJob(second.id)).state() === 'complete', 3_000, 'the next job');
    lateDone!(null, 'too late');
    await new Promise((r) => setTimeout(r, 100));
    const stored = await worker.getJob(first.id);
    expect(stored.state()).toBe('failed');
    expect(stored.attempts()).toMatchObject({ made: 1, max: 3 });
    expect(stored.result).toBeUndefined();
    await expectConsistent(worker);
  });

  it('aborts the signal when the ttl runs out, when a shutdown times out, and when the lock is lost', async () => {
    const queue = testQueue();
    const reasons = new Map<string, unknown>();
    const started = new Set<string>();
    queue.process('slow', 3, async (job: SavedJob<{ name: string }>, ctx) => {
      started.add(job.data.name);
      reasons.set(job.data.name, await aborted(ctx.signal));
    });
    const ttl = await queue.create('slow', { name: 'ttl' }).ttl(200).save();
    await waitFor(() => reasons.has('ttl'), 3_000, 'the ttl abort');
    expect(reasons.get('ttl')).toBeInstanceOf(TtlExceededError);
    expect((await queue.getJob(ttl.id)).toJSON().error).toBe('TTL exceeded');

    const moved = await queue.create('slow', { name: 'lock' }).save();
    await waitFor(async () => (await queue.getJob(moved.id)).state() === 'active');
    await (await queue.getJob(moved.id)).inactive(); // the worker's lock goes with the move
    await waitFor(() => reasons.has('lock'), 5_000, 'the lock-lost abort');
    expect(reasons.get('lock')).toBeInstanceOf(LockLostError);

    await queue.create('slow', { name: 'shutdown' }).save();
    await waitFor(() => started.has('shutdown'));
    await queue.shutdown(200);
    expect(reasons.get('shutdown')).toBeInstanceOf(ShutdownError);
  });

  it('a worker that missed the message learns at its next lock renewal, with the same CancelledError', async () => {
    const queue = testQueue({ lockDuration: 1_000 });
    const reasons: unknown[] = [];
    queue.process('video', async (_job: SavedJob, ctx) => void reasons.push(await aborted(ctx.signal)));
    const job = await queue.create('video', {}).save();
    await waitFor(async () => (await queue.getJob(job.id)).state() === 'active');
    // The message goes out while this process does not listen (as while its subscriber reconnects).
    const subscriber = (queue as unknown as { subscriber: { unsubscribe(channel: string): Promise<unknown> } })
      .subscriber;
    await subscriber.unsubscribe(queue.store.keys.cancel);
    expect(await redisClient().pubsub('NUMSUB', queue.store.keys.cancel)).toEqual([queue.store.keys.cancel, 0]);
    const cancelledAt = Date.now();
    expect(await job.cancel('late news')).toBe(true);
    await waitFor(() => reasons.length === 1, 3_000, 'the renewal');
    expect(Date.now() - cancelledAt).toBeLessThan(1_500);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect((reasons[0] as CancelledError).reason).toBe('late news');
  });

  it("a report or renewal under a cancelled attempt's lock learns it was cancelled, even once the job is gone", async () => {
    const queue = testQueue({ maintenance: false });
    const next = { type: 'r', count: 0, workerId: 'w/1', lockDuration: 10_000 };
    const [kept, removed] = await queue.saveAll([queue.create('r', {}), queue.create('r', {}).removeOnFail(true)]);
    const { taken } = await queue.store.take({ ...next, count: 2 });
    expect(taken.map((r) => r.id)).toEqual([kept!.id, removed!.id]);
    await queue.admin.cancelJobs([kept!.id, removed!.id], 'stop');
    const held = taken.map((r) => ({ id: r.id, lock: r.lock! }));
    expect(await queue.store.renew(10_000, held)).toEqual([
      { id: kept!.id, cancelled: 'stop' },
      { id: removed!.id, cancelled: 'stop' },
    ]);
    const reply = await queue.store.completeBatch(
      held.map((h) => ({ ...h, resultJson: '' })),
      next,
    );
    expect(reply.statuses).toEqual([ScriptStatus.CANCELLED, ScriptStatus.CANCELLED]);
    // Moved back by hand, the job is no longer a cancelled one, and runs like any other.
    const again = await queue.getJob(kept!.id);
    expect(again.cancelled).toBe('stop');
    await again.inactive();
    expect((await queue.getJob(kept!.id)).cancelled).toBeUndefined();
    await expectConsistent(queue);
  });

  it("keeps the context's methods as ctx's own: destructured, spread, listed", async () => {
    const queue = testQueue();
    const seen: Array<Record<string, unknown>> = [];
    queue.process('c', (_job: SavedJob, ctx, done) => {
      const { rateLimit, pause, id } = ctx;
      seen.push({
        keys: Object.keys(ctx).sort(),
        spread: typeof { ...ctx }.pause,
        rateLimit,
        pause,
        id,
        signal: ctx.signal instanceof AbortSignal,
      });
      done();
    });
    await queue.create('c', {}).save();
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({
      // The signal is a getter of ctx's prototype (made on first read), not an own key.
      keys: ['id', 'pause', 'rateLimit', 'resume', 'shutdown'],
      signal: true,
      spread: 'function',
      rateLimit: expect.any(Function),
      id: expect.stringMatching(/:/),
    });
  });

  it('answers bad input with a TypeError or RangeError and changes nothing', async () => {
    const queue = testQueue();
    const job = await queue.create('c', {}).save();
    await expect(job.cancel(42 as unknown as string)).rejects.toThrow(/cancel reason must be a string, got 42/);
    await expect(job.cancel('x'.repeat(1001))).rejects.toBeInstanceOf(RangeError);
    await expect(Job.cancel('abc')).rejects.toBeInstanceOf(TypeError);
    await expect(queue.admin.cancelAll({ state: 'complete' as never })).rejects.toThrow(/state must be one of/);
    expect((await queue.getJob(job.id)).state()).toBe('inactive');
  });
});
