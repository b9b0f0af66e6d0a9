// The migration from Kue 0.11 on a real Redis Cluster and behind a real Sentinel. On a Cluster
// one script moves each job, so the Kue 0.11 keys must share the queue's slot: Kue 0.11 on
// ioredis (the only way it ran on a Cluster) wrote `{q}:…`, which does; plain `q:…` keys are
// refused with a clear error before anything is read or written.
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster } from '../../scripts/redis-cluster.mjs';
import { MASTER_NAME, startSentinelSet, type RunningSentinelSet } from '../../scripts/redis-sentinel.mjs';
import { MigrationRefusedError, Queue, type QueueOptions } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { uniquePrefix, waitFor } from '../support/setup.js';
import { writeKue011Jobs, type Kue011Hash } from '../migrate/kue011.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let sentinels: RunningSentinelSet;
const opened: Queue[] = [];
const clients: Array<Redis | Cluster> = [];

beforeAll(async () => {
  [cluster, sentinels] = await Promise.all([
    startCluster({ masters: 3, replicas: 0 }),
    startSentinelSet({ replicas: 0, sentinels: 1 }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([cluster?.stop(), sentinels?.stop()]);
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.shutdown(2_000).catch(() => undefined)));
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
});

function open(options: QueueOptions): Queue {
  const queue = new Queue({ maintenance: false, ...options });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

const jobs: Kue011Hash[] = [
  { id: 1, type: 'email', state: 'inactive' },
  { id: 2, type: 'email', state: 'inactive', priority: -10 },
  { id: 3, type: 'email', state: 'complete', fields: { result: '1' } },
];

describe('a migration from Kue 0.11 on Redis Cluster', () => {
  it('moves Kue 0.11 keys written {q}:… (Kue 0.11 on ioredis), in the slot of the queue', async () => {
    const prefix = uniquePrefix('cm');
    const admin = new Cluster(cluster.nodes);
    clients.push(admin);
    await writeKue011Jobs(admin, `{${prefix}}`, jobs);
    await admin.rpush(`{${prefix}}:job:1:log`, 'hello');
    const queue = open({ prefix, redis: { cluster: cluster.nodes } });

    const report = await queue.admin.migrateFromKue011({ from: `{${prefix}}` });
    expect(report).toMatchObject({ moved: { inactive: 2, complete: 1 }, left: 0, nextId: 4 });
    await expectConsistent(queue, { inactive: 2, complete: 1 });
    expect(await queue.log(1)).toEqual(['hello']);
    const order: number[] = [];
    queue.process('email', (job, done) => {
      order.push(job.id!);
      done();
    });
    await waitFor(() => order.length === 2);
    expect(order).toEqual([2, 1]);
  });

  it('refuses Kue 0.11 keys without the hash tag, which lie in other slots, before reading anything', async () => {
    const prefix = uniquePrefix('cm');
    const queue = open({ prefix, redis: { cluster: cluster.nodes } });
    const err = await queue.admin.migrateFromKue011({ from: prefix }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationRefusedError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `on Redis Cluster the Kue 0\\.11 keys \\(${prefix}:ids, …\\) must carry the hash tag .* they carry none`,
      ),
    );
  });
});

describe('a migration from Kue 0.11 behind Sentinel', () => {
  it('moves the jobs through the master the sentinels name', async () => {
    const prefix = uniquePrefix('sm');
    const master = new Redis({ port: sentinels.master.port, host: '127.0.0.1' });
    clients.push(master);
    await writeKue011Jobs(master, prefix, jobs);
    const queue = open({ prefix, redis: { sentinels: sentinels.nodes, name: MASTER_NAME } });
    const report = await queue.admin.migrateFromKue011({ from: prefix });
    expect(report).toMatchObject({ moved: { inactive: 2, complete: 1 }, left: 0 });
    await expectConsistent(queue, { inactive: 2, complete: 1 });
  });
});
