// queue.schedule / unschedule / schedules / pauseSchedule / resumeSchedule / runNow on a real
// redis-server: each bullet of issue 16's "What a user can do", one test each.
import { describe, expect, it } from 'vitest';
import type { Job, Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

/** The runs of `type` a worker on `queue` takes, as [due, job]. */
function collect(queue: Queue, type: string): Array<[number, Job]> {
  const runs: Array<[number, Job]> = [];
  queue.process(type, 10, (job, done) => {
    runs.push([job.schedule!.due, job]);
    done();
  });
  return runs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('queue.schedule', () => {
  it('makes runs that are ordinary jobs knowing their schedule id and due time (job.schedule, in its JSON)', async () => {
    const queue = testQueue();
    const runs = collect(queue, 'ping');
    const info = await queue.schedule('heartbeat', { every: 200 }, queue.create('ping', { n: 1 }).priority('high'));
    expect(info.next).toBeInstanceOf(Date);
    await waitFor(() => runs.length >= 3, 3_000);
    const [due, job] = runs[0]!;
    expect(due).toBe(info.next!.getTime());
    expect(job.schedule).toEqual({ id: 'heartbeat', due });
    expect(job.toJSON().schedule).toEqual({ id: 'heartbeat', due });
    expect(job.data).toEqual({ n: 1 });
    expect(job.priority()).toBe(-10);
    // Consecutive due times, one period apart; each run started soon after its due time.
    expect(runs.slice(0, 3).map(([d]) => d - due)).toEqual([0, 200, 400]);
    for (const [d, j] of runs) expect(j.created_at! - d).toBeLessThan(150);
    await expectConsistent(queue);
  });

  it('any number of processes declaring the same schedule at once make one schedule with one next run', async () => {
    const first = testQueue();
    const others = [1, 2, 3, 4].map(() => testQueue({ prefix: first.prefix }));
    const all = [first, ...others];
    const runs = collect(first, 'tick');
    const infos = await Promise.all(all.map((q) => q.schedule('tick', { every: 150 }, q.create('tick', {}))));
    expect(new Set(infos.map((i) => i.next!.getTime())).size).toBe(1);
    expect(await first.schedules()).toHaveLength(1);
    // Declared again (a restart), the schedule keeps its next run and rhythm.
    await sleep(400);
    const before = await first.getSchedule('tick');
    await Promise.all(all.map((q) => q.schedule('tick', { every: 150 }, q.create('tick', {}))));
    const after = await first.getSchedule('tick');
    expect(after.updatedAt).toEqual(before.updatedAt);
    await sleep(700);
    await Promise.all(all.map((q) => q.pauseSchedule('tick')));
    await sleep(100);
    const dues = runs.map(([d]) => d).sort((a, b) => a - b);
    expect(new Set(dues).size).toBe(dues.length);
    expect(dues.length).toBeGreaterThanOrEqual(6);
    dues.forEach((d, i) => expect(d - dues[0]!).toBe(i * 150));
  });

  it('called again with another job replaces the template and keeps next; with another rule computes next anew', async () => {
    const queue = testQueue({ maintenance: false });
    const a = await queue.schedule('report', { cron: '0 3 * * *' }, queue.create('report', { v: 1 }));
    const b = await queue.schedule('report', { cron: '0 3 * * *' }, queue.create('report', { v: 2 }).attempts(3));
    expect(b.next).toEqual(a.next);
    expect(b.job).toMatchObject({ type: 'report', data: { v: 2 }, attempts: 3 });
    const c = await queue.schedule('report', { cron: '0 4 * * *' }, queue.create('report', { v: 2 }).attempts(3));
    // An hour later in the day (between 03:00 and 04:00 UTC, 04:00 comes first: 23 h earlier).
    const day = 86_400_000;
    expect((((c.next!.getTime() - a.next!.getTime()) % day) + day) % day).toBe(3_600_000);
    expect(c.description).toBe('At 04:00, UTC');
  });

  it('works with callbacks as well as promises', async () => {
    const queue = testQueue({ maintenance: false });
    const info = await new Promise((resolve, reject) => {
      void queue.schedule('cb', { every: 60_000 }, queue.create('x'), (err, value) =>
        err ? reject(err) : resolve(value),
      );
    });
    expect(info).toMatchObject({ id: 'cb', every: 60_000 });
    const list = await new Promise((resolve) => {
      void queue.schedules((_err, value) => resolve(value));
    });
    expect(list).toHaveLength(1);
    const err = await new Promise((resolve) => {
      queue.runNow('nope', (e) => resolve(e)).catch(() => undefined);
    });
    expect(err).toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    const removed = await new Promise((resolve) => {
      void queue.unschedule('cb', (_e, value) => resolve(value));
    });
    expect(removed).toBe(true);
  });

  it('a remove followed by an add schedules again', async () => {
    const queue = testQueue();
    const runs = collect(queue, 'again');
    await queue.schedule('again', { every: 150 }, queue.create('again'));
    await waitFor(() => runs.length >= 1, 2_000);
    expect(await queue.unschedule('again')).toBe(true);
    expect(await queue.unschedule('again')).toBe(false);
    await sleep(300);
    const count = runs.length;
    await queue.schedule('again', { every: 150 }, queue.create('again'));
    await waitFor(() => runs.length >= count + 2, 2_000);
    expect((await queue.getSchedule('again')).runs).toBeGreaterThanOrEqual(2);
  });

  it('a busy queue keeps its rhythm: the next run does not wait for the previous one to start', async () => {
    const queue = testQueue();
    await queue.schedule('busy', { every: 100 }, queue.create('busy'));
    await sleep(1_050);
    const jobs = await queue.rangeByState('inactive', 0, -1);
    expect(jobs.length).toBeGreaterThanOrEqual(9);
    const dues = jobs.map((j) => j.schedule!.due).sort((a, b) => a - b);
    dues.forEach((d, i) => expect(d - dues[0]!).toBe(i * 100));
  });

  it("overlap 'skip' makes no run while the previous run is still waiting or active", async () => {
    const queue = testQueue();
    await queue.schedule('one-at-a-time', { every: 100, overlap: 'skip' }, queue.create('slow'));
    await sleep(700);
    expect(await queue.inactiveCount('slow')).toBe(1);
    let release: () => void = () => undefined;
    const started: number[] = [];
    queue.process('slow', (job, done) => {
      started.push(job.id!);
      release = () => done();
    });
    await waitFor(() => started.length === 1, 2_000);
    await sleep(400);
    expect(await queue.inactiveCount('slow')).toBe(0);
    release();
    await waitFor(() => started.length === 2, 2_000);
  });

  it('a paused schedule makes no runs; resumed, it runs from its next due time after now; declared again, it stays paused', async () => {
    const queue = testQueue();
    const runs = collect(queue, 'pausable');
    await queue.schedule('p', { every: 100 }, queue.create('pausable'));
    await waitFor(() => runs.length >= 1, 2_000);
    expect(await queue.pauseSchedule('p')).toBe(true);
    expect(await queue.pauseSchedule('p')).toBe(false);
    await sleep(150);
    const count = runs.length;
    await queue.schedule('p', { every: 120 }, queue.create('pausable'));
    const paused = await queue.getSchedule('p');
    expect(paused).toMatchObject({ paused: true, next: null, upcoming: [], every: 120 });
    await sleep(400);
    expect(runs.length).toBe(count);
    const resumedAt = Date.now();
    expect(await queue.resumeSchedule('p')).toBe(true);
    expect(await queue.resumeSchedule('p')).toBe(false);
    await waitFor(() => runs.length > count, 2_000);
    expect(runs[count]![0]).toBeGreaterThanOrEqual(resumedAt - 20);
  });

  it('runNow makes one run due now, paused or not, and leaves the next due time', async () => {
    const queue = testQueue({ maintenance: false });
    const info = await queue.schedule('manual', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report'));
    await queue.pauseSchedule('manual');
    const made = await queue.runNow('manual');
    const job = await queue.getJob(made.jobId);
    expect(job.schedule).toEqual({ id: 'manual', due: made.due.getTime() });
    expect(job.state()).toBe('inactive');
    await queue.resumeSchedule('manual');
    const after = await queue.getSchedule('manual');
    expect(after.next).toEqual(info.next);
    expect(after.runs).toBe(0);
    expect(after.last).toEqual({ jobId: made.jobId, due: made.due, state: 'inactive' });
    await expect(queue.runNow('missing')).rejects.toMatchObject({ name: 'ScheduleNotFoundError' });
  });

  it("a job's group is kept: runs made by the timer and by runNow wait in that group", async () => {
    const queue = testQueue();
    await queue.schedule('tenant-report', { every: 150 }, queue.create('report', { t: 7 }).group('tenant-7'));
    const made = await queue.runNow('tenant-report');
    expect((await queue.getJob(made.jobId)).group()).toBe('tenant-7');
    await waitFor(async () => ((await queue.groups('report'))[0]?.waiting ?? 0) >= 3, 3_000, 'timer runs in the group');
    const groups = await queue.groups('report');
    expect(groups.map((g) => g.group)).toEqual(['tenant-7']);
    const runs = await queue.inactive();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const id of runs) expect((await queue.getJob(id)).group()).toBe('tenant-7');
    await queue.unschedule('tenant-report');
    await expectConsistent(queue);
  });

  it('limit: after that many runs the schedule is finished, still listed with next null', async () => {
    const queue = testQueue();
    await queue.schedule('thrice', { every: 80, limit: 3 }, queue.create('limited'));
    await sleep(600);
    expect(await queue.inactiveCount('limited')).toBe(3);
    expect(await queue.getSchedule('thrice')).toMatchObject({ runs: 3, next: null, finished: true, upcoming: [] });
    await expectConsistent(queue, { inactive: 3 });
  });

  it('endAt: no run after it, then the schedule is finished', async () => {
    const queue = testQueue();
    const start = Date.now() + 100;
    await queue.schedule('window', { every: 100, startAt: start, endAt: start + 250 }, queue.create('windowed'));
    await sleep(600);
    const jobs = await queue.rangeByState('inactive', 0, -1);
    expect(jobs.map((j) => j.schedule!.due - start).sort((a, b) => a - b)).toEqual([0, 100, 200]);
    expect((await queue.getSchedule('window')).finished).toBe(true);
  });

  it('schedules() lists rule, tz, next as a Date, the next five due times, the last run and its state', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('nightly-report', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', {}));
    await queue.schedule('heartbeat', { every: 30_000 }, queue.create('ping', {}));
    const all = await queue.schedules();
    expect(all.map((s) => s.id)).toEqual(['heartbeat', 'nightly-report']);
    const nightly = all[1]!;
    expect(nightly).toMatchObject({ cron: '0 3 * * *', tz: 'Europe/Berlin', runs: 0, paused: false, last: null });
    expect(nightly.description).toBe('At 03:00, Europe/Berlin');
    expect(nightly.upcoming).toHaveLength(5);
    expect(nightly.upcoming[0]).toEqual(nightly.next);
    for (const d of nightly.upcoming) {
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', timeStyle: 'short' }).format(d)).toBe(
        '03:00',
      );
    }
    expect(all[0]!.description).toBe('every 30 seconds');
  });

  it('a schedule made by a process without maintenance is fired on time by the processes that have it', async () => {
    const worker = testQueue();
    const producer = testQueue({ prefix: worker.prefix, maintenance: false });
    const runs = collect(worker, 'hinted');
    await sleep(100);
    const info = await producer.schedule('hinted', { every: 300 }, producer.create('hinted'));
    await waitFor(() => runs.length >= 1, 2_000);
    expect(runs[0]![0]).toBe(info.next!.getTime());
    expect(runs[0]![1].created_at! - runs[0]![0]).toBeLessThan(100);
  });
});

describe('a process that dies while it fires', () => {
  it('leaves its lease to lapse: the run is made once, at most the lease later', async () => {
    const crashed = testQueue({ maintenance: false });
    const info = await crashed.schedule('leased', { every: 60_000, startAt: Date.now() + 200 }, crashed.create('l'));
    await sleep(250);
    // Reads and leases the due schedule, then "dies" before firing it.
    const { schedules } = await crashed.store.schedules.due(10, 1_000);
    expect(schedules.map((s) => s.id)).toEqual(['leased']);
    const other = testQueue({ prefix: crashed.prefix });
    await sleep(600);
    expect(await other.inactiveCount('l')).toBe(0);
    await waitFor(async () => (await other.inactiveCount('l')) === 1, 3_000);
    const [job] = await other.rangeByState('inactive', 0, -1);
    expect(job!.schedule).toEqual({ id: 'leased', due: info.next!.getTime() });
    await sleep(300);
    expect(await other.inactiveCount('l')).toBe(1);
    await expectConsistent(other);
  });
});

describe('missed due times (no process of the queue was up)', () => {
  /** A schedule every 1 s whose processes were all down for a minute. */
  async function downForAMinute(missed: 'last' | 'skip' | 'all'): Promise<number[]> {
    const producer = testQueue({ maintenance: false });
    await producer.schedule('m', { every: 1_000, missed }, producer.create('missed'));
    const redis = redisClient();
    const key = `{${producer.prefix}}:schedule:m`;
    // As if it had been made a minute earlier, and every process had stopped right after.
    const next = Number(await redis.hget(key, 'next')) - 60_000;
    const createdAt = Number(await redis.hget(key, 'created_at')) - 60_000;
    await redis.hset(key, 'next', String(next), 'created_at', String(createdAt));
    await redis.zadd(`{${producer.prefix}}:schedules`, next, 'm');
    testQueue({ prefix: producer.prefix });
    await sleep(300);
    const jobs = await producer.rangeByState('inactive', 0, -1);
    return jobs.map((j) => j.schedule!.due - next).sort((a, b) => a - b);
  }

  it("'last' (the default) runs the latest missed due time once, plus those of the last 10 s", async () => {
    const offsets = await downForAMinute('last');
    expect(offsets.length).toBeGreaterThanOrEqual(10);
    expect(offsets.length).toBeLessThanOrEqual(12);
    expect(offsets[1]! - offsets[0]!).toBe(1_000);
  });

  it("'skip' runs none of the missed ones", async () => {
    const offsets = await downForAMinute('skip');
    expect(offsets[0]).toBeGreaterThanOrEqual(50_000);
    expect(offsets.length).toBeLessThanOrEqual(11);
  });

  it("'all' runs each one", async () => {
    const offsets = await downForAMinute('all');
    expect(offsets.slice(0, 3)).toEqual([0, 1_000, 2_000]);
    offsets.forEach((o, i) => expect(o).toBe(i * 1_000));
    expect(offsets.length).toBeGreaterThanOrEqual(60);
  });
});
