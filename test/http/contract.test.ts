/**
 * One contract, run against every host a Kue app is mounted in (test/http/adapters.ts):
 * the app must answer the same wherever it is mounted and under whatever prefix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type Queue } from '../../src/index.js';
import { testQueue } from '../support/setup.js';
import { express4Host, express5Host, fastifyHost, honoHost, nodeHttpHost, type Host, type Hosted } from './adapters.js';

const HOSTS: Array<[name: string, prefix: '' | '/kue', host: Host]> = [
  ['Express 5', '', express5Host],
  ['Express 5', '/kue', express5Host],
  ['Express 4', '/kue', express4Host],
  ['Fastify 5 (@fastify/express)', '/kue', fastifyHost],
  ['Hono (@hono/node-server)', '/kue', honoHost],
  ['node:http', '', nodeHttpHost],
];

interface Answer {
  status: number;
  headers: Headers;
  /** The URL that answered, after redirects. */
  url: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any;
}

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    ...(json !== undefined && {
      body: JSON.stringify(json),
      headers: { 'content-type': 'application/json', ...rest.headers },
    }),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, url: res.url, text, body };
}

const STATS_KEYS = [
  'activeCount',
  'completeCount',
  'delayedCount',
  'failedCount',
  'inactiveCount',
  'waitingCount',
  'workTime',
];

