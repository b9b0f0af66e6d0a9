/**
 * Scenario 17: with auth on, EVERY route the app serves refuses an unauthenticated request:
 * the page at each client route, each built asset file, Kue's and the /api JSON routes, the
 * events stream. The list below is checked against the app's own router, so a route added
 * later without a test here fails this file. Credentials are compared in constant time,
 * cross-site writes are refused even with valid credentials, read-only refuses every write.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type AppOptions } from '../../src/index.js';
import { CLIENT_ROUTES } from '../../src/http/static-ui.js';
import { redisClient, snapshotOf, testQueue } from '../support/setup.js';

// Spied on, not replaced: the app's comparisons still run for real.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const root = fileURLToPath(new URL('../../', import.meta.url));
const ASSETS = readdirSync(`${root}dist/ui/assets`).sort();

interface Ids {
  first: number;
  delayed: number;
  failed: number;
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as the app registers it, e.g. `/job/:id/state/:state`. */
  template: string;
  /** The request sent: `:first`, `:delayed`, `:failed` stand for fixture job ids. */
  path: string;
  json?: unknown;
  /** What a served answer looks like. */
  serves: 'json' | 'html' | 'sse' | 'asset' | 'metrics';
}

const assetRoutes: Route[] = ASSETS.map((file) => ({
  method: 'GET',
  template: '/assets/*',
  path: `/assets/${file}`,
  serves: 'asset',
}));

