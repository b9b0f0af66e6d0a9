// Issue 5, scenario 13: Redis at maxmemory. An eviction policy other than noeviction is
// worth one clear warning (Redis may delete job keys); out of memory under noeviction, a save
// rejects with a typed error and writes nothing, and no acknowledged job is lost.
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Server } from 'node:http';
import { createApp, ErrorCode, OutOfMemoryError, Queue, type Logger, type QueueOptions } from '../../src/index.js';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { keysOf, uniquePrefix, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const started: RedisProcess[] = [];
const queues: Queue[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.shutdown(500).catch(() => undefined)));
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

async function server(args: string[]): Promise<{ redis: RedisProcess; admin: Redis }> {
  const redis = await startRedis({ args });
  started.push(redis);
  const admin = new Redis({ port: redis.port });
  clients.push(admin);
  return { redis, admin };
}

function open(port: number, options: QueueOptions = {}): { queue: Queue; errors: Error[] } {
  const queue = new Queue({ prefix: uniquePrefix('oom'), redis: { port }, ...options });
  const errors: Error[] = [];
  queue.on('error', (err: Error) => errors.push(err));
  queues.push(queue);
  return { queue, errors };
}

function recordingLogger(): Logger & { warnings: Array<{ obj: object; msg?: string }> } {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  return {
    warnings,
    debug: () => undefined,
    error: () => undefined,
    warn: (obj, msg) => void warnings.push({ obj, msg }),
  };
}

/** What a half-written save would change: the id counter, the job index and the key set. */
async function footprint(admin: Redis, prefix: string) {
  const base = `{${prefix}}`;
  const keys = await keysOf(admin, prefix);
  return {
    lastId: await admin.get(`${base}:ids`),
    jobs: keys.filter((key) => /:job:\d+$/.test(key)).length,
    inactive: (await admin.zcard(`${base}:type:fill:inactive`)) + (await admin.zcard(`${base}:type:flaky:inactive`)),
    keys,
  };
}

describe('out of memory under maxmemory-policy noeviction', () => {
  it(
    'a save rejects with OutOfMemoryError and writes nothing; once memory is raised, saves and work resume and every acknowledged job completes',
    { timeout: 120_000 },
    async () => {
      const { redis, admin } = await server(['--maxmemory', '6mb', '--maxmemory-policy', 'noeviction']);
      const { queue } = open(redis.port, { lockDuration: 1_000, maintenanceInterval: 200 });
      const pad = 'x'.repeat(16_000);

      // A few jobs that fail their first attempt: their retry must survive the outage too.
      const acknowledged: number[] = [];
      for (let i = 0; i < 3; i++) acknowledged.push((await queue.create('flaky', { i }).attempts(2).save()).id!);

      // Fill Redis with jobs until it refuses one.
      let refusal: unknown;
      for (let batch = 0; batch < 1_000 && refusal === undefined; batch++) {
        const jobs = Array.from({ length: 20 }, (_, i) => queue.create('fill', { batch, i, pad }));
        try {
          await queue.saveAll(jobs);
          acknowledged.push(...jobs.map((j) => j.id!));
        } catch (err) {
          refusal = err;
          // All of a refused batch or none: here, none.
          expect(jobs.every((j) => j.id === undefined)).toBe(true);
        }
      }
      expect(refusal).toBeInstanceOf(OutOfMemoryError);
      expect((refusal as OutOfMemoryError).code).toBe(ErrorCode.OutOfMemory);
      expect((refusal as Error).message).toMatch(/out of memory.*not saved/i);
      expect(acknowledged.length).toBeGreaterThan(50);

      // Used memory moves a little (client buffers drain): a single save may still fit. Save
      // single jobs until one is refused, and check that one wrote nothing.
      let before = await footprint(admin, queue.prefix);
      let single: unknown = null;
      for (let i = 0; i < 200 && single === null; i++) {
        before = await footprint(admin, queue.prefix);
        const job = queue.create('fill', { pad });
        single = await job.save().then(
          () => null,
          (err: unknown) => err,
        );
        if (single === null) acknowledged.push(job.id!);
      }
      expect(before.jobs).toBe(acknowledged.length);
      expect(single).toBeInstanceOf(OutOfMemoryError);
      expect((single as Error).message).toBe(
        'Redis is out of memory (maxmemory reached, policy noeviction): the job was not saved',
      );
      expect(await footprint(admin, queue.prefix)).toEqual(before);

      // Over HTTP: 503 with the code, and still nothing written. Memory moves here too, so a
      // save may fit again: post until one is refused, as above.
      const http = await new Promise<Server>((resolve) => {
        const s = createApp({ queue }).listen(0, '127.0.0.1', () => resolve(s));
      });
      try {
        const { port } = http.address() as { port: number };
        let refused: { status: number; body: unknown } | undefined;
        for (let i = 0; i < 200 && refused === undefined; i++) {
          before = await footprint(admin, queue.prefix);
          const res = await fetch(`http://127.0.0.1:${port}/job`, {
            method: 'POST',
            body: JSON.stringify({ type: 'fill', data: { pad } }),
            headers: { 'content-type': 'application/json' },
          });
          const body = (await res.json()) as { id?: number };
          if (res.status === 200) acknowledged.push(Number(body.id));
          else refused = { status: res.status, body };
        }
        expect(refused?.status).toBe(503);
        expect(refused?.body).toMatchObject({ code: 'OUT_OF_MEMORY', error: expect.stringMatching(/not saved/) });
      } finally {
        await new Promise((r) => http.close(r));
      }
      expect(await footprint(admin, queue.prefix)).toEqual(before);

      // Workers drain the queue through the outage: completing, like taking and failing, starts
      // by removing an index entry, which a full Redis allows, and then runs whole.
      queue.process('fill', 4, (_job, done) => done());
      queue.process('flaky', (job, done) => done(job.attempts().made === 0 ? new Error('first attempt fails') : null));
      await waitFor(
        async () => (await queue.completeCount()) === acknowledged.length,
        60_000,
        'every job to complete during the outage',
      );
      expect(await queue.failedCount()).toBe(0);
      expect((await queue.range(0, -1)).length).toBe(acknowledged.length);

      await admin.config('SET', 'maxmemory', '0');
      const after = await queue.create('fill', { after: true }).save();
      acknowledged.push(after.id!);
      await waitFor(async () => (await queue.completeCount()) === acknowledged.length, 60_000, 'every job to complete');
      expect(await queue.failedCount()).toBe(0);
      const complete = new Set(await queue.complete());
      expect(acknowledged.filter((id) => !complete.has(id))).toEqual([]);
      expect((await queue.range(0, -1)).length).toBe(acknowledged.length);
    },
  );
});