function contract(hostName: string, host: Host, prefix: '' | '/kue') {
  const hosted: Hosted[] = [];
  afterEach(async () => {
    await Promise.all(hosted.splice(0).map((h) => h.close()));
  });

  const title = `Jobs via ${hostName}`;

  /**
   * A queue holding two inactive "email" jobs, one delayed "email" job and one failed
   * "report" job, served by a Kue app mounted on the host. `api(path)` is the URL of a
   * route of the app (path without a leading slash).
   */
  async function mounted(options: Partial<AppOptions> = {}) {
    const queue = testQueue({ maintenance: false });
    const first = await queue.create('email', { to: 'a@example.com' }).save();
    const second = await queue.create('email', { to: 'b@example.com' }).priority('high').save();
    const delayed = await queue.create('email', { to: 'c@example.com' }).delay(3_600_000).save();
    const failed = await queue.create('report', { month: 5 }).save();
    await failed.failed();
    const app = createApp({ queue, ...options });
    app.set('title', title);
    const h = await host(app, prefix);
    hosted.push(h);
    const api = (path: string) => `${h.baseUrl}/${path}`;
    return {
      queue,
      app,
      baseUrl: h.baseUrl,
      api,
      ids: { first: first.id!, second: second.id!, delayed: delayed.id!, failed: failed.id! },
    };
  }

  const states = async (queue: Queue) => ({
    inactive: await queue.inactiveCount(),
    delayed: await queue.delayedCount(),
    failed: await queue.failedCount(),
    active: await queue.activeCount(),
    complete: await queue.completeCount(),
  });

  it('GET / answers the HTML page with the title set by app.set("title")', async () => {
    const { api } = await mounted();
    const res = await call(api(''));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toContain(`<title>${title}</title>`);
    expect(res.text).toContain(`<h1>${title}</h1>`);
  });

  it('the relative links of the page at <prefix>/ resolve under the prefix and answer JSON', async () => {
    const { api } = await mounted();
    const page = await call(api(''));
    const links = [...page.text.matchAll(/<a href="([^"]+)"/g)].map((m) => new URL(m[1]!, page.url));
    expect(links.length).toBeGreaterThanOrEqual(3);
    for (const link of links) {
      expect(link.pathname.startsWith(`${prefix}/`), `${link.href} is under "${prefix}/"`).toBe(true);
      const res = await call(link.href);
      expect(res.status, link.href).toBe(200);
      expect(res.headers.get('content-type'), link.href).toMatch(/json/);
    }
    // The dashboard's scripts, styles and icon (when it is built) load from under the prefix too.
    const assets = [...page.text.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map((m) => new URL(m[1]!, page.url));
    for (const asset of assets) {
      expect(asset.pathname.startsWith(`${prefix}/assets/`), asset.href).toBe(true);
      expect((await call(asset.href)).status, asset.href).toBe(200);
    }
  });

  if (prefix !== '') {
    it('the relative links of the page opened at the bare prefix (no trailing slash) resolve under the prefix', async () => {
      const { baseUrl } = await mounted();
      // A browser opening http://host/kue resolves href="stats" against the URL it ends up at.
      const page = await call(baseUrl);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<title>${title}</title>`);
      const links = [...page.text.matchAll(/href="([^"]+)"/g)].map((m) => new URL(m[1]!, page.url));
      expect(links.length).toBeGreaterThanOrEqual(3);
      for (const link of links) {
        expect(link.pathname, `href resolved against ${page.url}`).toMatch(new RegExp(`^${prefix}/`));
        expect((await call(link.href)).status, link.href).toBe(200);
      }
    });
  }

  it('GET stats answers every count and workTime as numbers', async () => {
    const { api } = await mounted();
    const res = await call(api('stats'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(STATS_KEYS);
    for (const key of STATS_KEYS) expect(typeof res.body[key], key).toBe('number');
    expect(res.body).toEqual({
      inactiveCount: 2,
      delayedCount: 1,
      failedCount: 1,
      activeCount: 0,
      completeCount: 0,
      waitingCount: 0,
      workTime: 0,
    });
  });

  it("GET job/:id answers the job's JSON", async () => {
    const { api, ids } = await mounted();
    const res = await call(api(`job/${ids.second}`));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: String(ids.second),
      type: 'email',
      data: { to: 'b@example.com' },
      state: 'inactive',
      priority: -10,
      attempts: { made: 0, remaining: 1, max: 1 },
      error: null,
    });
    expect(Number(res.body.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.body).not.toHaveProperty('log');
  });

  it('GET jobs/:from..:to/:order and jobs/:state/... list jobs in order', async () => {
    const { api, ids } = await mounted();
    const idsOf = (res: Answer) => (res.body as Array<{ id: string }>).map((j) => Number(j.id));
    const all = await call(api('jobs/0..9/asc'));
    expect(all.status).toBe(200);
    expect(idsOf(all)).toEqual([ids.first, ids.second, ids.delayed, ids.failed]);
    expect(idsOf(await call(api('jobs/0..1/desc')))).toEqual([ids.failed, ids.delayed]);
    expect(idsOf(await call(api('jobs/delayed/0..9')))).toEqual([ids.delayed]);
    expect(idsOf(await call(api('jobs/report/failed/0..9/asc')))).toEqual([ids.failed]);
    expect((await call(api('jobs/email/inactive/stats'))).body).toEqual({ count: 2 });
  });

  it('POST job with one job answers {message, id} and the job is stored', async () => {
    const { api, queue } = await mounted();
    const res = await call(api('job'), {
      method: 'POST',
      json: { type: 'posted', data: { n: 1 }, options: { priority: 'low' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'job created', id: expect.any(Number) });
    const job = await queue.getJob(res.body.id);
    expect(job.type).toBe('posted');
    expect(job.data).toEqual({ n: 1 });
    expect(job.priority()).toBe(10);
  });

  it('POST job with an array holding one bad element answers one result per element, in order', async () => {
    const { api, queue } = await mounted();
    const res = await call(api('job'), {
      method: 'POST',
      json: [{ type: 'batch', data: { n: 1 } }, { data: { n: 2 } }, { type: 'batch', data: { n: 3 } }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { message: 'job created', id: expect.any(Number) },
      { error: expect.stringMatching(/type/) },
      { message: 'job created', id: expect.any(Number) },
    ]);
    expect((await queue.getJob(res.body[0].id)).data).toEqual({ n: 1 });
    expect((await queue.getJob(res.body[2].id)).data).toEqual({ n: 3 });
    expect(await queue.inactiveCount('batch')).toBe(2);
  });

  it('PUT job/:id/state/:state moves the job', async () => {
    const { api, queue, ids } = await mounted();
    const res = await call(api(`job/${ids.first}/state/complete`), { method: 'PUT' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'updated state' });
    expect((await queue.getJob(ids.first)).state()).toBe('complete');
    expect(await states(queue)).toEqual({ inactive: 1, delayed: 1, failed: 1, active: 0, complete: 1 });
  });

  it('DELETE job/:id removes the job; GET job/:id then answers 404 JSON', async () => {
    const { api, queue, ids } = await mounted();
    const res = await call(api(`job/${ids.delayed}`), { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: `job ${ids.delayed} removed` });
    const after = await call(api(`job/${ids.delayed}`));
    expect(after.status).toBe(404);
    expect(after.headers.get('content-type')).toMatch(/json/);
    expect(after.body).toMatchObject({ error: expect.any(String) });
    expect(await queue.delayedCount()).toBe(0);
  });

  it('malformed JSON answers 400 JSON {error} and creates nothing', async () => {
    const { api, queue } = await mounted();
    const res = await call(api('job'), {
      method: 'POST',
      body: '{"type": "x", ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(res.body).toEqual({ error: expect.stringMatching(/JSON/) });
    expect(await states(queue)).toEqual({ inactive: 2, delayed: 1, failed: 1, active: 0, complete: 0 });
  });

  it('an unknown route under the prefix answers 404 JSON {error}', async () => {
    const { api } = await mounted();
    for (const [method, path] of [
      ['GET', 'no/such/route'],
      ['POST', 'stats'],
      ['GET', 'jobs/a/b/c/d'],
    ] as const) {
      const res = await call(api(path), { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type'), `${method} ${path}`).toMatch(/json/);
      expect(res.body, `${method} ${path}`).toEqual({ error: expect.any(String) });
    }
  });

  it('a body over bodyLimit answers 413 JSON {error} and creates nothing', async () => {
    const { api, queue } = await mounted({ bodyLimit: 1_000 });
    const res = await call(api('job'), { method: 'POST', json: { type: 'big', data: 'x'.repeat(20_000) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/json/);
    expect(res.body).toEqual({ error: expect.stringMatching(/large/) });
    expect(await queue.inactiveCount('big')).toBe(0);
    // The connection and the app are still fine afterwards.
    expect((await call(api('job'), { method: 'POST', json: { type: 'small' } })).status).toBe(200);
  });

  it('responses carry the Content-Security-Policy header through the host', async () => {
    const { api } = await mounted();
    for (const path of ['', 'stats', 'no/such/route']) {
      const res = await call(api(path));
      expect(res.headers.get('content-security-policy'), path || '/').toMatch(/default-src 'self'/);
    }
  });

  it('GET api/events streams server-sent events through the host', async () => {
    const { api } = await mounted();
    const controller = new AbortController();
    const res = await fetch(api('api/events'), { signal: controller.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      let text = '';
      const end = Date.now() + 5_000;
      while (!text.includes('event: counts') && Date.now() < end) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain('event: counts');
      expect(text).toMatch(/"inactive":2/);
    } finally {
      controller.abort();
    }
  });
}

describe.each(HOSTS)('a Kue app mounted in %s at prefix "%s"', (name, prefix, host) => {
  contract(name, host, prefix);
});
