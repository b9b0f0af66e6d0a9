// Fair groups: jobs of one type are taken in turn across their groups, priority and FIFO
// within a group; grouped jobs are ordinary jobs in every list, count, move and retry.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { testQueue, waitFor } from '../support/setup.js';

describe('fair groups', () => {
  it(
    'a group with 10,000 waiting jobs delays the small groups by about one job per group',
    { timeout: 60_000 },
    async () => {
      const queue = testQueue();
      const big = Array.from({ length: 10_000 }, (_, n) => queue.create('sync', { n }).group('big'));
      await queue.saveAll(big);
      const small = await queue.saveAll(
        ['small-1', 'small-2'].flatMap((g) =>
          Array.from({ length: 10 }, (_, n) => queue.create('sync', { g, n }).group(g)),
        ),
      );
      const order: number[] = [];
      queue.process('sync', 1, async (job: Job) => void order.push(job.id!));
      await waitFor(() => order.length >= 40, 20_000);
      await queue.shutdown(1_000, 'sync');
      const firstForty = new Set(order.slice(0, 40));
      expect(small.filter((j) => !firstForty.has(j.id!))).toEqual([]);
      // In turn: never two small jobs of one group in a row while the others wait.
      expect(order.slice(0, 6).map((id) => (id > big.at(-1)!.id! ? 'small' : 'big'))).toEqual(
        expect.arrayContaining(['big', 'small']),
      );
    },
  );

  it('orders by priority then FIFO within a group, and gives jobs without a group their turn', async () => {
    const queue = testQueue();
    const [a1, a2, a3] = await queue.saveAll([
      queue.create('t', { n: 'a1' }).group('a'),
      queue.create('t', { n: 'a2' }).group('a'),
      queue.create('t', { n: 'a3' }).group('a').priority('high'),
    ]);
    const loose = await queue.create('t', { n: 'loose' }).save();
    const order: string[] = [];
    queue.process('t', 1, async (job: Job<{ n: string }>) => void order.push(job.data.n));
    await waitFor(() => order.length === 4);
    expect(order.filter((n) => n.startsWith('a'))).toEqual(['a3', 'a1', 'a2']);
    expect(order.indexOf('loose')).toBeLessThanOrEqual(1);
    expect([a1, a2, a3].every((j) => j!.group() === 'a')).toBe(true);
    expect(loose.group()).toBeUndefined();
    await expectConsistent(queue);
  });

  it('lists, counts, removes, moves and retries grouped jobs like any other', async () => {
    const queue = testQueue();
    const [one, two, three] = await queue.saveAll(
      ['x', 'x', 'y'].map((g, n) => queue.create('g', { n }).group(g).attempts(2)),
    );
    expect(await queue.inactiveCount('g')).toBe(3);
    expect((await queue.inactive()).length).toBe(3);
    expect((await queue.getJob(one!.id!)).toJSON().group).toBe('x');
    await (await queue.getJob(two!.id!)).remove();
    await (await queue.getJob(three!.id!)).delayed();
    expect(await queue.inactiveCount('g')).toBe(1);
    await (await queue.getJob(three!.id!)).inactive();
    let failedOnce = false;
    const seen: number[] = [];
    queue.process('g', 1, (job: Job, done) => {
      seen.push(job.id!);
      if (!failedOnce) {
        failedOnce = true;
        return done(new Error('first attempt fails'));
      }
      done();
    });
    await waitFor(async () => (await queue.completeCount('g')) === 2, 5_000);
    expect(seen.length).toBe(3);
    await expectConsistent(queue);
  });
});
