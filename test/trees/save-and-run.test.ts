// Flows: a parent waits (state waiting) until every child has completed, then runs once and
// reads its children's results; nested flows run bottom-up; a flow is saved all or nothing.
import { describe, expect, it } from 'vitest';
import { FlowConflictError, type SavedJob } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { newJob } from '../support/new-job.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

describe('queue.flow', () => {
  it('saves a parent that waits for its children, runs it after the last one with every result', async () => {
    const queue = testQueue();
    const parent = queue.create('render', { video: 7 });
    const frames = [0, 1, 2, 3, 4].map((n) => queue.create('frame', { n }).priority(n % 2 ? 'high' : 'normal'));
    const heard: unknown[][] = [];
    queue.on('job waiting', (...args: unknown[]) => heard.push(['waiting', ...args]));
    queue.on('job released', (...args: unknown[]) => heard.push(['released', ...args]));
    const saved = await queue.flow(parent, frames);
    expect(saved).toBe(parent);
    expect(saved.id).toBeTypeOf('number');
    expect(frames.map((f) => f.id)).toEqual([1, 2, 3, 4, 5].map((k) => saved.id + k));
    expect(parent.state()).toBe('waiting');
    expect(parent.flow).toEqual({ children: 5, onChildFailure: 'fail', cancelChildren: false });
    expect(frames[2]!.flow).toEqual({ parentId: parent.id });
    expect(await queue.waitingCount()).toBe(1);
    expect(await queue.waiting('render')).toEqual([parent.id]);
    expect(await queue.inactiveCount('frame')).toBe(5);
    await expectConsistent(queue, { waiting: 1, inactive: 5 });
    const loaded = await queue.getJob(saved.id);
    expect(loaded.state()).toBe('waiting');
    expect(loaded.toJSON().flow).toEqual({ children: 5, onChildFailure: 'fail', cancelChildren: false });

    const order: string[] = [];
    let results: Record<string, unknown> | undefined;
    queue.process('frame', async (job: SavedJob) => {
      order.push(`frame ${job.data.n}`);
      return { n: job.data.n, done: true };
    });
    queue.process('render', async (job: SavedJob) => {
      order.push('render');
      results = await job.childResults();
      return 'video.mp4';
    });
    await waitFor(async () => (await queue.completeCount('render')) === 1);
    expect(order.at(-1)).toBe('render');
    expect(order.filter((o) => o === 'render')).toHaveLength(1);
    expect(results).toEqual(Object.fromEntries(frames.map((f) => [String(f.id), { n: f.data.n, done: true }])));
    expect(heard).toContainEqual(['waiting', parent.id, 5]);
    await waitFor(() => heard.some((h) => h[0] === 'released'));
    await expectConsistent(queue, { complete: 6 });
    // The pending set is gone once empty; the results stay with the parent until it is removed.
    const client = redisClient();
    expect(await client.exists(`{${queue.prefix}}:job:${parent.id}:pending`)).toBe(0);
    await (await queue.getJob(saved.id)).remove();
    expect(await client.exists(`{${queue.prefix}}:job:${parent.id}:results`)).toBe(0);
  });

  it('runs a three-level flow bottom-up, with delays, attempts, groups and unique keys among the children', async () => {
    const queue = testQueue();
    const root = queue.create('order', { id: 1 });
    const mids = [0, 1, 2].map((m) => queue.create('section', { m }));
    const leaves = mids.map((_, m) =>
      [0, 1, 2].map((l) => {
        const leaf = queue.create('part', { m, l }).attempts(2);
        if (l === 0) leaf.group(`tenant-${m}`);
        if (l === 1) leaf.unique(`part-${m}-${l}`);
        if (m === 2 && l === 2) leaf.delay(200);
        return leaf;
      }),
    );
    await queue.flow(
      root,
      mids.map((job, m) => ({ job, children: leaves[m]! })),
    );
    expect(await queue.waitingCount()).toBe(4);
    const finished = new Map<string, number>();
    let failedOnce = false;
    queue.process('part', 3, async (job: SavedJob) => {
      if (job.data.m === 1 && job.data.l === 1 && !failedOnce) {
        failedOnce = true;
        throw new Error('flaky');
      }
      finished.set(`part ${job.data.m}.${job.data.l}`, Date.now());
      return job.data.m * 10 + job.data.l;
    });
    const sectionResults: Record<string, Record<string, unknown>> = {};
    queue.process('section', async (job: SavedJob) => {
      const results = await job.childResults();
      sectionResults[job.data.m] = results;
      finished.set(`section ${job.data.m}`, Date.now());
      return Object.values(results).reduce((a: number, b) => a + (b as number), 0);
    });
    let rootResults: Record<string, unknown> = {};
    queue.process('order', async (job: SavedJob) => {
      rootResults = await job.childResults();
      finished.set('order', Date.now());
    });
    await waitFor(async () => (await queue.completeCount('order')) === 1, 10_000);
    expect(failedOnce).toBe(true);
    for (let m = 0; m < 3; m++) {
      for (let l = 0; l < 3; l++)
        expect(finished.get(`part ${m}.${l}`)!).toBeLessThanOrEqual(finished.get(`section ${m}`)!);
      expect(finished.get(`section ${m}`)!).toBeLessThanOrEqual(finished.get('order')!);
      expect(Object.values(sectionResults[m]!).sort()).toEqual([m * 10, m * 10 + 1, m * 10 + 2]);
    }
    expect(rootResults).toEqual(Object.fromEntries(mids.map((s, m) => [String(s.id), 3 * m * 10 + 3])));
    await expectConsistent(queue, { complete: 13 });
  });

  it('is all or nothing: a child whose unique key is held fails the whole flow, and nothing is written', async () => {
    const queue = testQueue();
    const holder = await queue.create('sync', {}).unique('account-7').save();
    const client = redisClient();
    const before = await client.get(`{${queue.prefix}}:ids`);
    const parent = queue.create('report', {});
    const children = [queue.create('sync', { a: 1 }), queue.create('sync', { b: 2 }).unique('account-7')];
    const err = await queue.flow(parent, children).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowConflictError);
    expect(err).toMatchObject({
      code: 'FLOW_CONFLICT',
      place: 'children[1]',
      uniqueKey: 'account-7',
      holderId: holder.id,
    });
    expect(await client.get(`{${queue.prefix}}:ids`)).toBe(before);
    expect(parent.id).toBeUndefined();
    await expectConsistent(queue, { inactive: 1 });
    // The same Job objects go through once the key is free.
    await holder.remove();
    await queue.flow(parent, children);
    expect(parent.id).toBeTypeOf('number');
    await expectConsistent(queue, { waiting: 1, inactive: 2 });
  });

  it('a flow sent again (its reply lost, the caller retrying) is made once: the first send answers', async () => {
    const queue = testQueue();
    const tree = [
      {
        job: newJob('p', {}),
        parent: -1,
        node: { children: 2, onChildFailure: 'fail' as const, cancelChildren: false },
      },
      { job: newJob('c', { n: 1 }), parent: 0 },
      { job: newJob('c', { n: 2 }), parent: 0 },
    ];
    const sends: string[] = [];
    const first = await queue.store.trees.save(tree, sends);
    expect(sends).toHaveLength(1);
    const again = await queue.store.trees.save(tree, sends);
    expect(again).toEqual(first);
    expect(sends).toHaveLength(2);
    await expectConsistent(queue, { waiting: 1, inactive: 2 });
  });
});
