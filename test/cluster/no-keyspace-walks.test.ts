// No KEYS, SCAN or FLUSH in any code path of a working queue: a private redis-server's
// MONITOR watches a full run (saves, workers, retries, delays, search, the JSON API and the
// dashboard's API, bulk actions, removal, shutdown). Those commands walk or wipe a whole
// server, block it for as long, and on a cluster see only one node.
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { createApp, Queue } from '../../src/index.js';
import { uniquePrefix, waitFor } from '../support/setup.js';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const WALKS = /^"(keys|scan|flushdb|flushall|hscan|sscan|zscan)"$/i;

it('a full run sends no KEYS, SCAN or FLUSH', { timeout: 30_000 }, async () => {
  const monitor = new Redis({ port: redis.port, host: '127.0.0.1' });
  const commands: string[] = [];
  await monitor
    .monitor()
    .then((m) => m.on('monitor', (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase())));

  const queue = new Queue({
    prefix: uniquePrefix('watched'),
    redis: { port: redis.port },
    disableSearch: false,
    maintenanceInterval: 200,
  });
  queue.on('error', () => undefined);
  const server = await new Promise<Server>((resolve) => {
    const s = createApp({ queue }).listen(0, () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const api = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${port}${path}`, init);
  try {
    const completed = new Set<number>();
    const failed = new Set<number>();
    queue.on('job complete', (id: number) => completed.add(Number(id)));
    queue.on('job failed', (id: number) => failed.add(Number(id)));
    await queue.create('mail', { to: 'a@example.com' }).searchKeys(['to']).save();
    await queue.create('mail', { n: 2 }).delay(100).save();
    await queue.create('mail', { fail: true }).attempts(2).backoff({ delay: 50, type: 'fixed' }).save();
    await queue.saveAll([queue.create('bulk', { i: 1 }), queue.create('bulk', { i: 2 })]);
    const posted = await api('/job', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'mail', data: { via: 'api' } }),
    });
    expect(posted.status).toBe(200);
    queue.process('mail', 2, async (job) => {
      job.progress(1, 2);
      job.log('working');
      if (job.data.fail) throw new Error('always fails');
    });
    queue.process('bulk', async () => undefined);
    await waitFor(() => completed.size === 5 && failed.size === 1, 10_000, 'the run to finish');

    for (const path of [
      '/stats',
      '/job/types',
      '/jobs/0..10/asc',
      '/jobs/complete/0..10/desc',
      '/jobs/mail/complete/0..5/asc',
      '/job/search?q=example',
      '/api/jobs?state=complete&limit=5',
      '/api/jobs?state=all&limit=5',
      '/api/types',
      '/api/throughput',
      '/api/config',
    ]) {
      expect((await api(path)).status, path).toBeLessThan(500);
    }
    expect(await queue.admin.retryAll()).toBe(1);
    await waitFor(async () => (await queue.failedCount()) === 1, 10_000, 'the retried job to fail again');
    await queue.admin.pauseType('mail');
    await queue.admin.resumeType('mail');
    expect(await queue.admin.removeAll('complete')).toBe(5);
    await queue.inactiveCount();
    await queue.rangeByState('failed', 0, -1);
    await queue.range(0, -1);
  } finally {
    await new Promise((r) => server.close(r));
    await queue.shutdown(2_000);
  }
  // MONITOR delivers asynchronously: let the last commands arrive.
  await new Promise((r) => setTimeout(r, 200));
  monitor.disconnect();

  expect(commands.length).toBeGreaterThan(50);
  expect(commands.filter((name) => WALKS.test(`"${name}"`))).toEqual([]);
});
