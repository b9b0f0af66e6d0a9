// Children are replaced: after recycleAfterJobs jobs, after idleTimeout idle, when they report more memory than
// maxMemoryMb after a job, and when a job outgrows the heap limit maxMemoryMb sets (that
// attempt fails with "ran out of memory"); the pool's other jobs complete meanwhile.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { isAlive } from '../support/children.js';
import { testQueue } from '../support/setup.js';
import { childOf, fixture, ISOLATIONS, settled, type Where } from './support.js';

/** Saves the jobs one at a time, each after the previous finished, and returns them as stored. */
async function oneByOne(queue: ReturnType<typeof testQueue>, type: string, datas: object[]) {
  const out = [];
  for (const data of datas) {
    const job = await queue.create(type, data).save();
    out.push(...(await settled(queue, [job])));
  }
  return out;
}

describe.each(ISOLATIONS)('sandbox children are replaced (isolation %s)', (isolation) => {
  it('recycleAfterJobs: 3 replaces a child after its third job', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation, recycleAfterJobs: 3 });
    const stored = await oneByOne(
      queue,
      'b',
      Array.from({ length: 7 }, () => ({ do: 'sleep', ms: 1 })),
    );
    const wheres = stored.map((j) => j.result as Where);
    expect(wheres.map((w) => w.runs)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(new Set(wheres.map(childOf)).size).toBe(3);
  });

  it('idleTimeout: a child idle that long exits; the next job starts a new one', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation, idleTimeout: 150 });
    const [first, second] = await oneByOne(queue, 'b', [
      { do: 'sleep', ms: 1 },
      { do: 'sleep', ms: 1 },
    ]);
    expect(childOf(second!.result as Where)).toBe(childOf(first!.result as Where));
    await new Promise((r) => setTimeout(r, 400));
    if (isolation === 'process') expect(isAlive((first!.result as Where).pid)).toBe(false);
    const [third] = await oneByOne(queue, 'b', [{ do: 'sleep', ms: 1 }]);
    expect(childOf(third!.result as Where)).not.toBe(childOf(first!.result as Where));
    expect((third!.result as Where).runs).toBe(1);
  });

  it('a child holding more than maxMemoryMb (Buffers outside the heap) after a job is replaced before the next', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation, maxMemoryMb: 64 });
    // 40 MB kept per job: under the limit after the first job, over it after the second.
    const stored = await oneByOne(
      queue,
      'b',
      Array.from({ length: 4 }, () => ({ do: 'retain', mb: 40 })),
    );
    expect(stored.map((j) => j.state())).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(stored.map((j) => (j.result as Where).runs)).toEqual([1, 2, 1, 2]);
  });

  it('a job that outgrows maxMemoryMb fails with "ran out of memory" while 6 other jobs of the pool complete', async () => {
    const queue = testQueue();
    queue.process('b', 3, fixture('behaviours.cjs'), { isolation, maxMemoryMb: 32 });
    const others = Array.from({ length: 6 }, () => queue.create('b', { do: 'sleep', ms: 30 }));
    const jobs = await queue.saveAll([others[0]!, queue.create('b', { do: 'hog' }), ...others.slice(1)]);
    const stored = await settled(queue, jobs, 20_000);
    expect(stored[1]!.toJSON().error).toBe('sandboxed processor ran out of memory (maxMemoryMb 32)');
    expect(stored.filter((j) => j.state() === 'complete')).toHaveLength(6);
    await expectConsistent(queue, { complete: 6, failed: 1 });
  });
});
