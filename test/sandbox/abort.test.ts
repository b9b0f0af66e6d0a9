// When the parent aborts an attempt, the child's ctx.signal aborts with the reason; a child
// that has not settled abortGraceMs later is killed and replaced; nothing an aborted child
// reports afterwards counts.
import { describe, expect, it } from 'vitest';
import type { DoneAndContext } from '../../src/index.js';
import { sandboxedProcessor } from '../../src/sandbox/sandboxed-processor.js';
import { testQueue, waitFor } from '../support/setup.js';
import { childOf, fixture, ISOLATIONS, settled, type Where } from './support.js';

/** A job as the parent's worker hands it to a handler, recording what the child sends. */
function fakeJob(id: number, data: object) {
  const lines: string[] = [];
  return {
    id,
    type: 'b',
    data,
    lines,
    log: (line: string) => lines.push(line),
    progress: () => undefined,
    // No flow's parent: no children, as a real job reads it.
    childResults: () => Promise.resolve({}),
    childFailures: () => Promise.resolve({}),
  };
}

/** The ctx the parent's worker gives handlers, with a signal of the test's own. */
const ctxWith = (signal: AbortSignal) => ({ id: 'test-worker', signal }) as unknown as DoneAndContext;

describe.each(ISOLATIONS)('aborting a sandboxed job (isolation %s)', (isolation) => {
  it("a job's ttl aborts the child's ctx.signal with the TTL error; a handler that settles keeps its child", async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation });
    // The child started first, so the ttl below ends a running job, not a load.
    await settled(queue, [await queue.create('b', { do: 'sleep', ms: 1 }).save()]);
    const waiting = await queue.create('b', { do: 'wait-abort' }).ttl(300).save();
    const [failed] = await settled(queue, [waiting]);
    expect(failed!.toJSON().error).toBe('TTL exceeded');
    await waitFor(async () => (await queue.log(waiting.id!)).length > 0, 5_000, "the child's log line");
    expect(await queue.log(waiting.id!)).toEqual(['aborted: TTL exceeded']);
    const next = await queue.create('b', { do: 'sleep', ms: 1 }).save();
    const [done] = await settled(queue, [next]);
    expect((done!.result as Where).runs).toBe(3);
  });

  it('job.cancel from another queue object aborts the running child with the CancelledError; the job ends failed', async () => {
    const queue = testQueue();
    const canceller = testQueue({ prefix: queue.prefix });
    queue.process('b', fixture('behaviours.cjs'), { isolation });
    await settled(queue, [await queue.create('b', { do: 'sleep', ms: 1 }).save()]);
    const running = await queue.create('b', { do: 'wait-abort' }).attempts(3).save();
    await waitFor(async () => (await queue.getJob(running.id!)).state() === 'active');
    expect(await canceller.admin.cancelJobs([running.id!], 'user pressed stop')).toMatchObject({
      cancelled: [running.id],
    });
    await waitFor(async () => (await queue.log(running.id!)).length > 0, 5_000, "the child's log line");
    expect(await queue.log(running.id!)).toEqual([`aborted: job ${running.id} was cancelled: user pressed stop`]);
    const stored = await queue.getJob(running.id!);
    expect(stored.toJSON()).toMatchObject({ state: 'failed', cancelled: 'user pressed stop' });
    expect(stored.attempts()).toMatchObject({ made: 1, max: 3 });
    // The pool goes on: the next job runs.
    await settled(queue, [await queue.create('b', { do: 'sleep', ms: 1 }).save()]);
  });

  it('a child that ignores the abort is killed abortGraceMs later and the next job runs in a new child', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation, abortGraceMs: 300 });
    const first = await queue.create('b', { do: 'sleep', ms: 1 }).save();
    const [warm] = await settled(queue, [first]);
    const stuck = await queue.create('b', { do: 'ignore-abort' }).ttl(200).save();
    const [failed] = await settled(queue, [stuck]);
    expect(failed!.toJSON().error).toBe('TTL exceeded');
    const next = await queue.create('b', { do: 'sleep', ms: 1 }).save();
    const [done] = await settled(queue, [next]);
    expect(childOf(done!.result as Where)).not.toBe(childOf(warm!.result as Where));
    expect((done!.result as Where).runs).toBe(1);
  });

  it("an aborted ctx.signal from the parent's worker reaches the child with its reason; a late result is ignored", async () => {
    const sandbox = sandboxedProcessor(fixture('behaviours.cjs'), { isolation, abortGraceMs: 1_000 }, () => undefined);
    try {
      // A first job starts the child, so the abort below reaches a running job, not a load.
      await sandbox.handler(fakeJob(1, { do: 'sleep', ms: 1 }), ctxWith(new AbortController().signal), () => undefined);
      const controller = new AbortController();
      const job = fakeJob(1, { do: 'wait-abort' });
      const running = sandbox.handler(job, ctxWith(controller.signal), () => undefined) as Promise<unknown>;
      setTimeout(() => controller.abort(new Error('cancelled by the test')), 100);
      await expect(running).rejects.toThrow('cancelled by the test');
      expect(job.lines).toEqual(['aborted: cancelled by the test']);

      // The child resolves after the abort: the run still rejects with the abort reason.
      const late = new AbortController();
      const lateJob = fakeJob(2, { do: 'resolve-after-abort' });
      const lateRun = sandbox.handler(lateJob, ctxWith(late.signal), () => undefined) as Promise<unknown>;
      setTimeout(() => late.abort(new Error('too late')), 50);
      await expect(lateRun).rejects.toThrow('too late');
      expect(sandbox.pool.size).toBe(1);
    } finally {
      await sandbox.close();
    }
    expect(sandbox.pool.size).toBe(0);
  });

  it('an already aborted signal runs nothing', async () => {
    const sandbox = sandboxedProcessor(fixture('behaviours.cjs'), { isolation }, () => undefined);
    try {
      const running = sandbox.handler(
        fakeJob(1, { do: 'sleep' }),
        ctxWith(AbortSignal.abort(new Error('no'))),
        () => undefined,
      ) as Promise<unknown>;
      await expect(running).rejects.toThrow('no');
      expect(sandbox.pool.started).toBe(0);
    } finally {
      await sandbox.close();
    }
  });
});
