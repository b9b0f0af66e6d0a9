// What a child's failure does to its flow's parent: 'fail' (default) fails a waiting parent at
// once, 'ignore' lets it run, 'remove-parent' removes it; cancelChildren cancels the siblings.
// Every way a child can end badly counts: attempts spent, ttl, cancel, removal, a move to failed.
import { describe, expect, it } from 'vitest';
import { ChildFailedError, type Job, type Queue, type SavedJob } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { testQueue, waitFor } from '../support/setup.js';

async function stateOf(queue: Queue, id: number): Promise<string | undefined> {
  return (await queue.loadJobs([id]))[0]?.state();
}

/** A parent of type `p` with children of type `c` (data {n}); the parent's handler counts its runs. */
async function family(queue: Queue, n: number, options = {}, decorate: (job: Job, i: number) => void = () => {}) {
  const parent = queue.create('p', {});
  const children = Array.from({ length: n }, (_, i) => {
    const child = queue.create('c', { n: i });
    decorate(child, i);
    return child;
  });
  await queue.flow(parent, children, options);
  return { parent: parent as SavedJob, children: children as SavedJob[] };
}

describe('a child that ends badly, by default', () => {
  const triggers: Array<[string, (queue: Queue, child: SavedJob) => Promise<void>, string]> = [
    [
      'its last attempt fails',
      async (queue) => {
        queue.process('c', async (job: SavedJob) => {
          if (job.data.n === 0) throw new Error('boom');
        });
      },
      'failed: boom',
    ],
    [
      'it runs past its ttl',
      async (queue) => {
        queue.process('c', (job: SavedJob, done: (err?: Error) => void) => {
          if (job.data.n !== 0) done();
        });
      },
      'failed: TTL exceeded',
    ],
    [
      'it is cancelled',
      async (_queue, child) => void (await child.cancel('no longer needed')),
      'was cancelled: no longer needed',
    ],
    ['it is removed', async (_queue, child) => void (await child.remove()), 'was removed'],
    ['it is moved to failed', async (_queue, child) => void (await child.failed()), 'was moved to failed'],
  ];

  it.each(triggers)('fails the waiting parent at once when %s, naming the child', async (_what, trigger, said) => {
    const queue = testQueue();
    const { parent, children } = await family(queue, 3, {}, (job, i) => i === 0 && job.ttl(300));
    let parentRuns = 0;
    queue.process('p', async () => void parentRuns++);
    const failed = new Promise<unknown[]>((resolve) =>
      queue.on('job failed', (id: number, ...rest: unknown[]) => id === parent.id && resolve(rest)),
    );
    await trigger(queue, children[0]!);
    const [message] = await failed;
    expect(message).toBe(`child ${children[0]!.id} ${said}`);
    const loaded = await queue.getJob(parent.id);
    expect(loaded.state()).toBe('failed');
    expect(loaded.flow?.failedChild).toBe(children[0]!.id);
    const err = ChildFailedError.of(loaded);
    expect(err).toBeInstanceOf(ChildFailedError);
    expect(err).toMatchObject({ code: 'CHILD_FAILED', jobId: parent.id, childId: children[0]!.id, message });
    const attempts = await queue.admin.attemptErrors(parent.id);
    expect(attempts.at(-1)).toMatchObject({ error: message, code: 'CHILD_FAILED' });
    expect(Object.keys(await loaded.childFailures())).toEqual([String(children[0]!.id)]);
    // Its siblings go on (cancelChildren is off), and the parent never runs.
    if (_what.startsWith('its') || _what.startsWith('it runs')) {
      await waitFor(async () => (await queue.completeCount('c')) === 2, 5_000);
    }
    expect(parentRuns).toBe(0);
  });

  it('settles the grandparent too, which fails in turn', async () => {
    const queue = testQueue();
    const root = queue.create('root', {});
    const mid = queue.create('p', {});
    const leaf = queue.create('c', {});
    await queue.flow(root, [{ job: mid, children: [leaf] }, queue.create('c', {})]);
    await leaf.cancel();
    await waitFor(async () => (await stateOf(queue, root.id!)) === 'failed');
    const loaded = await queue.getJob(root.id!);
    expect(loaded.flow?.failedChild).toBe(mid.id);
    expect(loaded.toJSON().error).toBe(`child ${mid.id} failed: child ${leaf.id} was cancelled`);
    await expectConsistent(queue, { failed: 3, inactive: 1 });
  });

  it('with cancelChildren, cancels the pending siblings (and their own children)', async () => {
    const queue = testQueue();
    const parent = queue.create('p', {});
    const bad = queue.create('c', { n: 0 });
    const sibling = queue.create('c', { n: 1 });
    const nested = queue.create('n', {});
    const grandchild = queue.create('c', { n: 2 });
    await queue.flow(parent, [bad, sibling, { job: nested, children: [grandchild] }], { cancelChildren: true });
    await bad.cancel('stop');
    await waitFor(async () => (await queue.failedCount()) === 5, 5_000);
    for (const job of [sibling, nested, grandchild]) {
      const loaded = await queue.getJob(job.id!);
      expect(loaded.cancelled).toMatch(/^parent \d+ /);
    }
    expect((await queue.getJob(sibling.id!)).cancelled).toBe(`parent ${parent.id} is failed`);
    await expectConsistent(queue, { failed: 5 });
  });
});

