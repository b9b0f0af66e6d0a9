/**
 * The way from a job to its trace: the job JSON's `traceId` (from the traceparent its save
 * stored), `createApp({ traceUrl })` checked and handed to the dashboard, and
 * `kue dashboard --trace-url` checked as a usage error (exit 2) before anything starts.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type Queue } from '../../src/index.js';
import { redisClient, redisPort, testQueue } from '../support/setup.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(queue: Queue, options: Partial<AppOptions> = {}): Promise<(path: string) => Promise<any>> {
  const app = createApp({ queue, ...options });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return async (path) => (await fetch(base + path)).json();
}

describe('the job JSON', () => {
  it('carries traceId, the trace id of the traceparent the job stores; none without one or when it is not one', async () => {
    const queue = testQueue({ maintenance: false });
    const [traced, plain, garbled] = await Promise.all([
      queue.create('email', {}).save(),
      queue.create('email', {}).save(),
      queue.create('email', {}).save(),
    ]);
    const redis = redisClient();
    await redis.hset(`{${queue.prefix}}:job:${traced.id}`, 'tp', `00-${TRACE_ID}-00f067aa0ba902b7-01`);
    await redis.hset(`{${queue.prefix}}:job:${garbled.id}`, 'tp', `00-${TRACE_ID}-nothex-01`);
    const get = await serve(queue);
    expect((await get(`/api/job/${traced.id}`)).traceId).toBe(TRACE_ID);
    expect((await get(`/job/${traced.id}`)).traceId).toBe(TRACE_ID);
    expect((await queue.getJob(traced.id)).toJSON().traceId).toBe(TRACE_ID);
    expect(await get(`/api/job/${plain.id}`)).not.toHaveProperty('traceId');
    expect(await get(`/api/job/${garbled.id}`)).not.toHaveProperty('traceId');
  });
});

describe('createApp({ traceUrl })', () => {
  it('hands the template to the dashboard (GET /api/config); without one there is none', async () => {
    const queue = testQueue({ maintenance: false });
    const template = 'https://grafana.example/explore?traceId={traceId}';
    expect((await (await serve(queue, { traceUrl: template }))('/api/config')).traceUrl).toBe(template);
    expect(await (await serve(queue))('/api/config')).not.toHaveProperty('traceUrl');
  });

  it('refuses a template that is not an http(s) URL with {traceId} in it, saying why', () => {
    const queue = testQueue({ maintenance: false });
    const make = (traceUrl: unknown) => () => createApp({ queue, traceUrl: traceUrl as string });
    expect(make(42)).toThrow(TypeError);
    expect(make(42)).toThrow(/traceUrl must be a URL template string with \{traceId\} in it, got 42 \(number\)/);
    expect(make('https://traces.example/')).toThrow(RangeError);
    expect(make('https://traces.example/')).toThrow(/traceUrl must contain \{traceId\}/);
    expect(make('javascript:alert({traceId})')).toThrow(/traceUrl must be an http:\/\/ or https:\/\/ URL/);
    expect(make('/trace/{traceId}')).toThrow(/traceUrl must be an absolute http:\/\/ or https:\/\/ URL/);
    expect(make('http://127.0.0.1:16686/trace/{traceId}')).not.toThrow();
  });
});

describe('kue dashboard --trace-url', () => {
  it('a bad template is a usage error (exit 2) with one clear line', async () => {
    for (const [value, message] of [
      ['https://traces.example/', /The trace URL must contain \{traceId\}/],
      ['ftp://traces.example/{traceId}', /The trace URL must be an http:\/\/ or https:\/\/ URL/],
    ] as const) {
      const r = await promisify(execFile)(process.execPath, [cli, 'dashboard', '-p', '0', '--trace-url', value], {
        timeout: 20_000,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^kue dashboard: option '--trace-url <template>' argument '.*' is invalid\. /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('a good one reaches the dashboard', async () => {
    const template = 'http://127.0.0.1:16686/trace/{traceId}';
    const child = execFile(process.execPath, [
      cli,
      'dashboard',
      '-p',
      '0',
      '-r',
      `redis://127.0.0.1:${redisPort}`,
      '-q',
      `trace-url-${process.pid}`,
      '--trace-url',
      template,
    ]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d;
          const m = /Kue dashboard: (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`exited: ${out}`)));
      });
      expect(((await (await fetch(`${url}api/config`)).json()) as { traceUrl?: string }).traceUrl).toBe(template);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
