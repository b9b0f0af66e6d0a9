import { describe, expect, it } from 'vitest';
import { ErrorCode, KueError } from '../../src/index.js';
import { Queue } from '../../src/index.js';
import { startRedis } from '../../src/cli/redis-process.js';
import { testQueue, uniquePrefix, waitFor } from '../support/setup.js';

describe('queue.shutdown', () => {
  it('waits for active jobs that finish within the timeout', async () => {
    const queue = testQueue();
    queue.process('finishing', (_j, done) => setTimeout(() => done(null, 'made it'), 100));
    const job = await queue.create('finishing').save();
    await waitFor(async () => (await queue.activeCount()) === 1);
    const checker = testQueue({ prefix: queue.prefix });
    await queue.shutdown(2_000);
    const stored = await checker.getJob(job.id!);
    expect(stored.state()).toBe('complete');
    expect(stored.result).toBe('made it');
  });

  it('fails jobs still active after the timeout with a shutdown error, retried while attempts remain', async () => {
    const queue = testQueue();
    queue.process('endless', () => undefined);
    const once = await queue.create('endless').save();
    const twice = await queue.create('endless').attempts(2).save();
    queue.process('endless', () => undefined);
    await waitFor(async () => (await queue.activeCount()) === 2);
    const checker = testQueue({ prefix: queue.prefix, maintenance: false });
    const started = Date.now();
    await queue.shutdown(200);
    expect(Date.now() - started).toBeLessThan(1_500);
    const a = await checker.getJob(once.id!);
    const b = await checker.getJob(twice.id!);
    expect(a.state()).toBe('failed');
    expect(a.toJSON().error).toMatch(/shutdown/i);
    expect(b.state()).toBe('inactive');
    expect(await checker.activeCount()).toBe(0);
  });

  it('stops taking jobs and closes every connection it opened', async () => {
    const queue = testQueue();
    queue.process('x', (_j, done) => done());
    await queue.create('x').save();
    await waitFor(async () => (await queue.completeCount()) === 1);
    await queue.shutdown(500);
    expect(queue.client.status).toBe('end');
    const checker = testQueue({ prefix: queue.prefix });
    await checker.create('x').save();
    await new Promise((r) => setTimeout(r, 200));
    expect(await checker.inactiveCount('x')).toBe(1);
  });

  it('a second concurrent call errors; both forms (callback and promise) work', async () => {
    const queue = testQueue();
    const first = new Promise<Error | null>((resolve) => void queue.shutdown(500, (err) => resolve(err)));
    const second = await queue.shutdown(500).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(KueError);
    expect((second as KueError).code).toBe(ErrorCode.ShutdownInProgress);
    expect(await first).toBeNull();
  });

  it('shutdown(timeout, type) stops only that type and keeps the queue open', async () => {
    const queue = testQueue();
    const seen: string[] = [];
    queue.process('a', (j, done) => (seen.push(j.type), done()));
    queue.process('b', (j, done) => (seen.push(j.type), done()));
    await queue.shutdown(500, 'a');
    await queue.create('a').save();
    await queue.create('b').save();
    await waitFor(() => seen.includes('b'));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['b']);
    expect(await queue.inactiveCount('a')).toBe(1);
  });

  it('finishes in bounded time even when Redis went away with jobs active', async () => {
    const redis = await startRedis();
    const queue = new Queue({ prefix: uniquePrefix('down'), redis: { port: redis.port } });
    queue.on('error', () => undefined);
    try {
      queue.process('stuck', 2, () => undefined);
      await queue.create('stuck').save();
      await queue.create('stuck').save();
      await waitFor(async () => (await queue.activeCount()) === 2);
      await redis.stop();
      const started = Date.now();
      await queue.shutdown(300);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await redis.stop();
    }
  });
});