/** Every route of the app, each with a request that it serves. */
const ROUTES: Route[] = [
  ...CLIENT_ROUTES.map((path): Route => ({ method: 'GET', template: path, path, serves: 'html' })),
  ...assetRoutes,
  { method: 'GET', template: '/stats', path: '/stats', serves: 'json' },
  { method: 'GET', template: '/job/search', path: '/job/search?q=mail', serves: 'json' },
  { method: 'GET', template: '/job/types', path: '/job/types', serves: 'json' },
  { method: 'GET', template: '/job/:id', path: '/job/:first?log=true', serves: 'json' },
  { method: 'GET', template: '/job/:id/log', path: '/job/:first/log', serves: 'json' },
  { method: 'DELETE', template: '/job/:id', path: '/job/:first', serves: 'json' },
  { method: 'PUT', template: '/job/:id/state/:state', path: '/job/:first/state/complete', serves: 'json' },
  { method: 'PUT', template: '/job/:id/priority/:priority', path: '/job/:first/priority/critical', serves: 'json' },
  { method: 'POST', template: '/job', path: '/job', json: { type: 'created', data: { n: 1 } }, serves: 'json' },
  { method: 'GET', template: '/jobs/*path', path: '/jobs/0..9/desc', serves: 'json' },
  { method: 'GET', template: '/jobs/*path', path: '/jobs/inactive/0..9', serves: 'json' },
  { method: 'GET', template: '/jobs/*path', path: '/jobs/email/inactive/0..9/asc', serves: 'json' },
  { method: 'GET', template: '/jobs/*path', path: '/jobs/email/inactive/stats', serves: 'json' },
  { method: 'GET', template: '/inactive/:type', path: '/inactive/email', serves: 'json' },
  { method: 'GET', template: '/api/config', path: '/api/config', serves: 'json' },
  { method: 'GET', template: '/api/jobs', path: '/api/jobs?state=inactive&limit=5', serves: 'json' },
  { method: 'POST', template: '/api/jobs/retry', path: '/api/jobs/retry', json: {}, serves: 'json' },
  { method: 'POST', template: '/api/jobs/promote', path: '/api/jobs/promote', json: {}, serves: 'json' },
  {
    method: 'POST',
    template: '/api/jobs/remove',
    path: '/api/jobs/remove',
    json: { state: 'inactive' },
    serves: 'json',
  },
  { method: 'GET', template: '/api/job/:id', path: '/api/job/:failed', serves: 'json' },
  { method: 'POST', template: '/api/job/:id/promote', path: '/api/job/:delayed/promote', serves: 'json' },
  { method: 'GET', template: '/api/jobs/by-id', path: '/api/jobs/by-id?ids=:first,:failed', serves: 'json' },
  { method: 'GET', template: '/api/search', path: '/api/search?q=mail', serves: 'json' },
  {
    method: 'POST',
    template: '/api/jobs/bulk',
    path: '/api/jobs/bulk',
    json: { action: 'retry', ids: [':failed'] },
    serves: 'json',
  },
  { method: 'POST', template: '/api/can-write', path: '/api/can-write', serves: 'json' },
  { method: 'POST', template: '/job/:id/cancel', path: '/job/:first/cancel', json: {}, serves: 'json' },
  { method: 'POST', template: '/api/jobs/cancel', path: '/api/jobs/cancel', json: { ids: [':first'] }, serves: 'json' },
  {
    method: 'POST',
    template: '/api/jobs/cancel-all',
    path: '/api/jobs/cancel-all',
    json: { type: 'nothing-of-this-type' },
    serves: 'json',
  },
  { method: 'GET', template: '/api/job/:id/flow', path: '/api/job/:first/flow?part=pending&limit=5', serves: 'json' },
  { method: 'GET', template: '/api/job/:id/results', path: '/api/job/:first/results?limit=5', serves: 'json' },
  {
    method: 'POST',
    template: '/api/flows',
    path: '/api/flows',
    json: { parent: { type: 'report' }, children: [{ type: 'email', data: { to: 'x' } }] },
    serves: 'json',
  },
  { method: 'GET', template: '/api/types', path: '/api/types', serves: 'json' },
  { method: 'PUT', template: '/api/types/:type/pause', path: '/api/types/email/pause', serves: 'json' },
  { method: 'DELETE', template: '/api/types/:type/pause', path: '/api/types/report/pause', serves: 'json' },
  { method: 'GET', template: '/api/throughput', path: '/api/throughput?minutes=5', serves: 'json' },
  { method: 'GET', template: '/api/events', path: '/api/events', serves: 'sse' },
  { method: 'GET', template: '/metrics', path: '/metrics', serves: 'metrics' },
  { method: 'GET', template: '/api/events/history', path: '/api/events/history?limit=5', serves: 'json' },
  { method: 'GET', template: '/api/schedules', path: '/api/schedules', serves: 'json' },
  { method: 'GET', template: '/api/schedules/:id', path: '/api/schedules/nightly', serves: 'json' },
  {
    method: 'PUT',
    template: '/api/schedules/:id',
    path: '/api/schedules/heartbeat',
    json: { rule: { every: 30_000 }, job: { type: 'ping' } },
    serves: 'json',
  },
  { method: 'DELETE', template: '/api/schedules/:id', path: '/api/schedules/nightly', serves: 'json' },
  { method: 'PUT', template: '/api/schedules/:id/pause', path: '/api/schedules/nightly/pause', serves: 'json' },
  { method: 'DELETE', template: '/api/schedules/:id/pause', path: '/api/schedules/weekly/pause', serves: 'json' },
  { method: 'POST', template: '/api/schedules/:id/run', path: '/api/schedules/nightly/run', serves: 'json' },
  { method: 'GET', template: '/api/limits', path: '/api/limits', serves: 'json' },
  { method: 'PUT', template: '/api/limits/:type', path: '/api/limits/email', json: { concurrency: 2 }, serves: 'json' },
  { method: 'DELETE', template: '/api/limits/:type', path: '/api/limits/email', serves: 'json' },
  { method: 'GET', template: '/api/groups/:type', path: '/api/groups/email', serves: 'json' },
  { method: 'PUT', template: '/api/groups/:type/:group/pause', path: '/api/groups/email/acme/pause', serves: 'json' },
  {
    method: 'DELETE',
    template: '/api/groups/:type/:group/pause',
    path: '/api/groups/email/acme/pause',
    serves: 'json',
  },
];
const MUTATING = ROUTES.filter((r) => r.method !== 'GET');
const label = (r: Route) => `${r.method} ${r.path}`;

