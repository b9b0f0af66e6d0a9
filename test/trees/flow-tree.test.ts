// queue.admin.flowTree: one job's place in a flow read at one instant (counts, pending
// children by state, the oldest pending), and its children page by page, each page at most
// `limit` long, every child listed once however the parts are stored and while they change.
import { describe, expect, it } from 'vitest';
import { JobNotFoundError, type FlowTree, type Job } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';

type Queue = ReturnType<typeof testQueue>;

/** Every child of one part, page after page; asserts each page's length. */
async function allPages(queue: Queue, id: number, part: 'pending' | 'complete' | 'failed', limit: number) {
  const ids: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const tree: FlowTree = await queue.admin.flowTree(id, { part, limit, ...(cursor && { cursor }) });
    expect(tree.items.length).toBeLessThanOrEqual(limit);
    ids.push(...tree.items.map((i) => i.id));
    cursor = tree.next ?? undefined;
    pages++;
  } while (cursor);
  return { ids, pages };
}

const children = (queue: Queue, n: number, type = 'part'): Job[] =>
  Array.from({ length: n }, (_, i) => queue.create(type, { i }));

/** Runs the jobs of `type` (completing them, or failing them for good) until `count` have. */
async function run(queue: Queue, type: string, outcome: 'complete' | 'failed', count: number) {
  queue.process(type, async () => {
    if (outcome === 'failed') throw new Error('no luck');
  });
  await waitFor(async () => (await queue.card(outcome, type)) === count, 5_000, `${count} ${type} ${outcome}`);
}

