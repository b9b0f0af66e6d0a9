// A flow's parent run by a sandboxed processor reads its children's results and failures
// (job.childResults(), job.childFailures()) through the parent process: the same values as
// the real Job's, Redis's errors as rejections, and no read outliving its run.
import { describe, expect, it } from 'vitest';
import type { SavedJob } from '../../src/index.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';
import { fixture, ISOLATIONS, settled } from './support.js';

/** Children that return `{n}`, or fail with `broken n` when their data says so. */
const parts = async (job: SavedJob) => {
  if (job.data.fail) throw new Error(`broken ${job.data.n}`);
  return { n: job.data.n };
};

describe.each(ISOLATIONS)('a sandboxed flow parent (isolation %s)', (isolation) => {
  it('returns await job.childResults(): the children results by id, as Job#childResults() reads them', async () => {
    const queue = testQueue();
    const children = [1, 2, 3].map((n) => queue.create('part', { n }));
    const parent = await queue.flow(queue.create('assemble', { read: 'results' }), children);
    queue.process('part', parts);
    queue.process('assemble', fixture('flow-parent.mjs'), { isolation });
    const [stored] = await settled(queue, [parent]);
    expect(stored!.state()).toBe('complete');
    expect(stored!.result).toEqual(Object.fromEntries(children.map((c) => [String(c.id), { n: c.data.n }])));
    expect(stored!.result).toEqual(await stored!.childResults());
  });

  it("sees a child that failed under onChildFailure 'ignore' in job.childFailures()", async () => {
    const queue = testQueue();
    const ok = queue.create('part', { n: 1 });
    const bad = queue.create('part', { n: 2, fail: true });
    const parent = await queue.flow(queue.create('assemble', { read: 'both' }), [ok, bad], {
      onChildFailure: 'ignore',
    });
    queue.process('part', parts);
    queue.process('assemble', fixture('flow-parent.mjs'), { isolation });
    const [stored] = await settled(queue, [parent]);
    expect(stored!.state()).toBe('complete');
    expect(stored!.result).toEqual({
      results: { [String(ok.id)]: { n: 1 } },
      failures: { [String(bad.id)]: { error: 'broken 2', code: 'FAILED' } },
    });
    expect(stored!.result).toEqual({ results: await stored!.childResults(), failures: await stored!.childFailures() });
  });

  it("gets Redis's error as a rejection with its message, and a read its run did not wait for rejects when the run ends", async () => {
    const queue = testQueue();
    const parent = await queue.flow(queue.create('assemble', { read: 'error' }), [queue.create('part', { n: 1 })]);
    queue.process('part', parts);
    await waitFor(async () => (await queue.getJob(parent.id)).state() === 'inactive');
    // The released parent's results are no hash any more: reading them fails in Redis.
    await redisClient().set(`{${queue.prefix}}:job:${parent.id}:results`, 'not a hash');
    queue.process('assemble', fixture('flow-parent.mjs'), { isolation });
    const [failedRead] = await settled(queue, [parent]);
    expect(failedRead!.state()).toBe('complete');
    expect(failedRead!.result).toEqual({ name: 'ReplyError', message: expect.stringMatching(/^WRONGTYPE/) as string });

    // One child (concurrency 1, the idle child is reused): the second job reports what the
    // first one's abandoned read was rejected with.
    const abandon = await queue.create('assemble', { read: 'abandon' }).save();
    const [abandoned] = await settled(queue, [abandon]);
    const report = await queue.create('assemble', { read: 'late-error' }).save();
    const [reported] = await settled(queue, [report]);
    expect(abandoned!.result).toBe('abandoned');
    expect(reported!.result).toBe(`job ${abandon.id} finished before its childFailures() was answered`);
  });
});
