// A sandboxed processor's handler works as an in-process one: promise and done styles, ES
// modules and CommonJS, job.id / type / data, log and progress written to Redis.
import { describe, expect, it } from 'vitest';
import { testQueue } from '../support/setup.js';
import { fixture, ISOLATIONS, settled } from './support.js';

describe.each(ISOLATIONS)('a sandboxed processor (isolation %s)', (isolation) => {
  it('an ES module exporting an async function gets job.id, type and data (a JSON round trip) and ctx.signal; log and progress reach Redis', async () => {
    const queue = testQueue();
    queue.process('echo', 2, fixture('echo.mjs'), { isolation });
    const data = { text: 'héllo', list: [1, 2.5, null], nested: { ok: true } };
    const job = await queue.create('echo', data).save();
    const [stored] = await settled(queue, [job]);
    expect(stored!.state()).toBe('complete');
    expect(stored!.result).toEqual({
      id: job.id,
      type: 'echo',
      data,
      hasSignal: true,
      ctxId: expect.any(String) as string,
    });
    expect(await queue.log(job.id!)).toEqual(['got echo with 3 keys']);
    expect(stored!.progress()).toBe(100);
  });

  it('a CommonJS module.exports = (job, done) handler completes through done(null, result)', async () => {
    const queue = testQueue();
    queue.process('double', fixture('echo-done.cjs'), { isolation });
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.create('double', { n }).save()));
    const stored = await settled(queue, jobs);
    expect(stored.map((j) => j.result)).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
    expect(await queue.log(jobs[0]!.id!)).toEqual(['done style']);
  });

  it('a (job, ctx, done) handler gets ctx.signal and ctx.id; done(err) fails the attempt with its message', async () => {
    const queue = testQueue();
    queue.process('three', 2, fixture('echo-ctx-done.mjs'), { isolation });
    const ok = await queue.create('three', { n: 1 }).save();
    const bad = await queue.create('three', { n: 2, fail: true }).save();
    const [done, failed] = await settled(queue, [ok, bad]);
    expect(done!.result).toEqual({ n: 1, signal: 'boolean', ctxId: expect.any(String) as string });
    expect(failed!.state()).toBe('failed');
    expect(failed!.toJSON().error).toBe('no 2');
  });

  it('an error thrown by the handler fails the attempt with its message and the stack from the child', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation });
    const job = await queue.create('b', { do: 'fail', why: 'testing' }).save();
    const [stored] = await settled(queue, [job]);
    expect(stored!.toJSON().error).toBe('failed on purpose: testing');
    expect(stored!._stack).toMatch(/RangeError: failed on purpose: testing\n\s+at .*behaviours\.cjs/);
  });
});