describe('queue.admin.flowTree', () => {
  it('reads a parent: policy, counts, pending children by state, the oldest pending, each part with its items', async () => {
    const queue = testQueue({ maintenance: false });
    const root = queue.create('report', {});
    const kids = [queue.create('quick', {}), ...children(queue, 3)];
    kids[3]!.delay(60_000);
    const mid = queue.create('section', {});
    const leaves = children(queue, 2, 'leaf');
    await queue.flow(root, [...kids, { job: mid, children: leaves }], {
      onChildFailure: 'ignore',
      cancelChildren: true,
    });
    await run(queue, 'quick', 'complete', 1);
    await queue.admin.cancelJobs([kids[1]!.id!], 'not needed');

    const tree = await queue.admin.flowTree(root.id!);
    expect(tree).toMatchObject({
      id: root.id,
      type: 'report',
      state: 'waiting',
      flow: { children: 5, onChildFailure: 'ignore', cancelChildren: true },
      children: { total: 5, pending: 3, complete: 1, failed: 1 },
      pendingStates: { inactive: 1, delayed: 1, waiting: 1 },
      pendingStatesExact: true,
      oldestPending: kids[2]!.id,
      part: 'pending',
      next: null,
    });
    expect(tree.items.sort((a, b) => a.id - b.id)).toEqual([
      { id: kids[2]!.id, type: 'part', state: 'inactive' },
      { id: kids[3]!.id, type: 'part', state: 'delayed' },
      {
        id: mid.id,
        type: 'section',
        state: 'waiting',
        children: { total: 2, pending: 2, complete: 0, failed: 0 },
      },
    ]);
    expect((await queue.admin.flowTree(root.id!, { part: 'complete' })).items).toEqual([
      { id: kids[0]!.id, type: 'quick', state: 'complete' },
    ]);
    expect((await queue.admin.flowTree(root.id!, { part: 'failed' })).items).toEqual([
      {
        id: kids[1]!.id,
        type: 'part',
        state: 'failed',
        error: expect.stringContaining('not needed'),
        code: 'CANCELLED',
      },
    ]);
    expect(await queue.admin.childResults(root.id!)).toEqual({
      results: [{ id: kids[0]!.id, result: null }],
      next: null,
    });

    // A child knows its parent; a job in no flow reads as one with no children.
    const leaf = await queue.admin.flowTree(String(leaves[1]!.id));
    expect(leaf).toMatchObject({ flow: { parentId: mid.id }, children: { total: 0, pending: 0 }, items: [] });
    expect(leaf.oldestPending).toBeNull();
    const plain = await queue.create('plain', {}).save();
    expect(await queue.admin.flowTree(plain.id)).toMatchObject({ flow: {}, state: 'inactive', items: [], next: null });
  });

  it('links a parent failed by a child to that child, and lists a child removed after it settled as gone', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('report', {});
    const kids = [queue.create('quick', {}).removeOnComplete(true), queue.create('bad', {}), queue.create('part', {})];
    await queue.flow(parent, kids);
    queue.process('quick', async () => 'gone');
    await waitFor(async () => (await queue.admin.flowTree(parent.id!)).children.complete === 1);
    await run(queue, 'bad', 'failed', 1);
    const tree = await queue.admin.flowTree(parent.id!, { part: 'complete' });
    expect(tree.state).toBe('failed');
    expect(tree.flow.failedChild).toBe(kids[1]!.id);
    expect(tree.items).toEqual([{ id: kids[0]!.id, type: null, state: null }]);
    expect(tree.children).toEqual({ total: 3, pending: 1, complete: 1, failed: 1 });
  });

  it('pages a small part in id order, exactly `limit` a page, missing no child while others settle', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('p', {});
    const kids = children(queue, 30);
    for (const n of [0, 3, 20]) kids[n] = queue.create('quick', { n });
    await queue.flow(parent, kids);
    const first = await queue.admin.flowTree(parent.id!, { limit: 7 });
    expect(first.items.map((i) => i.id)).toEqual(kids.slice(0, 7).map((k) => k.id));
    // Children listed already, and one not yet listed, settle between pages.
    await run(queue, 'quick', 'complete', 3);
    const rest: number[] = [];
    let cursor = first.next;
    while (cursor) {
      const page = await queue.admin.flowTree(parent.id!, { limit: 7, cursor });
      expect(page.items.length).toBeLessThanOrEqual(7);
      rest.push(...page.items.map((i) => i.id));
      cursor = page.next;
    }
    expect(rest).toEqual(
      kids
        .slice(7)
        .filter((k) => k !== kids[20])
        .map((k) => k.id),
    );
    const done = await allPages(queue, parent.id!, 'complete', 2);
    expect(done.ids.sort((a, b) => a - b)).toEqual([kids[0]!.id, kids[3]!.id, kids[20]!.id]);
  });

  it('pages a large part by scan, each child once; above 1,000 pending the states come from a sample', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('p', {});
    const kids = children(queue, 1_200);
    for (const k of kids.slice(0, 300)) k.delay(60_000);
    await queue.flow(parent, kids);
    const tree = await queue.admin.flowTree(parent.id!, { limit: 1 });
    expect(tree.pendingStatesExact).toBe(false);
    expect(tree.children.pending).toBe(1_200);
    expect(Object.keys(tree.pendingStates).sort()).toEqual(['delayed', 'inactive']);
    expect(tree.pendingStates.delayed! + tree.pendingStates.inactive!).toBe(1_200);
    expect(tree.pendingStates.delayed).toBeGreaterThan(150);
    expect(tree.pendingStates.delayed).toBeLessThan(450);
    expect(kids.map((k) => k.id)).toContain(tree.oldestPending);

    const { ids, pages } = await allPages(queue, parent.id!, 'pending', 100);
    expect(new Set(ids).size).toBe(1_200);
    expect(ids.length).toBe(1_200);
    expect(pages).toBeGreaterThanOrEqual(12);
  });

  it('answers an unknown job with JobNotFoundError and bad arguments with TypeError or RangeError', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('p', {});
    await queue.flow(parent, children(queue, 3));
    await expect(queue.admin.flowTree(99_999)).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(queue.admin.childResults(99_999)).rejects.toBeInstanceOf(JobNotFoundError);
    const other = (await queue.admin.flowTree(parent.id!, { part: 'pending', limit: 1 })).next!;
    const cases: Array<[unknown, unknown, ErrorConstructor, RegExp]> = [
      ['x', undefined, TypeError, /job id must be a positive integer, got "x"/],
      [0, undefined, TypeError, /job id/],
      [parent.id, { part: 'done' }, RangeError, /part must be one of pending, complete, failed, got "done"/],
      [parent.id, { limit: 0 }, RangeError, /limit must be a whole number from 1 to 500, got 0/],
      [parent.id, { limit: 501 }, RangeError, /limit must be a whole number from 1 to 500/],
      [parent.id, { limit: '5' }, TypeError, /limit must be a number, got "5"/],
      [parent.id, { cursor: 'zzz' }, RangeError, /cursor is not one this queue returned/],
      [parent.id, { cursor: 7 }, TypeError, /cursor must be a string, got 7/],
      [parent.id, { part: 'failed', cursor: other }, RangeError, /cursor is one of another part than failed/],
      [parent.id, { depth: 2 }, TypeError, /unknown option\(s\) depth; known: part, cursor, limit/],
      [parent.id, 'pending', TypeError, /options must be an object, got "pending"/],
    ];
    for (const [id, options, kind, message] of cases) {
      const err = await queue.admin.flowTree(id as number, options as object).catch((e: unknown) => e);
      expect(err, `${String(id)} ${JSON.stringify(options)}`).toBeInstanceOf(kind);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('calls back as well as resolving', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('p', {});
    await queue.flow(parent, children(queue, 2));
    const tree = await new Promise<FlowTree>((resolve, reject) => {
      void queue.admin.flowTree(parent.id!, {}, (err, value) => (err ? reject(err) : resolve(value)));
    });
    expect(tree.children.pending).toBe(2);
    const err = await new Promise<Error | null>((resolve) => {
      void queue.admin.flowTree(99_999, {}, (e) => resolve(e));
    });
    expect(err).toBeInstanceOf(JobNotFoundError);
  });
});
