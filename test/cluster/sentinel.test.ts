// Kue behind Redis Sentinel (one master, one replica, three sentinels, all real processes on
// loopback): it works unchanged above the connection options, and follows a planned
// failover in the middle of a run without a restart.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_NAME, startSentinelSet, type RunningSentinelSet } from '../../scripts/redis-sentinel.mjs';
import { Queue, type Job, type QueueOptions } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { uniquePrefix, waitFor } from '../support/setup.js';

let set: RunningSentinelSet;
const opened: Queue[] = [];
beforeAll(async () => {
  set = await startSentinelSet();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((q) => q.shutdown(2_000).catch(() => undefined)));
  await set?.stop();
});

function sentinelQueue(options: QueueOptions = {}): Queue {
  const queue = new Queue({
    prefix: uniquePrefix('s'),
    redis: { sentinels: set.nodes, name: MASTER_NAME },
    ...options,
  });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

async function masterPort(): Promise<number> {
  const sentinel = new Redis({ port: set.nodes[0]!.port, host: '127.0.0.1' });
  try {
    const [, port] = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME)) as [string, string];
    return Number(port);
  } finally {
    sentinel.disconnect();
  }
}

describe('Kue behind Redis Sentinel', () => {
  it('saves, processes and reports through the master the sentinels name', async () => {
    const queue = sentinelQueue();
    const completed = new Set<number>();
    queue.on('job complete', (id: number) => completed.add(Number(id)));
    const jobs = await queue.saveAll(Array.from({ length: 50 }, (_, i) => queue.create('unit', { i })));
    queue.process('unit', 5, async (job) => job.data.i * 2);
    await waitFor(() => completed.size === 50, 10_000, '50 jobs to complete');
    expect((await queue.getJob(jobs[7]!.id!)).result).toBe(14);
    await expectConsistent(queue, { complete: 50 });
  });

  it(
    'follows a planned failover under load: producer and worker resume on the promoted replica without a restart',
    { timeout: 60_000 },
    async () => {
      // 5,000 jobs saved in batches of 10 every 20 ms (~10 s), so the failover lands mid-run.
      const TOTAL = 5_000;
      const queue = sentinelQueue();
      const errors: string[] = [];
      queue.on('error', (err: Error) => errors.push(err.message));
      const completed = new Set<number>();
      queue.on('job complete', (id: number) => completed.add(Number(id)));
      queue.process('unit', 20, async () => undefined);

      const acknowledged: number[] = [];
      let refused = 0;
      const produce = async () => {
        for (let i = 0; i < TOTAL; i += 10) {
          const batch: Job[] = Array.from({ length: 10 }, (_, k) => queue.create('unit', { i: i + k }));
          await queue.saveAll(batch).then(
            () => acknowledged.push(...batch.map((j) => j.id!)),
            () => (refused += batch.length),
          );
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const producing = produce();
      await waitFor(() => completed.size >= 1_000, 20_000, '1,000 completions before the failover');
      const before = await masterPort();
      const sentinel = new Redis({ port: set.nodes[0]!.port, host: '127.0.0.1' });
      await sentinel.call('SENTINEL', 'FAILOVER', MASTER_NAME);
      const failoverAt = Date.now();
      sentinel.disconnect();
      await waitFor(async () => (await masterPort()) !== before, 15_000, 'the sentinels to promote the replica');
      const atSwitch = completed.size;
      expect(atSwitch).toBeLessThan(TOTAL - 1_000);
      await waitFor(() => completed.size > atSwitch + 100, 15_000, 'completions on the promoted replica');
      const resumeMs = Date.now() - failoverAt;
      expect(resumeMs).toBeLessThan(15_000);

      await producing;
      await waitFor(
        () => acknowledged.every((id) => completed.has(id)) || completed.size >= acknowledged.length,
        30_000,
        'every acknowledged job to complete',
      );
      const lost = acknowledged.filter((id) => !completed.has(id));
      console.log(
        `sentinel planned failover: resumed ${resumeMs} ms after SENTINEL FAILOVER; ${acknowledged.length} saves acknowledged, ` +
          `${refused} refused (retryable), acknowledged jobs not completed: ${lost.length}; queue errors: ${errors.length} ${JSON.stringify([...new Set(errors)])}`,
      );
      // A planned failover waits for the replica to catch up before promoting it.
      expect(lost).toEqual([]);
    },
  );
});
