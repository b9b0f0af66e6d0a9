import { describe, expect, it } from 'vitest';
import { keysOf, nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

describe('queue.admin', () => {
  describe('search', () => {
    it('finds jobs matching every word, case- and stem-insensitive', async () => {
      const queue = testQueue({ disableSearch: false });
      const a = await queue.create('video', { title: "converting loki's videos", user: 'Loki' }).save();
      const b = await queue.create('video', { title: 'Converted video of thor' }).save();
      await queue.create('email', { title: 'welcome email' }).save();
      expect(await queue.admin.search('VIDEO convert')).toEqual([a.id, b.id]);
      expect(await queue.admin.search('loki video')).toEqual([a.id]);
      expect(await queue.admin.search('thor loki')).toEqual([]);
      expect(await queue.admin.search('')).toEqual([]);
    });

    it('indexes only searchKeys when given (dotted paths allowed), and always the title', async () => {
      const queue = testQueue({ disableSearch: false });
      const job = await queue
        .create('email', { to: 'tj', title: 'welcome email', body: 'secret', meta: { tag: 'urgent' } })
        .searchKeys(['to', 'meta.tag'])
        .save();
      expect(await queue.admin.search('tj urgent')).toEqual([job.id]);
      expect(await queue.admin.search('secret')).toEqual([]);
      // "The title key ... will display in the job listings within the UI, making it easier
      // to find a specific job": its words are indexed whatever the searchKeys.
      expect(await queue.admin.search('welcome')).toEqual([job.id]);
      expect(await queue.admin.search('WELCOMING emails tj')).toEqual([job.id]);
      job.data = { ...job.data, title: 'renewal notice' };
      await job.update();
      expect(await queue.admin.search('welcome')).toEqual([]);
      expect(await queue.admin.search('renewal')).toEqual([job.id]);
    });

    it('is off by default: nothing is indexed', async () => {
      const queue = testQueue();
      await queue.create('video', { title: 'converting' }).save();
      expect(await queue.admin.search('converting')).toEqual([]);
      expect((await keysOf(redisClient(), queue.prefix)).filter((k) => k.includes(':search:'))).toEqual([]);
    });

    it('removing a job (by hand or on completion) removes its index entries: no leaked keys', async () => {
      const queue = testQueue({ disableSearch: false });
      const job = await queue.create('video', { title: 'alpha beta gamma' }).save();
      await queue.create('video', { title: 'delta epsilon' }).removeOnComplete(true).save();
      const client = redisClient();
      expect((await keysOf(client, queue.prefix)).filter((k) => k.includes(':search:')).length).toBe(5);
      await job.remove();
      queue.process('video', (_j, done) => done());
      await waitFor(async () => (await queue.inactiveCount()) === 0 && (await queue.activeCount()) === 0);
      await waitFor(
        async () => (await keysOf(client, queue.prefix)).filter((k) => k.includes(':search:')).length === 0,
      );
      expect(await queue.admin.search('alpha')).toEqual([]);
    });

    it('job.update() re-indexes changed data', async () => {
      const queue = testQueue({ disableSearch: false });
      const job = await queue.create('doc', { title: 'first draft' }).save();
      job.data = { title: 'final version' };
      await job.update();
      expect(await queue.admin.search('draft')).toEqual([]);
      expect(await queue.admin.search('final')).toEqual([job.id]);
    });
  });

  describe('pausing a type', () => {
    it('stops every worker from taking jobs of the type until resumed', async () => {
      const queue = testQueue();
      const other = testQueue({ prefix: queue.prefix });
      const seen: number[] = [];
      queue.process('report', (j, done) => (seen.push(j.id!), done()));
      other.process('report', (j, done) => (seen.push(j.id!), done()));
      expect(await queue.admin.pauseType('report')).toBe(true);
      expect(await queue.admin.pausedTypes()).toEqual(['report']);
      await queue.create('report').save();
      await queue.create('report').save();
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([]);
      const resumed = nextEvent(queue, 'job resumed');
      expect(await queue.admin.resumeType('report')).toBe(true);
      await resumed;
      await waitFor(() => seen.length === 2);
    });
  });

  describe('bulk actions', () => {
    it('retryAll moves every failed job of a type back to inactive, in batches', async () => {
      const queue = testQueue();
      const ids: number[] = [];
      for (let i = 0; i < 1_200; i++) ids.push((await queue.create(i % 2 ? 'odd' : 'even').save()).id!);
      for (const id of ids) await (await queue.getJob(id)).failed();
      const progress: number[] = [];
      const moved = await queue.admin.retryAll({ type: 'odd', onProgress: (n) => progress.push(n) });
      expect(moved).toBe(600);
      expect(progress.length).toBeGreaterThan(1);
      expect(await queue.inactiveCount('odd')).toBe(600);
      expect(await queue.failedCount('even')).toBe(600);
    });

    it('removeAll removes complete jobs older than a time, and leaves newer ones', async () => {
      const queue = testQueue();
      const old = await queue.create('t').save();
      await old.complete();
      await new Promise((r) => setTimeout(r, 30));
      const cutoff = Date.now();
      await new Promise((r) => setTimeout(r, 30));
      const recent = await queue.create('t').save();
      await recent.complete();
      expect(await queue.admin.removeAll('complete', { before: cutoff })).toBe(1);
      expect(await queue.complete()).toEqual([recent.id]);
      await expect(queue.getJob(old.id!)).rejects.toThrow(/does not exist/);
    });

    it('promoteAll makes delayed jobs inactive now', async () => {
      const queue = testQueue();
      await queue.create('later').delay(60_000).save();
      await queue.create('later').delay(60_000).save();
      expect(await queue.admin.promoteAll()).toBe(2);
      expect(await queue.inactiveCount('later')).toBe(2);
      expect(await queue.delayedCount()).toBe(0);
    });
  });

  describe('cursor paging', () => {
    it('pages through a state in order and ends with a null cursor', async () => {
      const queue = testQueue();
      const ids: number[] = [];
      for (let i = 0; i < 25; i++) ids.push((await queue.create('p', { i }).save()).id!);
      const seen: number[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await queue.admin.page('inactive', { limit: 10, cursor });
        seen.push(...page.jobs.map((j) => j.id!));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toEqual(ids);
      const newest = await queue.admin.page('all', { limit: 3, order: 'desc' });
      expect(newest.jobs.map((j) => j.id)).toEqual(ids.slice(-3).reverse());
    });

    it('a cursor stays valid when earlier entries are removed meanwhile', async () => {
      const queue = testQueue();
      const ids: number[] = [];
      for (let i = 0; i < 9; i++) ids.push((await queue.create('p').save()).id!);
      const first = await queue.admin.page('inactive', { limit: 3 });
      await (await queue.getJob(ids[0]!)).remove();
      await (await queue.getJob(ids[1]!)).remove();
      const second = await queue.admin.page('inactive', { limit: 3, cursor: first.next! });
      expect(second.jobs.map((j) => j.id)).toEqual(ids.slice(3, 6));
    });

    it('refuses a type filter on the index of all jobs instead of ignoring it', async () => {
      const queue = testQueue();
      await expect(queue.admin.page('all', { type: 'x' })).rejects.toThrow(RangeError);
    });

    it('rejects a cursor it did not make', async () => {
      const queue = testQueue();
      await expect(queue.admin.page('inactive', { cursor: 'garbage!' })).rejects.toThrow(RangeError);
    });
  });

  describe('attempt history', () => {
    it('keeps every failed attempt with its times, error and stack, and removes them with the job', async () => {
      const queue = testQueue();
      let n = 0;
      queue.process('flaky', (_j, done) => done(new Error(`failure ${++n}`)));
      const job = await queue.create('flaky').attempts(3).save();
      await nextEvent(job, 'failed');
      const errors = await queue.admin.attemptErrors(job.id!);
      expect(errors.map((e) => [e.attempt, e.error])).toEqual([
        [1, 'failure 1'],
        [2, 'failure 2'],
        [3, 'failure 3'],
      ]);
      for (const e of errors) {
        expect(e.started_at).toBeLessThanOrEqual(e.failed_at);
        expect(e.stack).toContain('failure');
      }
      await job.remove();
      expect((await keysOf(redisClient(), queue.prefix)).filter((k) => k.includes(':job:'))).toEqual([]);
    });
  });

  describe('throughput', () => {
    it('counts completed, failed and retried jobs per minute, per type, with run and wait times', async () => {
      const queue = testQueue();
      queue.process('ok', (_j, done) => setTimeout(done, 20));
      queue.process('bad', (_j, done) => done(new Error('x')));
      for (let i = 0; i < 3; i++) await queue.create('ok').save();
      await queue.create('bad').attempts(2).save();
      await waitFor(async () => (await queue.completeCount()) === 3 && (await queue.failedCount()) === 1);
      const [now] = (await queue.admin.throughput({ minutes: 2 })).slice(-1);
      const all = (await queue.admin.throughput({ minutes: 2 })).reduce(
        (sum, m) => ({
          complete: sum.complete + m.complete,
          failed: sum.failed + m.failed,
          retried: sum.retried + m.retried,
          runMs: sum.runMs + m.runMs,
        }),
        { complete: 0, failed: 0, retried: 0, runMs: 0 },
      );
      expect(now!.at % 60_000).toBe(0);
      expect(all).toMatchObject({ complete: 3, failed: 1, retried: 1 });
      expect(all.runMs).toBeGreaterThanOrEqual(3 * 15);
      const okOnly = (await queue.admin.throughput({ minutes: 2, type: 'ok' })).reduce(
        (n, m) => n + m.complete + m.failed,
        0,
      );
      expect(okOnly).toBe(3);
    });
  });
});
