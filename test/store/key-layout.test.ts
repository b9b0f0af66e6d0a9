// The compact key layout: a waiting job is one listpack hash plus one index entry; views of
// every type merge the per-type indexes; every job by id comes from bitmaps of ids.
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { keysOf, redisClient, testQueue } from '../support/setup.js';

const base = (queue: Queue) => `{${queue.prefix}}`;
const ids = (jobs: Job[]) => jobs.map((j) => j.id!);

describe('a waiting job', () => {
  it('is a compact listpack hash with its data in pieces of at most 64 bytes, and one index entry', async () => {
    const queue = testQueue();
    const data = { s: 'x'.repeat(92) };
    const job = await queue.create('email', data).save();
    const redis = redisClient();
    const jk = `${base(queue)}:job:${job.id}`;
    expect(await redis.object('ENCODING', jk)).toBe('listpack');
    const fields = await redis.hgetall(jk);
    expect(fields.data! + fields['data.1']!).toBe(JSON.stringify(data));
    expect(Object.keys(fields).filter((f) => f.startsWith('data'))).toEqual(['data', 'data.1']);
    expect((await queue.getJob(job.id!)).data).toEqual(data);
    const keys = (await keysOf(redis, queue.prefix)).map((k) => k.slice(base(queue).length + 1)).sort();
    // The save call's record, kept for the saveRetryWindow (a minute by default), then gone.
    const records = keys.filter((k) => k.startsWith('saved:'));
    expect(records).toHaveLength(1);
    expect(await redis.pttl(`${base(queue)}:${records[0]}`)).toBeGreaterThan(0);
    expect(keys.filter((k) => !k.startsWith('saved:'))).toEqual([
      'ids',
      `job:${job.id}`,
      'present',
      'present:0',
      'stream',
      'type:email:inactive',
      'type:email:wake',
      'types',
    ]);
  });

  it('cuts its data between UTF-8 characters, never inside one', async () => {
    const queue = testQueue();
    // Multi-byte characters at every offset around the 64-byte cuts.
    for (const lead of ['', 'a', 'ab', 'abc']) {
      const data = { text: lead + 'é漢😀'.repeat(20) };
      const job = await queue.create('t', data).save();
      const raw = await redisClient().hgetallBuffer(`${base(queue)}:job:${job.id}`);
      const pieces = Object.entries(raw).filter(([f]) => f.startsWith('data'));
      expect(pieces.length).toBeGreaterThan(2);
      for (const [, bytes] of pieces) {
        expect(bytes.length).toBeLessThanOrEqual(64);
        expect(Buffer.from(bytes.toString('utf8')).equals(bytes), 'each piece is whole characters').toBe(true);
      }
      expect((await queue.getJob(job.id!)).data).toEqual(data);
    }
  });

  it('keeps data over 256 bytes in one field, and an update leaves no stale pieces', async () => {
    const queue = testQueue();
    const job = await queue.create('t', { s: 'y'.repeat(200) }).save();
    const redis = redisClient();
    const jk = `${base(queue)}:job:${job.id}`;
    expect((await redis.hkeys(jk)).filter((f) => f.startsWith('data'))).toHaveLength(4);
    job.data = { s: 'short' };
    await job.update();
    expect((await redis.hkeys(jk)).filter((f) => f.startsWith('data'))).toEqual(['data']);
    job.data = { s: 'z'.repeat(400) };
    await job.update();
    expect((await redis.hkeys(jk)).filter((f) => f.startsWith('data'))).toEqual(['data']);
    expect((await queue.getJob(job.id!)).data).toEqual({ s: 'z'.repeat(400) });
    await expectConsistent(queue, { inactive: 1 });
  });
});

describe('views of every type', () => {
  it('merge the per-type indexes in one order: counts, ranks and cursor pages', async () => {
    const queue = testQueue();
    const saved: Array<{ id: number; priority: number }> = [];
    const priorities = [0, 10, -10, 0, 5, -5, 0, 10, -15, 0, 0, 5];
    for (const [i, priority] of priorities.entries()) {
      const job = await queue
        .create(['a', 'b', 'c'][i % 3]!, { i })
        .priority(priority)
        .save();
      saved.push({ id: job.id!, priority });
    }
    const expected: number[] = [...saved].sort((x, y) => x.priority - y.priority || x.id - y.id).map((j) => j.id);
    expect(await queue.inactiveCount()).toBe(12);
    expect(await queue.inactive()).toEqual(expected);
    expect(ids(await queue.rangeByState('inactive', 3, 7))).toEqual(expected.slice(3, 8));
    expect(ids(await queue.rangeByState('inactive', 2, 4, 'desc'))).toEqual([...expected].reverse().slice(2, 5));
    expect(ids(await queue.rangeByType('b', 'inactive', 0, -1))).toEqual(
      expected.filter((id) => saved.findIndex((j) => j.id === id) % 3 === 1),
    );

    for (const order of ['asc', 'desc'] as const) {
      const walked: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await queue.admin.page('inactive', { limit: 5, order, cursor });
        walked.push(...ids(page.jobs));
        cursor = page.next ?? undefined;
      } while (cursor);
      expect(walked).toEqual(order === 'asc' ? expected : [...expected].reverse());
    }

    // A page resumes exactly after its cursor even when the cursor's job has gone meanwhile.
    const first = await queue.admin.page('inactive', { limit: 4 });
    await first.jobs[3]!.remove();
    const second = await queue.admin.page('inactive', { limit: 4, cursor: first.next! });
    expect(ids(second.jobs)).toEqual(expected.slice(4, 8));
  });
});

describe('every job by id', () => {
  it('comes from bitmaps of 8,192 ids each, deleted once all their jobs are gone', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const early = await queue.create('t', {}).save();
    const all: number[] = [early.id!];
    await redis.set(`${base(queue)}:ids`, '8189');
    const late: number[] = [];
    for (let i = 0; i < 5; i++)
      late.push(
        (
          await queue
            .create(i % 2 ? 'u' : 't', { i })
            .delay(i === 4 ? 60_000 : 0)
            .save()
        ).id!,
      );
    expect(late).toEqual([8190, 8191, 8192, 8193, 8194]);
    all.push(...late);
    expect(ids(await queue.range(0, -1))).toEqual(all);
    expect(ids(await queue.range(0, -1, 'desc'))).toEqual([...all].reverse());
    expect(ids(await queue.range(2, 3))).toEqual([8191, 8192]);
    expect(ids(await queue.range(1, 2, 'desc'))).toEqual([8193, 8192]);

    const walked: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await queue.admin.page('all', { limit: 2, order: 'desc', cursor });
      walked.push(...ids(page.jobs));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(walked).toEqual([...all].reverse());

    for (const id of [early.id!, 8190, 8191]) await (await queue.getJob(id)).remove();
    expect(await redis.exists(`${base(queue)}:present:0`)).toBe(0);
    expect(await redis.zrange(`${base(queue)}:present`, 0, -1)).toEqual(['1']);
    expect(ids(await queue.range(0, -1))).toEqual([8192, 8193, 8194]);
    await expectConsistent(queue, { inactive: 2, delayed: 1 });
  });
});
