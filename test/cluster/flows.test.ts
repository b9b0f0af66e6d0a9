// Flows (issue 19) on a real Redis Cluster (three masters, three redis-server processes on
// loopback): every key of a flow is in its queue's slot, so saving, settling children,
// releasing parents and cascading a cancel each run as one script on one master.
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../scripts/redis-cluster.mjs';
import { Queue, type SavedJob } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { uniquePrefix, waitFor } from '../support/setup.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let admin: Cluster;
const opened: Queue[] = [];

beforeAll(async () => {
  cluster = await startCluster({ masters: 3, replicas: 0 });
  admin = new Cluster(cluster.nodes, { lazyConnect: true });
  await admin.connect();
}, 60_000);

afterAll(async () => {
  await admin?.quit();
  await cluster?.stop();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.shutdown(2_000).catch(() => undefined)));
});

function clusterQueue(): Queue {
  const queue = new Queue({ prefix: uniquePrefix('cf'), redis: { cluster: cluster.nodes } });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

describe('flows on Redis Cluster', () => {
  it('saves a nested flow, runs it bottom-up and gives each parent its children’s results', async () => {
    const queue = clusterQueue();
    const root = queue.create('order', { id: 1 });
    const sections = [0, 1].map((m) => queue.create('section', { m }));
    const parts = sections.map((_, m) => [0, 1, 2].map((l) => queue.create('part', { m, l })));
    const saved = await queue.flow(
      root,
      sections.map((job, m) => ({ job, children: parts[m]! })),
    );
    expect(await queue.waitingCount()).toBe(3);
    // The flow's own keys are in the queue's slot.
    const slot = await admin.cluster('KEYSLOT', `{${queue.prefix}}`);
    expect(await admin.exists(`{${queue.prefix}}:job:${saved.id}:pending`)).toBe(1);
    expect(await admin.cluster('KEYSLOT', `{${queue.prefix}}:job:${saved.id}:pending`)).toBe(slot);

    queue.process('part', 3, async (job: SavedJob) => job.data.m * 10 + job.data.l);
    queue.process('section', async (job: SavedJob) =>
      Object.values(await job.childResults()).reduce((a: number, b) => a + (b as number), 0),
    );
    let rootResults: Record<string, unknown> = {};
    let rootRuns = 0;
    queue.process('order', async (job: SavedJob) => {
      rootRuns++;
      rootResults = await job.childResults();
    });
    await waitFor(async () => (await queue.completeCount('order')) === 1, 15_000, 'the root to complete');
    expect(rootRuns).toBe(1);
    expect(rootResults).toEqual({ [String(sections[0]!.id)]: 0 + 1 + 2, [String(sections[1]!.id)]: 10 + 11 + 12 });
    const done = await queue.getJob(saved.id);
    const lastSection = Math.max(
      ...(await Promise.all(sections.map(async (s) => Number((await queue.getJob(s.id!)).completed_at)))),
    );
    expect(Number(done.started_at)).toBeGreaterThanOrEqual(lastSection);
    await expectConsistent(queue, { complete: 9 });
  });

  it('cancels a waiting parent’s children, and their children, with it', async () => {
    const queue = clusterQueue();
    const root = queue.create('report', {});
    const mid = queue.create('gather', {});
    const leaves = [0, 1, 2].map((n) => queue.create('sync', { n }));
    const sibling = queue.create('sync', { n: 3 });
    await queue.flow(root, [{ job: mid, children: leaves }, sibling]);
    expect(await queue.waitingCount()).toBe(2);

    expect(await root.cancel('stopped by the user')).toBe(true);
    for (const job of [root, mid, sibling, ...leaves]) {
      const stored = await queue.getJob(job.id!);
      expect(stored.state(), `job ${job.id}`).toBe('failed');
      expect(stored.toJSON().error, `job ${job.id}`).toMatch(/^cancelled/);
    }
    expect((await queue.getJob(sibling.id!)).toJSON().error).toMatch(new RegExp(`parent ${root.id} was cancelled`));
    expect((await queue.getJob(leaves[0]!.id!)).toJSON().error).toMatch(new RegExp(`parent ${mid.id}`));
    expect(await queue.waitingCount()).toBe(0);
    await expectConsistent(queue, { failed: 6 });
  });
});
