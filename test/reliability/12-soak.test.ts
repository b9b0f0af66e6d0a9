// Scenario 12: a soak. Jobs removed on completion flow through two worker processes; once the
// queue is idle again, Redis holds the same keys and the same memory as after the warm-up,
// and the workers' heaps have not grown. KUE_SOAK_JOBS sets the size (200000 for the full
// soak the docs quote; the default keeps `npm test` short).
import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { expectConsistent } from '../support/check.js';
import { keysOf, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker, type WorkerProcess } from '../process/worker-process.js';

const JOBS = Number(process.env.KUE_SOAK_JOBS ?? 20_000);
const WARM_UP = Math.max(2_000, JOBS / 10);
const HEAP_EVERY = Math.max(500, Math.floor(JOBS / 40));
const BACKLOG = 5_000;

/** Heap samples a worker printed: [jobs handled, heapUsed bytes]. */
function heapSamples(worker: WorkerProcess): Array<[number, number]> {
  return [...worker.stdout().matchAll(/^heap (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

/**
 * used_memory with the queue's event stream deleted first: the stream keeps the last
 * events.maxLen entries by design (bounded by its cap, test/events/stream.test.ts), not by
 * the jobs that are left.
 */
async function usedMemory(redis: Redis, prefix: string): Promise<number> {
  await redis.del(`{${prefix}}:stream`);
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))![1]);
}

/**
 * The queue's keys without the per-minute counters, which roll over with the clock, and the
 * records of save calls, which expire after the saveRetryWindow (their memory is counted).
 */
async function lastingKeys(redis: Redis, prefix: string): Promise<string[]> {
  return (await keysOf(redis, prefix)).filter((key) => !/:stats:\d+$|:saved:/.test(key));
}

describe('scenario 12: soak with removal on completion', () => {
  it(
    `${JOBS.toLocaleString('en-US')} jobs leave Redis keys and memory at baseline and worker heaps flat`,
    { timeout: 30 * 60_000 },
    async () => {
      // Its own redis-server: memory figures must not count other tests' keys. Its slow log is
      // off: Redis keeps up to 128 slow commands with their arguments (our 1,000-job saves),
      // memory that belongs to no key and would grow with the run.
      const server: RedisProcess = await startRedis({ args: ['--slowlog-log-slower-than', '-1'] });
      const redis = new Redis({ port: server.port, host: '127.0.0.1' });
      try {
        const prefix = uniquePrefix('s12');
        const queue = testQueue({ prefix, redis: { port: server.port }, jobEvents: false });
        let completed = 0;
        queue.on('job complete', () => completed++);
        const workers = await Promise.all(
          [1, 2].map(() =>
            startWorker(
              {
                KUE_REDIS_PORT: server.port,
                KUE_PREFIX: prefix,
                KUE_TYPE: 'soak',
                KUE_CONCURRENCY: 20,
                KUE_HEAP_EVERY: HEAP_EVERY,
              },
              ['--expose-gc'],
            ),
          ),
        );

        // Saves in batches, keeping at most BACKLOG jobs waiting, as a steady producer would.
        let saved = 0;
        const produce = async (until: number) => {
          while (saved < until) {
            if ((await queue.inactiveCount()) > BACKLOG) {
              await new Promise((r) => setTimeout(r, 20));
              continue;
            }
            const n = Math.min(1_000, until - saved);
            await queue.saveAll(
              Array.from({ length: n }, (_, i) =>
                queue.create('soak', { n: saved + i, pad: 'x'.repeat(100) }).removeOnComplete(true),
              ),
            );
            saved += n;
          }
          await waitFor(() => completed === until, 120_000, `${until} completions`);
        };

        await produce(WARM_UP);
        await new Promise((r) => setTimeout(r, 500));
        const baseKeys = await lastingKeys(redis, prefix);
        const baseMemory = await usedMemory(redis, prefix);
        const started = Date.now();

        await produce(JOBS);
        const seconds = (Date.now() - started) / 1_000;
        await new Promise((r) => setTimeout(r, 500));
        const endKeys = await lastingKeys(redis, prefix);
        const endMemory = await usedMemory(redis, prefix);

        expect(endKeys).toEqual(baseKeys);
        const memoryChange = (endMemory - baseMemory) / baseMemory;
        const heaps = workers.map((w) => {
          const samples = heapSamples(w);
          const afterWarmUp = samples.find(([handled]) => handled >= WARM_UP / 2) ?? samples[0]!;
          return { growth: samples.at(-1)![1] - afterWarmUp[1], last: samples.at(-1)![1] };
        });
        console.log(
          `scenario 12: ${WARM_UP} warm-up jobs, then ${JOBS - WARM_UP} more in ${seconds.toFixed(1)} s; ` +
            `Redis keys ${baseKeys.length} -> ${endKeys.length}, used_memory ${baseMemory} -> ${endMemory} B (${(memoryChange * 100).toFixed(2)} %); ` +
            `worker heap growth ${heaps.map((h) => `${(h.growth / 2 ** 20).toFixed(2)} MB`).join(', ')} (heap ${heaps.map((h) => `${(h.last / 2 ** 20).toFixed(1)} MB`).join(', ')})`,
        );
        expect(Math.abs(memoryChange)).toBeLessThanOrEqual(0.05);
        for (const h of heaps) expect(h.growth).toBeLessThanOrEqual(10 * 2 ** 20);
        for (const w of workers) expect(w.stderr()).toBe('');
        await expectConsistent(queue, {});
      } finally {
        await redis.quit();
        await server.stop();
      }
    },
  );
});
