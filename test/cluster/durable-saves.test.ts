// durableSaves: a save is acknowledged only once a replica holds it; otherwise it rejects
// with NotReplicatedError saying whether it may have been saved. Real servers: a master, and
// a replica of it where the test needs one.
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { ErrorCode, NotReplicatedError, Queue, type QueueOptions } from '../../src/index.js';
import { uniquePrefix, waitFor } from '../support/setup.js';

const started: RedisProcess[] = [];
const opened: Queue[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.shutdown(1_000).catch(() => undefined)));
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function server(args: string[] = []): Promise<RedisProcess> {
  const s = await startRedis({ args: ['--repl-diskless-sync-delay', '0', ...args] });
  started.push(s);
  return s;
}

function queueOn(port: number, options: QueueOptions): Queue {
  const queue = new Queue({ prefix: uniquePrefix('d'), redis: { port }, ...options });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

describe('cluster and sentinel options', () => {
  it('are validated: a clear TypeError, before any connection is made', () => {
    const make = (redis: unknown) => () => new Queue({ prefix: uniquePrefix('v'), redis: redis as never });
    expect(make({ cluster: 'localhost:7000' })).toThrow(/redis.cluster must be a non-empty array of \{host, port\}/);
    expect(make({ cluster: [] })).toThrow(TypeError);
    expect(make({ cluster: [{ port: '7000' }] })).toThrow(/redis.cluster\[0\] must be/);
    expect(make({ sentinels: [{ host: 1, port: 26379 }] })).toThrow(/redis.sentinels\[0\] must be/);
    expect(make({ sentinels: [{ port: 26379 }], name: '' })).toThrow(/redis.name/);
  });
});

describe('durableSaves', () => {
  it('acknowledges a save once the replica holds it', async () => {
    const master = await server();
    const replica = await server(['--replicaof', '127.0.0.1', String(master.port)]);
    const reader = new Redis({ port: replica.port, host: '127.0.0.1' });
    try {
      await waitFor(
        async () => /master_link_status:up/.test(await reader.info('replication')),
        10_000,
        'the replica to sync',
      );
      const queue = queueOn(master.port, { durableSaves: true });
      const job = await queue.create('mail', { to: 'a@example.com' }).save();
      const saveAll = await queue.saveAll([queue.create('mail', { n: 1 }), queue.create('mail', { n: 2 })]);
      // Read at once from the replica: it already has them.
      for (const id of [job.id!, ...saveAll.map((j) => j.id!)]) {
        expect(await reader.hget(`{${queue.prefix}}:job:${id}`, 'type')).toBe('mail');
      }
    } finally {
      reader.disconnect();
    }
  });

  it('rejects with NotReplicatedError ("may have been saved") when no replica confirms in time', async () => {
    const master = await server();
    const queue = queueOn(master.port, { durableSaves: { replicas: 1, timeout: 100 } });
    const started = Date.now();
    const err = await queue
      .create('mail', {})
      .save()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(NotReplicatedError);
    expect((err as NotReplicatedError).code).toBe(ErrorCode.NotReplicated);
    expect((err as Error).message).toMatch(
      /the job may have been saved, but 0 of 1 replicas confirmed it within 100 ms/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('with min-replicas-to-write, a master without replicas refuses the save and writes nothing', async () => {
    const master = await server(['--min-replicas-to-write', '1']);
    const queue = queueOn(master.port, { durableSaves: true });
    const err = await queue
      .create('mail', {})
      .save()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(NotReplicatedError);
    expect((err as Error).message).toMatch(
      /too few replicas connected \(min-replicas-to-write\): the job was not saved/,
    );
    const redis = new Redis({ port: master.port, host: '127.0.0.1' });
    try {
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('is validated', () => {
    const options = (durableSaves: unknown) => () =>
      new Queue({ prefix: uniquePrefix('v'), durableSaves: durableSaves as never, redis: { port: 1 } });
    expect(options('yes')).toThrow(TypeError);
    expect(options({ replicas: 0 })).toThrow(RangeError);
    expect(options({ replicas: 1.5 })).toThrow(RangeError);
    expect(options({ timeout: 0 })).toThrow(RangeError);
    expect(options({ timeout: -1 })).toThrow(RangeError);
    expect(options({ wait: 1 })).toThrow(/replicas and timeout, not wait/);
  });
});
