/**
 * The routes the dashboard adds: jobs by id, search within a state and type, actions on
 * chosen ids, the can-write probe; and how the built dashboard is served (title injected
 * and escaped, client routes, cached assets, a page linking the API when it is not built).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type Queue } from '../../src/index.js';
import { staticUi } from '../../src/http/static-ui.js';
import { testQueue } from '../support/setup.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function serve(queue: Queue, options: Partial<AppOptions> = {}) {
  const base = await listen(createApp({ queue, ...options }));
  return async (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(base + path, {
      method: init.method,
      redirect: 'manual',
      headers: { ...(init.json !== undefined && { 'content-type': 'application/json' }), ...init.headers },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML or empty
    }
    return { status: res.status, body, text, headers: res.headers };
  };
}

const ids = (jobs: Array<{ id: string }>) => jobs.map((j) => Number(j.id));

describe('dashboard routes', () => {
  it('GET /api/jobs/by-id answers jobs in the order asked, leaving out missing ones', async () => {
    const queue = testQueue({ maintenance: false });
    const [a, b] = await queue.saveAll([queue.create('x', { n: 1 }), queue.create('y', { n: 2 })]);
    const http = await serve(queue);
    const res = await http(`/api/jobs/by-id?ids=${b!.id},999,${a!.id}`);
    expect(res.status).toBe(200);
    expect(ids(res.body.jobs)).toEqual([b!.id, a!.id]);
    expect(res.body.jobs[0]).toMatchObject({ type: 'y', data: { n: 2 }, state: 'inactive' });
    expect((await http('/api/jobs/by-id?ids=')).body).toEqual({ jobs: [] });
    expect((await http('/api/jobs/by-id?ids=1,x')).status).toBe(400);
    const many = Array.from({ length: 1_001 }, (_, i) => i + 1).join(',');
    expect((await http(`/api/jobs/by-id?ids=${many}`)).status).toBe(413);
  });

  it('GET /api/search answers matching ids, oldest first or newest first, within a state and type', async () => {
    const queue = testQueue({ maintenance: false, disableSearch: false });
    const mail = await queue.create('email', { subject: 'Your invoice' }).save();
    const failedMail = await queue.create('email', { subject: 'Invoice overdue' }).save();
    await failedMail.failed();
    const report = await queue.create('report', { title: 'invoices' }).save();
    await queue.create('email', { subject: 'hello' }).save();
    const http = await serve(queue);
    const search = async (query: string) => (await http(`/api/search?${query}`)).body;
    expect(await search('q=invoice')).toEqual({
      ids: [mail.id, failedMail.id, report.id].map(String),
      truncated: false,
    });
    expect((await search('q=invoice&order=desc')).ids).toEqual([report.id, failedMail.id, mail.id].map(String));
    expect((await search('q=invoice&type=email&order=desc')).ids).toEqual([failedMail.id, mail.id].map(String));
    expect((await search('q=invoice&state=failed')).ids).toEqual([String(failedMail.id)]);
    expect((await search('q=invoice&state=inactive&type=report')).ids).toEqual([String(report.id)]);
    expect((await search('q=invoice&state=all')).ids).toHaveLength(3);
    expect((await search('q=nothing')).ids).toEqual([]);
    expect((await http('/api/search')).status).toBe(400);
    expect((await http('/api/search?q=x&state=sleeping')).status).toBe(400);
  });

  it('POST /api/jobs/bulk retries failed and complete jobs, promotes delayed ones, removes any; others are skipped', async () => {
    const queue = testQueue({ maintenance: false });
    const [failed, complete, delayed, inactive] = await queue.saveAll([
      queue.create('x'),
      queue.create('x'),
      queue.create('x').delay(3_600_000),
      queue.create('x'),
    ]);
    await failed!.failed();
    await complete!.complete();
    const http = await serve(queue);
    const all = [failed, complete, delayed, inactive].map((j) => j!.id);
    const retry = await http('/api/jobs/bulk', { method: 'POST', json: { action: 'retry', ids: all } });
    expect(retry.body).toEqual({ count: 2, skipped: 2 });
    expect((await queue.getJob(failed!.id!)).state()).toBe('inactive');
    expect((await queue.getJob(complete!.id!)).state()).toBe('inactive');
    expect((await queue.getJob(delayed!.id!)).state()).toBe('delayed');

    const promote = await http('/api/jobs/bulk', { method: 'POST', json: { action: 'promote', ids: all.map(String) } });
    expect(promote.body).toEqual({ count: 1, skipped: 3 });
    expect(await queue.delayedCount()).toBe(0);

    const remove = await http('/api/jobs/bulk', { method: 'POST', json: { action: 'remove', ids: [...all, 999] } });
    expect(remove.body).toEqual({ count: 4, skipped: 1 });
    expect(await queue.inactiveCount()).toBe(0);
  });

  it('POST /api/jobs/bulk refuses a bad action, bad ids and more than 1,000 ids', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    const post = (json: unknown) => http('/api/jobs/bulk', { method: 'POST', json });
    expect((await post({ action: 'explode', ids: [1] })).body.error).toMatch(
      /action must be one of retry, promote, remove/,
    );
    expect((await post({ action: 'remove', ids: 'all' })).status).toBe(400);
    expect((await post({ action: 'remove', ids: [0] })).status).toBe(400);
    expect((await post({ action: 'remove', ids: [{}] })).status).toBe(400);
    expect((await post({ action: 'remove', ids: Array.from({ length: 1_001 }, (_, i) => i + 1) })).status).toBe(413);
  });

  it('POST /api/can-write answers 200 when writes are allowed, and is refused like any write otherwise', async () => {
    const queue = testQueue({ maintenance: false });
    expect((await (await serve(queue))('/api/can-write', { method: 'POST' })).body).toEqual({ canWrite: true });
    expect((await (await serve(queue, { readOnly: true }))('/api/can-write', { method: 'POST' })).status).toBe(403);
    const viewer = await serve(queue, { auth: (req) => req.method === 'GET' });
    expect((await viewer('/api/can-write', { method: 'POST' })).status).toBe(401);
    expect((await viewer('/api/config')).status).toBe(200);
  });
});

describe('serving the dashboard', () => {
  /** A stand-in for dist/ui: an index.html with the title mark and one hashed asset. */
  function fakeBuild(): string {
    const dir = mkdtempSync(join(tmpdir(), 'kue-ui-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>%KUE_TITLE%</title><script type="module" src="./assets/app-abc123.js"></script><h1>%KUE_TITLE%</h1>',
    );
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    return dir;
  }

  async function mounted(uiDir: string | undefined, title = 'Kue') {
    const app = express();
    app.use(
      '/kue',
      staticUi(() => title, uiDir),
    );
    return listen(app);
  }

  it('answers the page with the title HTML-escaped at / and at every client route', async () => {
    const base = await mounted(fakeBuild(), '<script>alert("x")</script> & co');
    for (const path of [
      '/kue/',
      '/kue/active',
      '/kue/inactive',
      '/kue/failed',
      '/kue/complete',
      '/kue/delayed',
      '/kue/all',
    ]) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const text = await res.text();
      expect(text).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>');
      expect(text).not.toContain('%KUE_TITLE%');
      expect(text).not.toContain('<base');
    }
  });

  it('serves hashed assets with long cache headers, and 404s what is not there', async () => {
    const base = await mounted(fakeBuild());
    const res = await fetch(`${base}/kue/assets/app-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/kue/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/kue/assets/../index.html`)).status).not.toBe(200);
  });

  it('redirects a bare mount path and a client route with a trailing slash, keeping the query', async () => {
    const base = await mounted(fakeBuild());
    const bare = await fetch(`${base}/kue?x=1`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(new URL(bare.headers.get('location')!, `${base}/kue?x=1`).href).toBe(`${base}/kue/?x=1`);
    const slash = await fetch(`${base}/kue/failed/?type=email`, { redirect: 'manual' });
    expect(slash.status).toBe(301);
    expect(new URL(slash.headers.get('location')!, `${base}/kue/failed/`).href).toBe(`${base}/kue/failed?type=email`);
  });

  it('without a build, answers a small page linking the JSON API', async () => {
    const base = await mounted(undefined, 'Jobs');
    for (const path of ['/kue/', '/kue/failed']) {
      const text = await (await fetch(base + path)).text();
      expect(text).toContain('<h1>Jobs</h1>');
      expect(text).toContain('<a href="stats">');
    }
    expect((await fetch(`${base}/kue/assets/app.js`)).status).toBe(404);
  });

  it('createApp serves the built dashboard with its strict Content-Security-Policy', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue, { title: 'Ops & jobs' });
    const page = await http('/failed');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'",
    );
    expect(page.text).toContain('<title>Ops &amp; jobs</title>');
    // Nothing inline: every script and stylesheet is a file of the app.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).not.toMatch(/<style|style="/);
  });
});