describe("onChildFailure: 'ignore'", () => {
  it('runs the parent once the others complete; it sees the failed child apart from the results', async () => {
    const queue = testQueue();
    const heard: unknown[][] = [];
    queue.on('job child failed', (...args: unknown[]) => heard.push(args));
    const { parent, children } = await family(queue, 3, { onChildFailure: 'ignore' });
    queue.process('c', async (job: SavedJob) => {
      if (job.data.n === 1) throw new Error('bad frame');
      return job.data.n;
    });
    let seen: unknown[] = [];
    queue.process('p', async (job: SavedJob) => {
      seen = [await job.childResults(), await job.childFailures()];
    });
    await waitFor(async () => (await queue.completeCount('p')) === 1, 5_000);
    const [a, , c] = children.map((child) => String(child.id));
    expect(seen).toEqual([{ [a!]: 0, [c!]: 2 }, { [String(children[1]!.id)]: { error: 'bad frame', code: 'FAILED' } }]);
    expect(heard).toEqual([[parent.id, children[1]!.id, 'bad frame']]);
  });
});

describe("onChildFailure: 'remove-parent'", () => {
  it('removes the parent and settles the grandparent as removed', async () => {
    const queue = testQueue();
    const root = queue.create('root', {});
    const mid = queue.create('p', {});
    const leaves = [queue.create('c', { n: 0 }), queue.create('c', { n: 1 })];
    await queue.flow(root, [{ job: mid, children: leaves, onChildFailure: 'remove-parent' }], {
      onChildFailure: 'ignore',
    });
    const removed = new Promise<unknown>((resolve) =>
      queue.on('job remove', (id: number) => id === mid.id && resolve(id)),
    );
    await leaves[0]!.cancel();
    await removed;
    expect(await queue.loadJobs([mid.id!])).toEqual([]);
    const rootJob = await queue.getJob(root.id!);
    expect(await rootJob.childFailures()).toEqual({
      [String(mid.id)]: { error: `removed (child ${leaves[0]!.id} was cancelled)`, code: 'REMOVED' },
    });
    // With 'ignore', the root no longer waits: it runs.
    expect(rootJob.state()).toBe('inactive');
    // The other leaf is left to run, its parent gone.
    expect(await stateOf(queue, leaves[1]!.id!)).toBe('inactive');
    await expectConsistent(queue, { inactive: 2, failed: 1 });
  });
});

describe('moving, removing and cancelling by hand', () => {
  it('a child moved to complete settles as done; one moved back is waited for again', async () => {
    const queue = testQueue();
    const { parent, children } = await family(queue, 2);
    await children[0]!.complete();
    await children[0]!.inactive();
    await children[1]!.complete();
    expect(await stateOf(queue, parent.id)).toBe('waiting');
    await children[0]!.complete();
    await waitFor(async () => (await stateOf(queue, parent.id)) === 'inactive');
    expect(await (await queue.getJob(parent.id)).childResults()).toEqual({
      [String(children[0]!.id)]: null,
      [String(children[1]!.id)]: null,
    });
    await expectConsistent(queue, { inactive: 1, complete: 2 });
  });

  it('removing a parent removes its pending subtree, or keeps it with children: keep', async () => {
    const queue = testQueue();
    const { parent, children } = await family(queue, 3);
    await children[0]!.complete();
    await parent.remove();
    expect(await queue.loadJobs(children.map((c) => c.id))).toHaveLength(1);
    await expectConsistent(queue, { complete: 1 });

    const kept = await family(queue, 2);
    await kept.parent.remove({ children: 'keep' });
    expect(await queue.inactiveCount('c')).toBe(2);
    await expectConsistent(queue, { complete: 1, inactive: 2 });
    await expect(kept.children[0]!.remove({ children: 'all' as 'keep' })).rejects.toThrow(RangeError);
  });

  it('cancelAll cancels waiting parents too, with their children', async () => {
    const queue = testQueue();
    const { parent } = await family(queue, 2, { onChildFailure: 'ignore' });
    // The parent; its children go with it (not counted).
    expect(await queue.admin.cancelAll()).toBe(1);
    expect((await queue.getJob(parent.id)).cancelled).toBe('');
    await expectConsistent(queue, { failed: 3 });
  });

  it('cancelling a waiting parent cancels its pending children, unless children: keep', async () => {
    const queue = testQueue();
    const { parent, children } = await family(queue, 3);
    expect(await parent.cancel('changed my mind')).toBe(true);
    expect(await queue.failedCount('c')).toBe(3);
    expect((await queue.getJob(children[2]!.id)).cancelled).toBe(`parent ${parent.id} was cancelled`);
    const kept = await family(queue, 2);
    expect(await kept.parent.cancel(undefined, { children: 'keep' })).toBe(true);
    expect(await queue.inactiveCount('c')).toBe(2);
    await expectConsistent(queue, { failed: 5, inactive: 2 });
  });
});
