// Kue on a real Redis Cluster (three masters with a replica each, six redis-server processes
// on loopback): each queue in one slot, queues spread over the masters, and the core
// behaviours, search, the JSON API and the checker unchanged above the connection options.
import type { Server } from 'node:http';
import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../scripts/redis-cluster.mjs';
import { createApp, Queue, type QueueOptions } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { nextEvent, uniquePrefix, waitFor } from '../support/setup.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let admin: Cluster;
const opened: Queue[] = [];

beforeAll(async () => {
  cluster = await startCluster();
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

function clusterQueue(options: QueueOptions = {}): Queue {
  const queue = new Queue({ prefix: uniquePrefix('c'), redis: { cluster: cluster.nodes }, ...options });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

/** The port of the master serving a key's slot, from CLUSTER SLOTS. */
async function masterOf(key: string): Promise<number> {
  const slot = (await admin.cluster('KEYSLOT', key)) as number;
  const ranges = (await admin.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
  const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
  return range[2][1];
}

/** `count` queue prefixes whose slots fall on the masters in turn (so every master gets some). */
async function prefixesOverMasters(count: number): Promise<Array<{ prefix: string; master: number }>> {
  const masters = admin.nodes('master').map((n) => n.options.port!);
  const chosen: Array<{ prefix: string; master: number }> = [];
  for (let i = 0; chosen.length < count && i < 10_000; i++) {
    const prefix = uniquePrefix('spread');
    const master = await masterOf(`{${prefix}}`);
    if (master === masters[chosen.length % masters.length]) chosen.push({ prefix, master });
  }
  expect(chosen).toHaveLength(count);
  return chosen;
}

/** Every key of a queue, from every master, with the master holding it. */
async function keysByMaster(prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const node of admin.nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) found.set(key, node.options.port!);
    } while (cursor !== '0');
  }
  return found;
}

describe('Kue on Redis Cluster', () => {
  it('keeps every key of a queue in one slot, adding the hash tag itself, and spreads queues over the masters', async () => {
    for (const { prefix, master } of await prefixesOverMasters(3)) {
      // A plain prefix, as a BullMQ user would write it: Kue adds the tag.
      const queue = clusterQueue({ prefix, disableSearch: false });
      await queue.create('mail', { to: 'someone@example.com' }).searchKeys(['to']).save();
      await queue.create('mail', { n: 2 }).delay(60_000).save();
      const done = nextEvent(queue, 'job complete');
      queue.process('mail', async (job) => {
        job.log('sent');
        return { ok: true };
      });
      await done;
      const keys = await keysByMaster(prefix);
      expect(keys.size).toBeGreaterThan(5);
      for (const [key, holder] of keys) {
        expect(key.startsWith(`{${prefix}}:`), key).toBe(true);
        expect(holder, `${key} is on the queue's master`).toBe(master);
      }
      const slots = new Set(await Promise.all([...keys.keys()].map((k) => admin.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    }
  });

  it('runs the core behaviours: priorities, delays, retries with backoff, progress, logs, events, search, removal', async () => {
    const queue = clusterQueue({ disableSearch: false, maintenanceInterval: 200 });
    const low = await queue.create('work', { n: 'low' }).priority('low').save();
    const high = await queue.create('work', { n: 'high' }).priority('high').save();
    const flaky = await queue.create('work', { n: 'flaky' }).attempts(2).backoff({ delay: 100, type: 'fixed' }).save();
    const later = await queue.create('work', { n: 'later' }).delay(300).save();
    const searchable = await queue.create('other', { title: 'quarterly invoice' }).searchKeys(['title']).save();
    expect(await queue.inactiveCount()).toBe(4);
    expect(await queue.delayedCount('work')).toBe(1);
    expect(await queue.admin.search('invoice')).toEqual([searchable.id]);

    const order: string[] = [];
    const completed = new Set<number>();
    queue.on('job complete', (id: number) => completed.add(Number(id)));
    let flakyRuns = 0;
    queue.process('work', async (job) => {
      order.push(job.data.n);
      job.progress(1, 2);
      job.log('ran %s', job.data.n);
      if (job.data.n === 'flaky' && ++flakyRuns === 1) throw new Error('first try fails');
      return job.data.n;
    });
    await waitFor(() => completed.size === 4, 15_000, 'four work jobs to complete');
    expect(order.slice(0, 2)).toEqual(['high', 'flaky']);
    expect(order).toContain('low');
    expect(order.indexOf('later')).toBeGreaterThan(order.indexOf('low'));
    const retried = await queue.getJob(flaky.id!);
    expect(retried.state()).toBe('complete');
    expect((await queue.admin.attemptErrors(flaky.id!)).map((e) => e.error)).toEqual(['first try fails']);
    expect(flakyRuns).toBe(2);
    expect((await queue.getJob(later.id!)).result).toBe('later');
    expect(await queue.log(low.id!)).toEqual(['ran low']);
    expect((await queue.rangeByState('complete', 0, -1)).map((j) => j.id).sort()).toEqual(
      [low.id, high.id, flaky.id, later.id].sort(),
    );
    expect(await queue.completeCount()).toBe(4);

    await (await queue.getJob(searchable.id!)).remove();
    expect(await queue.admin.search('invoice')).toEqual([]);
    await expectConsistent(queue, { complete: 4 });
  });

  it('takes an ioredis Cluster from createClientFactory as well', async () => {
    const queue = clusterQueue({ redis: { createClientFactory: () => new Cluster(cluster.nodes) } });
    const done = nextEvent(queue, 'job complete');
    const job = await queue.create('mail', { to: 'b@example.com' }).save();
    queue.process('mail', async (j) => j.data.to);
    await done;
    expect((await queue.getJob(job.id!)).result).toBe('b@example.com');
    await expectConsistent(queue, { complete: 1 });
  });

  it('serves the JSON API', async () => {
    const queue = clusterQueue();
    const server = await new Promise<Server>((resolve) => {
      const s = createApp({ queue }).listen(0, () => resolve(s));
    });
    try {
      const { port } = server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      const created = await fetch(`${base}/job`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'email', data: { to: 'a@example.com' }, options: { priority: 'high' } }),
      });
      expect(created.status).toBe(200);
      const { id } = (await created.json()) as { id: number };
      const job = (await (await fetch(`${base}/job/${id}`)).json()) as { type: string; state: string; data: unknown };
      expect(job).toMatchObject({ type: 'email', state: 'inactive', data: { to: 'a@example.com' } });
      const listed = (await (await fetch(`${base}/jobs/inactive/0..10/asc`)).json()) as Array<{ id: string | number }>;
      expect(listed.map((j) => Number(j.id))).toEqual([id]);
      const stats = (await (await fetch(`${base}/stats`)).json()) as { inactiveCount: number };
      expect(stats.inactiveCount).toBe(1);
      expect((await fetch(`${base}/job/${id}`, { method: 'DELETE' })).status).toBe(200);
      expect((await fetch(`${base}/job/${id}`)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('completes every job of 4 queues spread over the 3 masters', { timeout: 60_000 }, async () => {
    const JOBS = 500;
    const queues = (await prefixesOverMasters(4)).map(({ prefix }) => clusterQueue({ prefix }));
    const completed = queues.map(() => new Set<number>());
    await Promise.all(
      queues.map(async (queue, q) => {
        queue.on('job complete', (id: number) => completed[q]!.add(Number(id)));
        await queue.saveAll(Array.from({ length: JOBS }, (_, i) => queue.create('unit', { i })));
        queue.process('unit', 10, async () => undefined);
      }),
    );
    await waitFor(() => completed.every((c) => c.size === JOBS), 45_000, `all ${4 * JOBS} jobs to complete`);
    for (const queue of queues) await expectConsistent(queue, { complete: JOBS });
    expect(new Set(await Promise.all(queues.map((q) => masterOf(`{${q.prefix}}`)))).size).toBe(3);
  });

  it('runs schedules: their keys in the queue slot, one job per due time from two processes', async () => {
    const first = clusterQueue();
    const second = clusterQueue({ prefix: first.prefix });
    const dues: number[] = [];
    first.process('tick', 5, async (job) => {
      dues.push(job.schedule!.due);
    });
    await Promise.all([first, second].map((q) => q.schedule('tick', { every: 150 }, q.create('tick', {}))));
    await waitFor(() => dues.length >= 5, 5_000, 'five runs');
    await first.pauseSchedule('tick');
    await new Promise((r) => setTimeout(r, 200));
    const sorted = [...dues].sort((a, b) => a - b);
    await first.runNow('tick');
    const keys = await keysByMaster(first.prefix);
    expect([...keys.keys()]).toContain(`{${first.prefix}}:schedule:tick`);
    expect(new Set(keys.values()).size).toBe(1);
    expect(new Set(sorted).size).toBe(sorted.length);
    sorted.forEach((d, i) => expect(d - sorted[0]!).toBe(i * 150));
    expect((await first.schedules()).map((s) => s.id)).toEqual(['tick']);
    await expectConsistent(first);
  });
});