describe('an eviction policy other than noeviction', () => {
  it(
    'is reported with one warning through the logger, even after the connections are killed and come back',
    { timeout: 30_000 },
    async () => {
      const { redis, admin } = await server(['--maxmemory-policy', 'allkeys-lru']);
      const logger = recordingLogger();
      const { queue } = open(redis.port, { logger });
      await waitFor(() => logger.warnings.length > 0, 10_000, 'the warning');
      expect(logger.warnings[0]!.msg).toMatch(/maxmemory-policy is "allkeys-lru", not "noeviction".*evict job keys/);
      expect(logger.warnings[0]!.obj).toMatchObject({ maxmemoryPolicy: 'allkeys-lru', prefix: queue.prefix });

      let readies = 0;
      queue.client.on('ready', () => readies++);
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await admin.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
      await waitFor(() => readies > 0, 10_000, 'the command connection to come back');
      expect((await queue.create('after-reconnect').save()).id).toBeGreaterThan(0);
      await sleep(500);
      // The connections' outages are logged too (connection lost); the policy, once.
      expect(logger.warnings.filter((w) => /maxmemory-policy/.test(w.msg ?? ''))).toHaveLength(1);
    },
  );

  it('with no logger given, becomes one process warning', { timeout: 30_000 }, async () => {
    const { redis } = await server(['--maxmemory-policy', 'volatile-lru']);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      open(redis.port);
      await waitFor(() => warnings.some((w) => w.name === 'KueWarning'), 10_000, 'the process warning');
      expect(warnings.filter((w) => w.name === 'KueWarning').map((w) => w.message)).toEqual([
        expect.stringMatching(/"volatile-lru", not "noeviction"/),
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('noeviction says nothing, and neither does a server that refuses INFO', { timeout: 30_000 }, async () => {
    const { redis, admin } = await server(['--maxmemory-policy', 'noeviction']);
    await admin.call('ACL', 'SETUSER', 'noinfo', 'on', '>secret', '~*', '&*', '+@all', '-info');
    const quiet = recordingLogger();
    const { queue: plain } = open(redis.port, { logger: quiet });
    const noInfo = recordingLogger();
    const { queue: restricted, errors } = open(redis.port, {
      logger: noInfo,
      // ioredis' own ready check needs INFO too.
      redis: { port: redis.port, username: 'noinfo', password: 'secret', options: { enableReadyCheck: false } },
    });
    expect((await plain.create('t').save()).id).toBe(1);
    expect((await restricted.create('t').save()).id).toBe(1);
    await sleep(500);
    expect(quiet.warnings).toEqual([]);
    expect(noInfo.warnings).toEqual([]);
    expect(errors).toEqual([]);
  });
});
