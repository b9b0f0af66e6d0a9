import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type Queue } from '../../src/index.js';
import { keysOf, nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Serves a queue's app on a free loopback port; returns a fetch helper bound to it. */
async function serve(queue: Queue, options: Partial<AppOptions> = {}) {
  const app = createApp({ queue, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return async (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const res = await fetch(base + path, {
      ...rest,
      ...(json !== undefined && { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: body as any, headers: res.headers };
  };
}

const JOB_KEYS = [
  'id',
  'type',
  'data',
  'result',
  'priority',
  'progress',
  'state',
  'error',
  'attempts',
  'created_at',
  'updated_at',
  'started_at',
  'failed_at',
  'promote_at',
  'duration',
  'delay',
  'ttl',
  'workerId',
];

describe('JSON API', () => {
  it('GET /stats answers every count and workTime as numbers', async () => {
    const queue = testQueue();
    await queue.create('email').save();
    await queue.create('email').delay(10_000).save();
    const http = await serve(queue);
    const { status, body } = await http('/stats');
    expect(status).toBe(200);
    expect(body).toEqual({
      inactiveCount: 1,
      completeCount: 0,
      activeCount: 0,
      failedCount: 0,
      delayedCount: 1,
      waitingCount: 0,
      workTime: 0,
    });
  });

  it("GET /job/:id answers Kue's job JSON, with the log when asked", async () => {
    const queue = testQueue();
    queue.process('email', (job, done) => {
      job.log('sent to %s', 'tj');
      done(null, { ok: true });
    });
    const job = await queue.create('email', { to: 'tj' }).priority('high').attempts(2).save();
    await waitFor(async () => (await queue.completeCount()) === 1);
    const http = await serve(queue);
    const { status, body } = await http(`/job/${job.id}?log=true`);
    expect(status).toBe(200);
    for (const key of JOB_KEYS) expect(body).toHaveProperty(key);
    expect(body).toMatchObject({
      id: String(job.id),
      type: 'email',
      data: { to: 'tj' },
      result: { ok: true },
      priority: -10,
      progress: 100,
      state: 'complete',
      error: null,
      attempts: { made: 0, remaining: 2, max: 2 },
      log: ['sent to tj'],
    });
    expect(Number(body.duration)).toBeGreaterThanOrEqual(0);
    expect((await http(`/job/${job.id}/log`)).body).toEqual(['sent to tj']);
    expect((await http(`/job/${job.id}`)).body).not.toHaveProperty('log');
  });

  it('GET /jobs/:from..:to/:order?, /jobs/:state/..., /jobs/:type/:state/... list jobs', async () => {
    const queue = testQueue();
    const ids: number[] = [];
    for (const type of ['a', 'b', 'a', 'b']) ids.push((await queue.create(type).save()).id!);
    await (await queue.getJob(ids[3]!)).failed();
    const http = await serve(queue);
    const idsOf = (jobs: Array<{ id: string }>) => jobs.map((j) => Number(j.id));
    expect(idsOf((await http('/jobs/0..1')).body)).toEqual(ids.slice(0, 2));
    expect(idsOf((await http('/jobs/0..9/desc')).body)).toEqual([...ids].reverse());
    expect(idsOf((await http('/jobs/inactive/0..9/asc')).body)).toEqual(ids.slice(0, 3));
    expect(idsOf((await http('/jobs/b/failed/0..9')).body)).toEqual([ids[3]]);
    expect((await http('/jobs/a/inactive/stats')).body).toEqual({ count: 2 });
    expect((await http('/job/types')).body).toEqual(['a', 'b']);
    expect((await http('/inactive/a')).body).toEqual([String(ids[0]), String(ids[2])]);
  });

  it('huge ranges are capped at 1,000 jobs per listing', async () => {
    const queue = testQueue();
    for (let i = 0; i < 5; i++) await queue.create('x').save();
    const http = await serve(queue);
    const { status, body } = await http('/jobs/0..999999999');
    expect(status).toBe(200);
    expect(body).toHaveLength(5);
  });

  it('POST /job creates one job or many, one result per element in order', async () => {
    const queue = testQueue();
    const http = await serve(queue);
    const one = await http('/job', {
      method: 'POST',
      json: { type: 'email', data: { title: 'welcome' }, options: { attempts: 5, priority: 'high' } },
    });
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ message: 'job created', id: expect.any(Number) });
    const stored = await queue.getJob(one.body.id);
    expect(stored.attempts().max).toBe(5);
    expect(stored.priority()).toBe(-10);
    const many = await http('/job', {
      method: 'POST',
      json: [
        { type: 'email', data: { n: 1 } },
        { data: { n: 2 } },
        { type: 'email', options: { priority: 'whenever' } },
        { type: 'email', options: { delay: 86400 } },
      ],
    });
    expect(many.status).toBe(200);
    expect(many.body).toEqual([
      { message: 'job created', id: expect.any(Number) },
      { error: expect.stringMatching(/type/) },
      { error: expect.stringMatching(/priority/) },
      { message: 'job created', id: expect.any(Number) },
    ]);
    expect(await queue.delayedCount()).toBe(1);
    expect(await queue.inactiveCount()).toBe(2);
  });

  it('POST /job takes a unique key and answers a duplicate with the existing id and duplicate: true', async () => {
    const queue = testQueue();
    const http = await serve(queue);
    const post = (json: unknown) => http('/job', { method: 'POST', json });
    const first = await post({ type: 'sync', data: { user: 7 }, options: { unique: 'sync:7' } });
    expect(first.body).toEqual({ message: 'job created', id: expect.any(Number) });
    const again = await post({ type: 'sync', data: { user: 7 }, options: { unique: { key: 'sync:7' } } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ message: 'job exists', id: first.body.id, duplicate: true });
    // An array: each element on its own, the second resolving to the first.
    const many = await post([
      { type: 'digest', options: { unique: { key: 'd', ttl: 60_000 } } },
      { type: 'digest', options: { unique: { key: 'd', ttl: 60_000 } } },
    ]);
    expect(many.body[1]).toEqual({ message: 'job exists', id: many.body[0].id, duplicate: true });
    const json = (await http(`/job/${many.body[0].id}`)).body;
    expect(json.unique).toEqual({ key: 'd', ttl: 60_000 });
    const bad = await Promise.all(
      [5, '', { key: 'k', ttl: 0 }, { key: 'k', ttl: '1s' }, { key: 'k', lock: true }, { ttl: 5 }, ['k']].map(
        (unique) => post({ type: 'sync', options: { unique } }),
      ),
    );
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
    expect(bad[2]!.body.error).toMatch(/unique ttl .* got 0/);
    expect(bad[4]!.body.error).toMatch(/unknown option "lock"/);
    expect(await queue.inactiveCount()).toBe(2);
  });

  it('POST /job with an empty body answers 204; without a type 400 {error}', async () => {
    const queue = testQueue();
    const http = await serve(queue);
    expect((await http('/job', { method: 'POST' })).status).toBe(204);
    expect((await http('/job', { method: 'POST', json: [] })).status).toBe(204);
    const missing = await http('/job', { method: 'POST', json: { data: {} } });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/type/);
    expect(await queue.inactiveCount()).toBe(0);
  });

  it('a backoff sent as source code is refused, never evaluated', async () => {
    const queue = testQueue();
    const http = await serve(queue);
    const res = await http('/job', {
      method: 'POST',
      json: { type: 'x', options: { attempts: 2, backoff: 'function(){ process.exit(1) }' } },
    });
    expect(res.status).toBe(400);
    expect(await queue.inactiveCount()).toBe(0);
  });

  it('PUT /job/:id/state/:state and /priority/:priority change the job', async () => {
    const queue = testQueue();
    const job = await queue.create('t').save();
    const http = await serve(queue);
    expect((await http(`/job/${job.id}/state/failed`, { method: 'PUT' })).body).toEqual({ message: 'updated state' });
    expect((await queue.getJob(job.id!)).state()).toBe('failed');
    expect((await http(`/job/${job.id}/priority/critical`, { method: 'PUT' })).body).toEqual({
      message: 'updated priority',
    });
    expect((await queue.getJob(job.id!)).priority()).toBe(-15);
    expect((await http(`/job/${job.id}/priority/7`, { method: 'PUT' })).status).toBe(200);
    expect((await queue.getJob(job.id!)).priority()).toBe(7);
  });

  it("DELETE /job/:id removes the job and answers Kue's message", async () => {
    const queue = testQueue();
    const job = await queue.create('t').save();
    const http = await serve(queue);
    expect((await http(`/job/${job.id}`, { method: 'DELETE' })).body).toEqual({ message: `job ${job.id} removed` });
    expect((await http(`/job/${job.id}`)).status).toBe(404);
    expect((await keysOf(redisClient(), queue.prefix)).filter((k) => k.includes(':job:'))).toEqual([]);
  });

  it('GET /job/search?q= answers the ids of jobs matching every word', async () => {
    const queue = testQueue({ disableSearch: false });
    const a = await queue.create('video', { title: "converting loki's to avi" }).save();
    await queue.create('video', { title: 'converting thor' }).save();
    const http = await serve(queue);
    expect((await http('/job/search?q=avi%20CONVERT')).body).toEqual([String(a.id)]);
    expect((await http('/job/search')).body).toEqual([]);
  });

  it('GET /job/search finds a job by its title even when its searchKeys leave the title out', async () => {
    const queue = testQueue({ disableSearch: false });
    const http = await serve(queue);
    const created = await http('/job', {
      method: 'POST',
      json: { type: 'email', data: { title: 'Account renewal required', to: 'ada' }, options: { searchKeys: ['to'] } },
    });
    const id = String((created.body as { id: number }).id);
    expect((await http('/job/search?q=renewal%20account')).body).toEqual([id]);
    expect((await http('/job/search?q=ada')).body).toEqual([id]);
    expect((await http(`/api/search?q=renewal&state=inactive`)).body).toEqual({ ids: [id], truncated: false });
  });

  describe('bad input never yields a 500', () => {
    it.each([
      ['GET', '/job/999999', 404],
      ['GET', '/job/..%2F1', 400],
      ['GET', `/job/${'9'.repeat(10_000)}`, 400],
      ['GET', '/job/abc/log', 400],
      ['DELETE', '/job/424242', 404],
      ['PUT', '/job/1/state/sideways', 400],
      ['PUT', '/job/1/priority/urgent', 404],
      ['GET', '/jobs/0..x', 400],
      ['GET', '/jobs/5..1', 400],
      ['GET', '/jobs/0..3/sideways', 400],
      ['GET', '/jobs/nostate/0..3', 400],
      ['GET', '/jobs/a/nostate/stats', 400],
      ['GET', '/no/such/route', 404],
      ['GET', '/api/jobs?state=zzz', 400],
      ['GET', '/api/jobs?limit=-1', 400],
      ['GET', '/api/jobs?cursor=bogus', 400],
      ['GET', '/api/throughput?minutes=abc', 400],
    ])('%s %s -> %i JSON', async (method, path, expected) => {
      const queue = testQueue();
      const http = await serve(queue);
      const { status, body, headers } = await http(path, { method });
      expect(status).toBe(expected);
      expect(headers.get('content-type')).toMatch(/json/);
      expect(typeof body.error).toBe('string');
    });

    it('malformed JSON -> 400, a body over the limit -> 413, both JSON', async () => {
      const queue = testQueue();
      const http = await serve(queue, { bodyLimit: 1_000 });
      const malformed = await http('/job', {
        method: 'POST',
        body: '{"type": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatch(/JSON/);
      const big = await http('/job', { method: 'POST', json: { type: 'x', data: 'y'.repeat(5_000) } });
      expect(big.status).toBe(413);
      expect(big.body.error).toMatch(/large/);
      expect(await queue.inactiveCount()).toBe(0);
    });

    it('a bad id, state, order, type or time answers 400 with the message the API gives for the same value', async () => {
      const queue = testQueue();
      const http = await serve(queue);
      const thrown = async (call: () => unknown) => {
        try {
          await call();
        } catch (err) {
          return (err as Error).message;
        }
        throw new Error('the API accepted it');
      };
      const cases: Array<[method: string, path: string, json: unknown, api: () => unknown]> = [
        ['GET', '/job/abc', undefined, () => queue.getJob('abc')],
        ['GET', '/api/job/0', undefined, () => queue.admin.attemptErrors('0' as never)],
        ['PUT', '/job/1/state/sideways', undefined, () => queue.card('sideways' as never)],
        ['GET', '/jobs/0..3/sideways', undefined, () => queue.range(0, 3, 'sideways' as never)],
        ['GET', '/api/jobs?state=zzz', undefined, () => queue.admin.page('zzz' as never)],
        ['POST', '/api/jobs/retry', { type: 5 }, () => queue.admin.retryAll({ type: 5 as never })],
        ['POST', '/api/jobs/promote', { before: -1 }, () => queue.admin.promoteAll({ before: -1 })],
        ['POST', '/api/jobs/remove', { state: 'gone' }, () => queue.admin.removeAll('gone' as never)],
        ['POST', '/api/jobs/bulk', { action: 'remove', ids: [1.5] }, () => queue.getJob(1.5)],
        ['POST', '/job', { type: '' }, () => queue.create('')],
      ];
      for (const [method, path, json, api] of cases) {
        const res = await http(path, { method, json });
        expect(res.status, path).toBe(400);
        expect(res.body, path).toEqual({ error: await thrown(api) });
      }
      const long = await http(`/job/${'9'.repeat(10_000)}`);
      expect(long.body.error).toMatch(/^job id must be a positive integer, got "9{57}\.\.\." \(string\)$/);
    });

    it('Redis being unreachable answers 503 JSON without Redis error text', async () => {
      const queue = testQueue();
      const http = await serve(queue);
      await queue.shutdown(100);
      const res = await http('/stats');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'Redis is unavailable', code: 'CONNECTION' });
    });
  });

  describe('/api routes for the dashboard', () => {
    it('GET /api/jobs pages with a cursor', async () => {
      const queue = testQueue();
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) ids.push((await queue.create('p').save()).id!);
      const http = await serve(queue);
      const first = await http('/api/jobs?state=inactive&limit=4');
      expect(first.body.jobs.map((j: { id: string }) => Number(j.id))).toEqual(ids.slice(0, 4));
      const second = await http(`/api/jobs?state=inactive&limit=4&cursor=${first.body.next}`);
      expect(second.body.jobs.map((j: { id: string }) => Number(j.id))).toEqual(ids.slice(4));
      expect(second.body.next).toBeNull();
    });

    it('bulk retry, promote and remove answer how many jobs they changed', async () => {
      const queue = testQueue();
      for (let i = 0; i < 3; i++) await (await queue.create('f').save()).failed();
      await queue.create('d').delay(60_000).save();
      const http = await serve(queue);
      expect((await http('/api/jobs/retry', { method: 'POST', json: { type: 'f' } })).body).toEqual({ count: 3 });
      expect((await http('/api/jobs/promote', { method: 'POST', json: {} })).body).toEqual({ count: 1 });
      expect((await http('/api/jobs/remove', { method: 'POST', json: { state: 'inactive', type: 'f' } })).body).toEqual(
        { count: 3 },
      );
      expect(await queue.inactiveCount()).toBe(1);
      expect((await http('/api/jobs/remove', { method: 'POST', json: { state: 'nope' } })).status).toBe(400);
    });

    it('pause and resume a type; /api/types reports it with counts', async () => {
      const queue = testQueue();
      await queue.create('mail').save();
      const http = await serve(queue);
      expect((await http('/api/types/mail/pause', { method: 'PUT' })).body).toEqual({ type: 'mail', paused: true });
      expect((await http('/api/types')).body).toEqual([
        {
          type: 'mail',
          paused: true,
          counts: { inactive: 1, delayed: 0, active: 0, complete: 0, failed: 0, waiting: 0 },
        },
      ]);
      expect((await http('/api/types/mail/pause', { method: 'DELETE' })).body).toEqual({ type: 'mail', paused: false });
    });

    it('GET /api/job/:id answers the job with its log and every failed attempt', async () => {
      const queue = testQueue();
      queue.process('flaky', (job, done) => {
        job.log('trying');
        done(new Error('nope'));
      });
      const job = await queue.create('flaky').attempts(2).save();
      await nextEvent(job, 'failed');
      const http = await serve(queue);
      const { body } = await http(`/api/job/${job.id}`);
      expect(body).toMatchObject({ id: String(job.id), state: 'failed', log: ['trying', 'trying'] });
      expect(body.errors.map((e: { attempt: number; error: string }) => [e.attempt, e.error])).toEqual([
        [1, 'nope'],
        [2, 'nope'],
      ]);
    });

    it('POST /api/job/:id/promote makes a delayed job inactive now', async () => {
      const queue = testQueue();
      const job = await queue.create('later').delay(60_000).save();
      const http = await serve(queue);
      expect((await http(`/api/job/${job.id}/promote`, { method: 'POST' })).status).toBe(200);
      expect((await queue.getJob(job.id!)).state()).toBe('inactive');
    });

    it('GET /api/events streams counts and batched job events', async () => {
      const queue = testQueue();
      const app = createApp({ queue });
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, () => resolve(s));
      });
      servers.push(server);
      const { port } = server.address() as { port: number };
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/api/events`, { signal: controller.signal });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const saved = queue.create('live').save();
      await waitFor(
        async () => {
          const { value } = await reader.read();
          text += new TextDecoder().decode(value);
          return (
            text.includes('event: jobs') &&
            text.includes('"enqueue"') &&
            text.includes('"type":"live"') &&
            /"inactive":1/.test(text)
          );
        },
        5_000,
        'events on the stream',
      );
      await saved;
      controller.abort();
    });
  });
});