/** The routes an app registers, as "METHOD template", read from Express' router. */
function registeredRoutes(app: express.Express): string[] {
  const found = new Set<string>();
  type Layer = {
    name: string;
    route?: { path: string | string[]; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods))
          for (const p of paths) found.add(`${method.toUpperCase()} ${p}`);
      } else if (layer.name === 'serveStatic') {
        found.add('GET /assets/*');
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return [...found].sort();
}

// ---------------------------------------------------------------------------------------

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

async function listen(handler: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = handler.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A queue holding an inactive, a delayed and a failed job ("email", "email", "report"),
 * "report" paused, served by createApp(options), mounted at `prefix` in a parent app.
 */
async function serve(options: Partial<AppOptions> = {}, prefix = '') {
  const queue = testQueue({ maintenance: false });
  const first = await queue.create('email', { to: 'mail@example.com' }).save();
  const delayed = await queue.create('email', { to: 'later' }).delay(3_600_000).save();
  const failed = await queue.create('report', { month: 5 }).save();
  await failed.failed();
  await queue.admin.pauseType('report');
  await queue.schedule('nightly', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', { month: 6 }));
  await queue.schedule('weekly', { cron: '0 4 * * 1' }, queue.create('report', { week: true }));
  await queue.pauseSchedule('weekly');
  const app = createApp({ queue, ...options });
  let base: string;
  if (prefix) {
    const parent = express();
    parent.use(prefix, app);
    base = (await listen(parent)) + prefix;
  } else {
    base = await listen(app);
  }
  const ids: Ids = { first: first.id!, delayed: delayed.id!, failed: failed.id! };
  const redis = redisClient();
  return { queue, app, base, ids, snapshot: () => snapshotOf(redis, queue.prefix) };
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const fill = (text: string, ids: Ids) =>
  text.replace(/:(first|delayed|failed)\b/g, (_m, name: keyof Ids) => String(ids[name]));

/** Sends a route's request; the events stream is cut once its headers are in. */
async function send(
  base: string,
  route: Route,
  ids: Ids,
  headers: Record<string, string> = {},
  method: string = route.method,
): Promise<Answer> {
  const controller = new AbortController();
  const json =
    route.json === undefined ? undefined : JSON.parse(fill(JSON.stringify(route.json), ids).replace(/"(\d+)"/g, '$1'));
  const res = await fetch(base + fill(route.path, ids), {
    method,
    signal: controller.signal,
    redirect: 'manual',
    headers: { ...(json !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    controller.abort();
    return { status: res.status, headers: res.headers, text: '' };
  }
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expectServed(route: Route, res: Answer) {
  expect(res.status, label(route)).toBe(200);
  const type = res.headers.get('content-type') ?? '';
  if (route.serves === 'json') expect(type, label(route)).toMatch(/^application\/json/);
  if (route.serves === 'html') expect(type, label(route)).toMatch(/^text\/html/);
  if (route.serves === 'sse') expect(type, label(route)).toMatch(/^text\/event-stream/);
  if (route.serves === 'metrics') {
    expect(type, label(route)).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text, label(route)).toMatch(/^# HELP kue_jobs_completed_total /);
  }
  if (route.serves === 'asset') {
    const file = route.path.slice('/assets/'.length);
    expect(res.text, label(route)).toBe(readFileSync(`${root}dist/ui/assets/${file}`, 'utf8'));
  }
}

function expectRefused(res: Answer, status: 401 | 403, what: string) {
  expect(res.status, what).toBe(status);
  expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(JSON.parse(res.text), what).toEqual({ error: expect.any(String) });
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const USER = 'ops';
const PASSWORD = 'correct horse battery staple';
const auth = { username: USER, password: PASSWORD };

// ---------------------------------------------------------------------------------------

describe('scenario 17: every route', () => {
  it('the list of routes tested here is every route the app registers, and the built assets are there', () => {
    expect(ASSETS.length, 'dist/ui/assets is empty: run `npm run build`').toBeGreaterThan(0);
    expect(ASSETS.some((f) => f.endsWith('.js')) && ASSETS.some((f) => f.endsWith('.css'))).toBe(true);
    const app = createApp({ queue: testQueue({ maintenance: false }), auth, readOnly: true });
    const tested = [...new Set(ROUTES.map((r) => `${r.method} ${r.template}`))].sort();
    expect(tested).toEqual(registeredRoutes(app));
  });

  describe.each([
    ['mounted at /', ''],
    ['mounted at /kue in a parent app', '/kue'],
  ])('auth {username, password}, %s', (_where, prefix) => {
    it.each(ROUTES.map((r) => [label(r), r] as const))(
      '%s: 401 without or with wrong credentials, changing nothing; served with the right ones',
      async (_l, route) => {
        const { base, ids, snapshot } = await serve({ auth }, prefix);
        const before = await snapshot();
        const attempts: Array<[string, Record<string, string>]> = [
          ['no credentials', {}],
          ['wrong password', { authorization: basic(USER, 'correct horse battery') }],
          ['wrong user', { authorization: basic('OPS', PASSWORD) }],
          ['a cookie instead', { cookie: `auth=${PASSWORD}` }],
          ['a credential in the query string', {}],
        ];
        for (const [what, headers] of attempts) {
          const withQuery = what.includes('query')
            ? {
                ...route,
                path: `${route.path}${route.path.includes('?') ? '&' : '?'}password=${encodeURIComponent(PASSWORD)}`,
              }
            : route;
          const res = await send(base, withQuery, ids, headers);
          expectRefused(res, 401, `${label(route)}: ${what}`);
          expect(res.headers.get('www-authenticate'), what).toMatch(/^Basic realm="Kue"/);
          if (route.serves === 'asset') expect(res.text).not.toContain('function');
        }
        // HEAD is answered like GET: no way around the check either.
        if (route.method === 'GET') expect((await send(base, route, ids, {}, 'HEAD')).status).toBe(401);
        expect(await snapshot()).toEqual(before);
        expectServed(route, await send(base, route, ids, { authorization: basic(USER, PASSWORD) }));
      },
    );
  });

  it('unknown paths, methods the app does not route and stray assets answer 401 too, not 404 or 405', async () => {
    const { base, ids } = await serve({ auth });
    const probes: Array<[string, string]> = [
      ['GET', '/nope'],
      ['GET', '/assets/nope.js'],
      ['GET', '/assets/'],
      ['GET', '/api'],
      ['PATCH', '/job/1'],
      ['OPTIONS', '/job/1'],
      ['POST', '/stats'],
      ['GET', '/failed/'],
      ['GET', '/%2e%2e/package.json'],
      ['GET', '/assets/..%2f..%2findex.html'],
    ];
    for (const [method, path] of probes) {
      expectRefused(
        await send(base, { method: 'GET', template: '', path, serves: 'json' }, ids, {}, method),
        401,
        `${method} ${path}`,
      );
    }
  });
});

describe('scenario 17: credentials compared in constant time', () => {
  const spy = vi.mocked(timingSafeEqual);
  // A block body: a function returned from beforeEach would be called as its teardown.
  beforeEach(() => {
    spy.mockClear();
  });

  it('every check compares fixed-length digests with crypto.timingSafeEqual, user and password both, whatever was sent', async () => {
    const { base, ids } = await serve({ auth });
    const stats: Route = { method: 'GET', template: '/stats', path: '/stats', serves: 'json' };
    const wrong: Array<[string, string]> = [
      [USER, ''],
      [USER, 'x'],
      [USER, PASSWORD.slice(0, -1)],
      [USER, PASSWORD.slice(0, 1)],
      [USER, `${PASSWORD}x`],
      [USER, PASSWORD.toUpperCase()],
      [USER, `${PASSWORD}\u0000`],
      [USER, 'y'.repeat(6_000)],
      ['', PASSWORD],
      ['o', PASSWORD],
      [`${USER}s`, PASSWORD],
      ['x'.repeat(6_000), 'x'],
    ];
    for (const [user, password] of wrong) {
      spy.mockClear();
      const res = await send(base, stats, ids, { authorization: basic(user, password) });
      const what = `user ${user.length} chars, password ${password.length} chars`;
      expectRefused(res, 401, what);
      // Both secrets are compared on every request, each as two 32-byte SHA-256 digests.
      expect(
        spy.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]),
        what,
      ).toEqual([
        [32, 32],
        [32, 32],
      ]);
    }
    spy.mockClear();
    expect((await send(base, stats, ids, { authorization: basic(USER, PASSWORD) })).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(2);
    // No header at all is compared the same way (as empty strings), not answered early.
    spy.mockClear();
    expect((await send(base, stats, ids)).status).toBe(401);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('the implementation compares nothing secret with === or a plain Buffer compare', () => {
    const source = readFileSync(`${root}src/http/security.ts`, 'utf8');
    expect(source).toMatch(/createHash\('sha256'\)/);
    expect(source).toMatch(/timingSafeEqual\(/);
    expect(source).not.toMatch(/password\s*(===|!==|==)|(===|!==|==)\s*auth\.password|\.equals\(|Buffer\.compare/);
  });
});

describe('scenario 17: cross-site writes are refused even with valid credentials', () => {
  it.each(MUTATING.map((r) => [label(r), r] as const))('%s', async (_l, route) => {
    const { base, ids, snapshot } = await serve({ auth });
    const before = await snapshot();
    const authorization = basic(USER, PASSWORD);
    const host = new URL(base).host;
    const attempts: Array<[string, Record<string, string>]> = [
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: cross-site and our own Origin', { 'sec-fetch-site': 'cross-site', origin: base }],
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['a sibling subdomain (same-site)', { 'sec-fetch-site': 'same-site', origin: 'http://evil.127.0.0.1.nip.io' }],
      ['our host name on another scheme and port', { origin: `https://${host.split(':')[0]}` }],
      ['Origin: null', { origin: 'null' }],
    ];
    for (const [what, headers] of attempts)
      expectRefused(await send(base, route, ids, { authorization, ...headers }), 403, what);
    expect(await snapshot()).toEqual(before);
    // The same request from the dashboard's own page is served.
    expectServed(route, await send(base, route, ids, { authorization, 'sec-fetch-site': 'same-origin', origin: base }));
  });
});

describe('scenario 17: read-only', () => {
  it.each(MUTATING.map((r) => [label(r), r] as const))(
    '%s answers 403 with valid credentials and changes nothing',
    async (_l, route) => {
      const { base, ids, snapshot } = await serve({ auth, readOnly: true });
      const before = await snapshot();
      const authorization = basic(USER, PASSWORD);
      expectRefused(
        await send(base, route, ids, { authorization, 'sec-fetch-site': 'same-origin', origin: base }),
        403,
        'read-only',
      );
      // Authentication still comes first: no credentials is a 401, not a hint about read-only.
      expectRefused(await send(base, route, ids), 401, 'no credentials');
      expect(await snapshot()).toEqual(before);
    },
  );

  it('every method but GET, HEAD and OPTIONS is refused, on any path', async () => {
    const { base, ids, snapshot } = await serve({ readOnly: true });
    const before = await snapshot();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/job', `/job/${ids.first}`, '/api/jobs/bulk', '/stats', '/nope']) {
        expectRefused(
          await send(base, { method: 'GET', template: '', path, serves: 'json' }, ids, {}, method),
          403,
          `${method} ${path}`,
        );
      }
    }
    expect(await snapshot()).toEqual(before);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) expectServed(route, await send(base, route, ids));
  });
});
