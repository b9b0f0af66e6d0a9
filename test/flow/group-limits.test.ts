// Per-group limits and pausing, the listing of groups, and bad input for groups.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { mostAtOnce, runsOf } from '../support/runs.js';
import { expectConsistent } from '../support/check.js';
import { testQueue, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('groups: limits, pausing, listing', () => {
  it('a group concurrency caps each group, not the type; other groups keep going', async () => {
    const queue = testQueue();
    await queue.limit('t', { group: { concurrency: 2 } });
    const a = await queue.saveAll(Array.from({ length: 6 }, (_, n) => queue.create('t', { n }).group('a')));
    const b = await queue.saveAll(Array.from({ length: 6 }, (_, n) => queue.create('t', { n }).group('b')));
    queue.process('t', 10, async () => sleep(100));
    await waitFor(async () => (await queue.completeCount('t')) === 12, 5_000);
    const ofA = await runsOf(
      queue,
      a.map((j) => j.id),
    );
    const all = await runsOf(
      queue,
      [...a, ...b].map((j) => j.id),
    );
    expect(mostAtOnce(ofA)).toBe(2);
    expect(mostAtOnce(all)).toBe(4);
    expect((await queue.limits())[0]!.group).toEqual({ rate: null, concurrency: 2 });
    await expectConsistent(queue);
  });

  it('a group rate spaces out each group: no window of 500 ms sees 3 starts of one group', async () => {
    const queue = testQueue();
    await queue.limit('t', { group: { rate: { max: 2, duration: 500 } } });
    const a = await queue.saveAll(Array.from({ length: 6 }, (_, n) => queue.create('t', { n }).group('a')));
    queue.process('t', 5, async () => undefined);
    await waitFor(async () => (await queue.completeCount('t')) === 6, 5_000);
    const starts = (
      await runsOf(
        queue,
        a.map((j) => j.id),
      )
    )
      .map((r) => r.start)
      .sort((x, y) => x - y);
    expect(Math.min(...starts.slice(2).map((s, i) => s - starts[i]!))).toBeGreaterThanOrEqual(500);
  });

  it('pauses and resumes one group in every process, and lists groups largest first', async () => {
    const queue = testQueue();
    await queue.saveAll([
      ...Array.from({ length: 3 }, () => queue.create('t', {}).group('paused-one')),
      ...Array.from({ length: 2 }, () => queue.create('t', {}).group('other')),
    ]);
    expect(await queue.pauseGroup('t', 'paused-one')).toBe(true);
    expect(await queue.pauseGroup('t', 'paused-one')).toBe(false);
    expect(await queue.groups('t')).toEqual([
      { group: 'paused-one', waiting: 3, active: 0, paused: true },
      { group: 'other', waiting: 2, active: 0, paused: false },
    ]);
    const done: string[] = [];
    queue.process('t', 2, async (job: Job) => void done.push(job.group()!));
    await waitFor(() => done.length === 2);
    await sleep(200);
    expect(done).toEqual(['other', 'other']);
    expect(await queue.resumeGroup('t', 'paused-one')).toBe(true);
    await waitFor(() => done.length === 5, 2_000, 'the resumed group');
    expect(await queue.groups('t')).toEqual([]);
  });

  it('keeps paused groups in a cut list whatever their size', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll([
      ...[1, 2, 3].map(() => queue.create('t', {}).group('big')),
      ...[1, 2].map(() => queue.create('t', {}).group('mid')),
      queue.create('t', {}).group('small'),
    ]);
    await queue.pauseGroup('t', 'small');
    const { groups } = await queue.store.flow.groups('t', 2);
    expect(groups.map((g) => g.group)).toEqual(['big', 'small']);
  });

  it('lists the largest of 2,000 groups from their counts, which stay exact through takes, removes and moves', async () => {
    const queue = testQueue({ maintenance: false });
    // Twenty-one groups of distinct sizes above the rest: ties at the cut are in Redis order.
    const sizeOf = (g: number) => (g % 97 === 0 ? 5 + g / 97 : 1);
    await queue.saveAll(
      Array.from({ length: 2_000 }, (_, g) =>
        Array.from({ length: sizeOf(g) }, () => queue.create('t', { g }).group(`g${g}`)),
      ).flat(),
    );
    const { total, groups } = await queue.store.flow.groups('t', 5);
    expect(total).toBe(2_000);
    const expected = Array.from({ length: 2_000 }, (_, g) => ({ group: `g${g}`, waiting: sizeOf(g) }))
      .sort((a, b) => b.waiting - a.waiting || (a.group < b.group ? -1 : 1))
      .slice(0, 5);
    expect(groups.map((g) => ({ group: g.group, waiting: g.waiting }))).toEqual(expected);
    // A removal, moves to delayed and to complete, and takes all keep the counts.
    const [first, second, third] = await queue.inactive('t');
    await (await queue.getJob(first!)).remove();
    await (await queue.getJob(second!)).delayed();
    await (await queue.getJob(third!)).complete();
    await expectConsistent(queue);
    const taken: Job[] = [];
    queue.process('t', 3, async (job: Job) => void taken.push(job));
    await waitFor(() => taken.length >= 30, 5_000);
    await queue.shutdown(1_000, 't');
    await expectConsistent(queue);
  });

  it('refuses a bad group or group limit with a TypeError or RangeError, writing nothing', async () => {
    const queue = testQueue();
    expect(() => queue.create('t', {}).group('')).toThrow(RangeError);
    expect(() => queue.create('t', {}).group(5 as unknown as string)).toThrow(
      /group must be a non-empty string, got 5/,
    );
    await expect(queue.limit('t', { group: { burst: 1 } as never })).rejects.toThrow(
      /limit group: unknown option "burst"/,
    );
    await expect(queue.limit('t', { group: { concurrency: 0 } })).rejects.toThrow(RangeError);
    await expect(queue.pauseGroup('t', '')).rejects.toThrow(RangeError);
    const saved = await queue.create('t', {}).group('g').save();
    expect(() => saved.group('other')).toThrow(/is saved: its group cannot change/);
    expect(await queue.limits()).toEqual([]);
  });
});
