/**
 * Authentication, read-only mode, cross-site refusal and security headers, on every route.
 * "Nothing changed" is checked on Redis itself: a snapshot of every key of the queue.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions } from '../../src/index.js';
import { redisClient, snapshotOf, testQueue } from '../support/setup.js';

interface Ids {
  first: number;
  second: number;
  delayed: number;
  failed: number;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path, `:id` standing for a job id filled in by `target`. */
  path: string;
  target?: keyof Ids;
  json?: unknown;
  /** The server-sent events stream: headers only, then the request is aborted. */
  sse?: true;
  /** Answers the dashboard's HTML page. */
  html?: true;
}

/** Every route the app serves: HTML, Kue's JSON API and the /api routes. */
const ROUTES: Route[] = [
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/stats' },
  { method: 'GET', path: '/job/search?q=mail' },
  { method: 'GET', path: '/job/types' },
  { method: 'GET', path: '/job/:id', target: 'first' },
  { method: 'GET', path: '/job/:id/log', target: 'first' },
  { method: 'GET', path: '/jobs/0..9/asc' },
  { method: 'GET', path: '/jobs/inactive/0..9/desc' },
  { method: 'GET', path: '/jobs/email/inactive/0..9' },
  { method: 'GET', path: '/jobs/email/inactive/stats' },
  { method: 'GET', path: '/inactive/email' },
  { method: 'POST', path: '/job', json: { type: 'created', data: { n: 1 } } },
  { method: 'DELETE', path: '/job/:id', target: 'first' },
  { method: 'PUT', path: '/job/:id/state/complete', target: 'first' },
  { method: 'PUT', path: '/job/:id/priority/critical', target: 'first' },
  { method: 'GET', path: '/api/config' },
  { method: 'GET', path: '/api/jobs?state=inactive&limit=10' },
  { method: 'POST', path: '/api/jobs/retry', json: {} },
  { method: 'POST', path: '/api/jobs/promote', json: {} },
  { method: 'POST', path: '/api/jobs/remove', json: { state: 'inactive' } },
  { method: 'GET', path: '/api/job/:id', target: 'first' },
  { method: 'POST', path: '/api/job/:id/promote', target: 'delayed' },
  { method: 'GET', path: '/api/types' },
  { method: 'PUT', path: '/api/types/email/pause' },
  { method: 'DELETE', path: '/api/types/report/pause' },
  { method: 'GET', path: '/api/throughput?minutes=5' },
  { method: 'GET', path: '/api/events', sse: true },
  { method: 'GET', path: '/failed', html: true },
  { method: 'GET', path: '/api/jobs/by-id?ids=1,4' },
  { method: 'GET', path: '/api/search?q=mail&state=inactive' },
  // Every test's queue is new, so its failed "report" job is job 4.
  { method: 'POST', path: '/api/jobs/bulk', json: { action: 'retry', ids: [4] } },
  { method: 'GET', path: '/api/schedules' },
  { method: 'GET', path: '/api/schedules/nightly' },
  { method: 'PUT', path: '/api/schedules/heartbeat', json: { rule: { every: 30_000 }, job: { type: 'ping' } } },
  { method: 'DELETE', path: '/api/schedules/nightly' },
  { method: 'PUT', path: '/api/schedules/nightly/pause' },
  { method: 'DELETE', path: '/api/schedules/weekly/pause' },
  { method: 'POST', path: '/api/schedules/nightly/run' },
];
const MUTATING = ROUTES.filter((r) => r.method !== 'GET');
const READS = ROUTES.filter((r) => r.method === 'GET');
const label = (r: Route) => `${r.method} ${r.path}`;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
});

/**
 * A queue (no maintenance, so nothing writes to Redis behind the test's back) holding two
 * inactive "email" jobs, a delayed "email" job and a failed "report" job, "report" paused:
 * every mutating route has something to change. Served by createApp(options) on a free port.
 */
