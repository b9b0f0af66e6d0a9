// On a redis-server of its own (see test/support/own-redis.ts): 100,000 jobs and their word
// index would otherwise stay on the shared one, and the search times are the file's own.
import { describe, expect, it } from 'vitest';
import { ownRedis } from '../support/own-redis.js';
import { testQueue } from '../support/setup.js';

const server = ownRedis();
const WORDS = ['video', 'email', 'report', 'webhook', 'invoice', 'resize', 'thumbnail', 'archive', 'export', 'import'];

describe('search at scale', () => {
  it('finds jobs among 100,000 indexed jobs quickly', async () => {
    const queue = testQueue({ disableSearch: false, redis: { port: server.port } });
    const total = 100_000;
    let rareId = 0;
    for (let start = 0; start < total; start += 2_000) {
      const batch = [];
      for (let i = start; i < start + 2_000; i++) {
        const title = `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]} customer ${i % 997}`;
        batch.push(queue.create('work', { title, extra: i === 54_321 ? 'zebra' : 'plain' }).save());
      }
      const saved = await Promise.all(batch);
      if (start <= 54_321 && 54_321 < start + 2_000) rareId = saved[54_321 - start]!.id!;
    }
    const timings: Record<string, number> = {};
    const time = async (query: string) => {
      const started = process.hrtime.bigint();
      const ids = await queue.admin.search(query);
      timings[query] = Number(process.hrtime.bigint() - started) / 1e6;
      return ids;
    };
    expect(await time('zebra')).toEqual([rareId]);
    const two = await time('emails archived');
    expect(two.length).toBe(10_000);
    const common = await time('customer');
    expect(common.length).toBe(total);
    console.log(
      `search over ${total} indexed jobs (ms): ${Object.entries(timings)
        .map(([q, ms]) => `"${q}" ${ms.toFixed(1)}`)
        .join(', ')}`,
    );
    expect(timings.zebra).toBeLessThan(50);
    expect(timings['emails archived']).toBeLessThan(250);
  }, 120_000);
});
