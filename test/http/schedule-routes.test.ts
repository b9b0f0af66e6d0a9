// The JSON API of schedules: list, read, upsert, pause, resume, run now, remove; 404 for an
// unknown schedule, 400 for bad input, 403 in read-only mode.
import { describe, expect, it } from 'vitest';
import { serve } from '../support/serve.js';
import { testQueue } from '../support/setup.js';

describe('/api/schedules', () => {
  it('lists schedules with the rule in words, next five due times, last run and its state', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('nightly-report', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', {}));
    await queue.runNow('nightly-report');
    const http = await serve(queue);
    const { status, body } = await http('/api/schedules');
    expect(status).toBe(200);
    const [nightly] = body.schedules;
    expect(nightly).toMatchObject({
      id: 'nightly-report',
      cron: '0 3 * * *',
      tz: 'Europe/Berlin',
      description: 'At 03:00, Europe/Berlin',
      paused: false,
      runs: 0,
      job: { type: 'report', data: {} },
      last: { state: 'inactive' },
    });
    expect(nightly.upcoming).toHaveLength(5);
    expect(Date.parse(nightly.next)).toBe(Date.parse(nightly.upcoming[0]));
    expect((await http('/api/schedules/nightly-report')).body.id).toBe('nightly-report');
  });

  it('upserts from JSON, pauses, resumes, runs now and removes', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    const rule = { every: 30_000, startAt: '2030-01-01T00:00:00Z' };
    const put = await http('/api/schedules/heartbeat', 'PUT', { rule, job: { type: 'ping', priority: 'high' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'heartbeat', every: 30_000, next: '2030-01-01T00:00:00.000Z' });
    expect(put.body.job).toMatchObject({ type: 'ping', priority: -10 });
    expect((await http('/api/schedules/heartbeat/pause', 'PUT')).body).toEqual({ id: 'heartbeat', paused: true });
    expect((await http('/api/schedules/heartbeat')).body.paused).toBe(true);
    expect((await http('/api/schedules/heartbeat/pause', 'DELETE')).body).toEqual({ id: 'heartbeat', paused: false });
    const run = await http('/api/schedules/heartbeat/run', 'POST');
    expect(run.status).toBe(200);
    expect((await queue.getJob(run.body.jobId)).schedule).toEqual({ id: 'heartbeat', due: Date.parse(run.body.due) });
    expect((await http('/api/schedules/heartbeat', 'DELETE')).body).toEqual({ id: 'heartbeat', removed: true });
    expect((await http('/api/schedules')).body).toEqual({ schedules: [] });
  });

  it('answers 404 for an unknown schedule and 400 for bad input, naming it', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    for (const [path, method] of [
      ['/api/schedules/nope', 'GET'],
      ['/api/schedules/nope', 'DELETE'],
      ['/api/schedules/nope/pause', 'PUT'],
      ['/api/schedules/nope/pause', 'DELETE'],
      ['/api/schedules/nope/run', 'POST'],
    ] as const) {
      expect(await http(path, method)).toMatchObject({
        status: 404,
        body: { error: 'schedule "nope" does not exist', code: 'SCHEDULE_NOT_FOUND' },
      });
    }
    const badCron = await http('/api/schedules/x', 'PUT', { rule: { cron: '99 * * * *' }, job: { type: 'a' } });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error).toMatch(/invalid cron expression "99 \* \* \* \*"/);
    const badZone = await http('/api/schedules/x', 'PUT', {
      rule: { cron: '0 3 * * *', tz: 'Nowhere' },
      job: { type: 'a' },
    });
    expect(badZone.body.error).toMatch(/unknown time zone "Nowhere"/);
    const badJob = await http('/api/schedules/x', 'PUT', { rule: { every: 1_000 }, job: { type: 'a', delay: 5 } });
    expect(badJob).toMatchObject({ status: 400, body: { error: expect.stringMatching(/unknown job field "delay"/) } });
    expect((await http('/api/schedules/x', 'PUT', [1])).status).toBe(400);
    expect(await queue.schedules()).toEqual([]);
  });

  it('refuses every change in read-only mode', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('s', { every: 60_000 }, queue.create('a'));
    const http = await serve(queue, { readOnly: true });
    expect((await http('/api/schedules')).status).toBe(200);
    for (const [path, method] of [
      ['/api/schedules/s', 'DELETE'],
      ['/api/schedules/s/pause', 'PUT'],
      ['/api/schedules/s/run', 'POST'],
    ] as const) {
      expect((await http(path, method)).status).toBe(403);
    }
    expect((await queue.getSchedule('s')).paused).toBe(false);
  });
});