async function serve(options: Partial<AppOptions> = {}) {
  const queue = testQueue({ maintenance: false });
  const first = await queue.create('email', { to: 'a@example.com' }).save();
  const second = await queue.create('email', { to: 'b@example.com' }).save();
  const delayed = await queue.create('email', { to: 'c@example.com' }).delay(3_600_000).save();
  const failed = await queue.create('report', { month: 5 }).save();
  await failed.failed();
  await queue.admin.pauseType('report');
  await queue.schedule('nightly', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', { month: 6 }));
  await queue.schedule('weekly', { cron: '0 4 * * 1' }, queue.create('report', { week: true }));
  await queue.pauseSchedule('weekly');
  const app = createApp({ queue, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids: Ids = { first: first.id!, second: second.id!, delayed: delayed.id!, failed: failed.id! };
  const redis = redisClient();
  return { queue, app, origin, ids, redis, snapshot: () => snapshotOf(redis, queue.prefix) };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Sends a route's request; the events stream is aborted once its headers are in. */
async function send(origin: string, route: Route, ids: Ids, headers: Record<string, string> = {}): Promise<Answer> {
  const path = route.target ? route.path.replace(':id', String(ids[route.target])) : route.path;
  const controller = new AbortController();
  const res = await fetch(origin + path, {
    method: route.method,
    signal: controller.signal,
    headers: { ...(route.json !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(route.json !== undefined && { body: JSON.stringify(route.json) }),
  });
  if (route.sse && res.headers.get('content-type')?.startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status, headers: res.headers, body: undefined, text: '' };
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** What a route answers when it is let through. */
function expectServed(route: Route, res: Answer) {
  expect(res.status, label(route)).toBe(200);
  const type = res.headers.get('content-type') ?? '';
  if (route.sse) expect(type).toMatch(/^text\/event-stream/);
  else if (route.path === '/' || route.html) expect(type).toMatch(/^text\/html/);
  else expect(type).toMatch(/^application\/json/);
}

function expectRefused(res: Answer, status: 401 | 403, what: string) {
  expect(res.status, what).toBe(status);
  expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(res.body, what).toEqual({ error: expect.any(String) });
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

describe('auth: {username, password} (HTTP basic auth)', () => {
  const auth = { username: 'admin', password: 'pa:ss wörd' };

  it.each(ROUTES.map((r) => [label(r), r] as const))(
    '%s answers 401 without or with wrong credentials, changing nothing, and is served with the right ones',
    async (_label, route) => {
      const { origin, ids, snapshot } = await serve({ auth });
      const before = await snapshot();
      const attempts: Array<[string, Record<string, string>]> = [
        ['no credentials', {}],
        ['wrong password', { authorization: basic('admin', 'pa:ss') }],
        ['wrong username', { authorization: basic('Admin', auth.password) }],
        ['empty credentials', { authorization: basic('', '') }],
        ['another scheme', { authorization: `Bearer ${auth.password}` }],
        ['garbage', { authorization: 'Basic !!!' }],
      ];
      for (const [what, headers] of attempts) {
        const res = await send(origin, route, ids, headers);
        expectRefused(res, 401, what);
        expect(res.headers.get('www-authenticate'), what).toMatch(/^Basic realm="Kue"/);
      }
      expect(await snapshot()).toEqual(before);

      const ok = await send(origin, route, ids, { authorization: basic(auth.username, auth.password) });
      expectServed(route, ok);
      // The refused attempts above were real: the same request, let in, does change Redis.
      if (route.method !== 'GET') expect(await snapshot()).not.toEqual(before);
    },
  );

  it('an unknown route answers 401, not 404, without credentials', async () => {
    const { origin, ids } = await serve({ auth });
    const route: Route = { method: 'GET', path: '/no/such/route' };
    expectRefused(await send(origin, route, ids), 401, 'no credentials');
    expect((await send(origin, route, ids, { authorization: basic(auth.username, auth.password) })).status).toBe(404);
  });

  it('the realm option names the realm in WWW-Authenticate', async () => {
    const { origin, ids } = await serve({ auth: { ...auth, realm: 'Jobs "prod"' } });
    const res = await send(origin, { method: 'GET', path: '/stats' }, ids);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="Jobs prod", charset="UTF-8"');
  });
});

describe('auth: (req) => boolean', () => {
  const token = 'let-me-in';

  it.each(ROUTES.map((r) => [label(r), r] as const))(
    '%s answers 401 when the function says no and is served when it says yes',
    async (_label, route) => {
      const seen: string[] = [];
      const { origin, ids, snapshot } = await serve({
        auth: (req) => {
          seen.push(`${req.method} ${req.path}`);
          return req.get('x-kue-token') === token;
        },
      });
      const before = await snapshot();
      const refused = await send(origin, route, ids, { 'x-kue-token': 'nope', authorization: basic('admin', token) });
      expectRefused(refused, 401, 'function answered false');
      // No basic-auth challenge when a function decides.
      expect(refused.headers.get('www-authenticate')).toBeNull();
      expect(await snapshot()).toEqual(before);

      expectServed(route, await send(origin, route, ids, { 'x-kue-token': token }));
      // Asked once per request, with the request as the app sees it.
      const path = route.path.split('?')[0]!.replace(':id', String(ids[route.target ?? 'first']));
      expect(seen).toEqual([`${route.method} ${path}`, `${route.method} ${path}`]);
      if (route.method !== 'GET') expect(await snapshot()).not.toEqual(before);
    },
  );

  it('an async function decides too; one that throws or rejects refuses with 401, never 500', async () => {
    let mode: 'yes' | 'no' | 'throw' | 'reject' = 'yes';
    const { origin, ids } = await serve({
      auth: (req) => {
        if (mode === 'throw') throw new Error('auth backend down');
        return new Promise((resolve, reject) =>
          setTimeout(
            () =>
              mode === 'reject'
                ? reject(new Error('auth backend down'))
                : resolve(mode === 'yes' && req.path === '/stats'),
            5,
          ),
        );
      },
    });
    const stats: Route = { method: 'GET', path: '/stats' };
    expect((await send(origin, stats, ids)).status).toBe(200);
    expectRefused(await send(origin, { method: 'GET', path: '/job/types' }, ids), 401, 'function resolved false');
    for (const m of ['no', 'throw', 'reject'] as const) {
      mode = m;
      expectRefused(await send(origin, stats, ids), 401, m);
    }
  });
});

describe('readOnly: true', () => {
  it.each(MUTATING.map((r) => [label(r), r] as const))(
    '%s answers 403 and changes nothing in Redis',
    async (_label, route) => {
      const { origin, ids, snapshot, queue } = await serve({ readOnly: true });
      const before = await snapshot();
      expectRefused(await send(origin, route, ids), 403, 'read-only');
      expect(await snapshot()).toEqual(before);
      expect(await queue.inactiveCount()).toBe(2);
      expect(await queue.delayedCount()).toBe(1);
      expect(await queue.failedCount()).toBe(1);
      expect((await queue.getJob(ids.first)).state()).toBe('inactive');
      expect(await queue.admin.pausedTypes()).toEqual(['report']);
    },
  );

  it.each(READS.map((r) => [label(r), r] as const))('%s is still served', async (_label, route) => {
    const { origin, ids } = await serve({ readOnly: true });
    expectServed(route, await send(origin, route, ids));
  });

  it('GET /api/config reports readOnly and the title', async () => {
    const { origin, ids } = await serve({ readOnly: true, title: 'Prod jobs' });
    expect((await send(origin, { method: 'GET', path: '/api/config' }, ids)).body).toEqual({
      title: 'Prod jobs',
      readOnly: true,
      search: false,
    });
  });

  it('without readOnly the same app answers the mutating routes (control)', async () => {
    const { origin, ids, snapshot } = await serve({ readOnly: false });
    const before = await snapshot();
    expectServed(MUTATING[0]!, await send(origin, MUTATING[0]!, ids));
    expect(await snapshot()).not.toEqual(before);
  });
});

describe('cross-site requests', () => {
  it.each(MUTATING.map((r) => [label(r), r] as const))(
    '%s marked cross-site or from another origin answers 403 and changes nothing; same-origin is served',
    async (_label, route) => {
      const { origin, ids, snapshot } = await serve();
      const before = await snapshot();
      const port = Number(new URL(origin).port);
      const attempts: Array<[string, Record<string, string>]> = [
        ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
        ['Origin of another host', { origin: 'https://evil.example' }],
        ['Origin of another port', { origin: `http://127.0.0.1:${port === 65535 ? 1 : port + 1}` }],
        ['cross-site with a same-host Origin', { 'sec-fetch-site': 'cross-site', origin }],
        ['an Origin that is not a URL', { origin: 'not a url' }],
        ['Origin: null (a sandboxed frame)', { origin: 'null' }],
      ];
      for (const [what, headers] of attempts) expectRefused(await send(origin, route, ids, headers), 403, what);
      expect(await snapshot()).toEqual(before);

      expectServed(route, await send(origin, route, ids, { 'sec-fetch-site': 'same-origin', origin }));
      expect(await snapshot()).not.toEqual(before);
    },
  );

  it('reads marked cross-site are still served (only mutating requests are refused)', async () => {
    const { origin, ids } = await serve();
    const res = await send(origin, { method: 'GET', path: '/stats' }, ids, {
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(200);
  });

  it('requests without Origin or Sec-Fetch-Site (curl, scripts) are served', async () => {
    const { origin, ids, queue } = await serve();
    const res = await send(origin, { method: 'POST', path: '/job', json: { type: 'scripted' } }, ids);
    expect(res.status).toBe(200);
    expect(await queue.inactiveCount('scripted')).toBe(1);
  });
});

describe('security headers', () => {
  const expectCsp = (res: Answer, what: string) => {
    const csp = res.headers.get('content-security-policy');
    expect(csp, what).toMatch(/default-src 'self'/);
    expect(csp, what).toMatch(/object-src 'none'/);
    expect(csp, what).toMatch(/frame-ancestors 'self'/);
    expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  };

  it.each(ROUTES.map((r) => [label(r), r] as const))(
    '%s carries a Content-Security-Policy header',
    async (_label, route) => {
      const { origin, ids } = await serve();
      const res = await send(origin, route, ids);
      expectServed(route, res);
      expectCsp(res, label(route));
    },
  );

  it('errors and refusals carry it too: 400, 401, 403, 404, 413', async () => {
    const plain = await serve({ bodyLimit: 100 });
    const stats: Route = { method: 'GET', path: '/stats' };
    const bad = await send(plain.origin, { method: 'GET', path: '/job/abc' }, plain.ids);
    expect(bad.status).toBe(400);
    expectCsp(bad, '400');
    const missing = await send(plain.origin, { method: 'GET', path: '/no/such/route' }, plain.ids);
    expect(missing.status).toBe(404);
    expectCsp(missing, '404');
    const big = await send(
      plain.origin,
      { method: 'POST', path: '/job', json: { type: 'x', data: 'y'.repeat(500) } },
      plain.ids,
    );
    expect(big.status).toBe(413);
    expectCsp(big, '413');
    const crossSite = await send(plain.origin, { method: 'POST', path: '/job', json: { type: 'x' } }, plain.ids, {
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    expectCsp(crossSite, '403 cross-site');

    const authed = await serve({ auth: { username: 'a', password: 'b' }, readOnly: true });
    const unauthorized = await send(authed.origin, stats, authed.ids);
    expect(unauthorized.status).toBe(401);
    expectCsp(unauthorized, '401');
    const readOnly = await send(authed.origin, { method: 'DELETE', path: '/job/:id', target: 'first' }, authed.ids, {
      authorization: basic('a', 'b'),
    });
    expect(readOnly.status).toBe(403);
    expectCsp(readOnly, '403 read-only');
  });
});
