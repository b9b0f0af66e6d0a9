// Issue 17, saves that are safe to retry: a save call that reaches Redis twice makes its jobs
// once. The save script records each call's reply (B:saved:<call token>) for the queue's
// saveRetryWindow; the same call again (ioredis resending it after a reconnection) gets the
// reply back, and a Job object saved again after a failure names the calls it was sent in, so
// it gets the job an earlier send made. (test/reliability/24-save-resent.test.ts does it with
// real lost replies in child processes.)
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { ConnectionError, type Queue } from '../../src/index.js';
import { encodeSave, type NewJob } from '../../src/store/codec.js';
import { runScript } from '../../src/store/scripts.js';
import { expectConsistent } from '../support/check.js';
import { holdRedis } from '../support/hold-redis.js';
import { newJob } from '../support/new-job.js';
import { redisClient, testQueue } from '../support/setup.js';

/** A job as the Store hands it to save.lua. */
const group = (data: object, more: Partial<NewJob> = {}): NewJob => newJob('t', data, more);

/** Runs the save script as the Store sends it, with a call token of the test's choosing. */
function sendSave(queue: Queue, call: string, jobs: NewJob[], window = 60_000): Promise<unknown> {
  const base = `{${queue.prefix}}`;
  return runScript(queue.client, 'save', `${base}:ids`, [base, ...encodeSave(call, window, jobs)]);
}

let server: RedisProcess | undefined;
const clients: Redis[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await server?.stop();
  server = undefined;
});

describe('the same save call reaching Redis twice', () => {
  it('gets the first reply back and makes nothing: no job, no id', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const base = `{${queue.prefix}}`;
    const calls = [group({ n: 1 }), group({ n: 2 })];
    expect(await sendSave(queue, 'call-a', calls)).toEqual(['1', '2']);
    expect(await sendSave(queue, 'call-a', calls)).toEqual(['1', '2']);
    expect(await redis.get(`${base}:ids`)).toBe('2');
    // A call that made every job in order is recorded by its first id alone.
    expect(await redis.get(`${base}:saved:call-a`)).toBe('1');
    const pttl = await redis.pttl(`${base}:saved:call-a`);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    // A call with duplicates is recorded whole, and replayed the same.
    const withKeys = [group({ n: 3 }, { unique: { key: 'k' } }), group({ n: 4 }, { unique: { key: 'k' } })];
    expect(await sendSave(queue, 'call-b', withKeys)).toEqual(['3', '=3']);
    expect(await sendSave(queue, 'call-b', withKeys)).toEqual(['3', '=3']);
    expect(await redis.get(`${base}:saved:call-b`)).toBe('["3","=3"]');
    expect(await redis.get(`${base}:ids`)).toBe('3');
    await expectConsistent(queue, { inactive: 3 });
  });

  it('without a call token (saveRetryWindow 0) makes its jobs again: the record is what prevents it', async () => {
    const queue = testQueue();
    const calls = [group({ n: 1 })];
    expect(await sendSave(queue, '', calls)).toEqual(['1']);
    expect(await sendSave(queue, '', calls)).toEqual(['2']);
  });
});

describe('a job sent again in another call', () => {
  it('gets the reply its earlier send got, when that call was recorded; else it is made', async () => {
    const queue = testQueue();
    const redis = redisClient();
    await sendSave(queue, 'first', [
      group({ a: 1 }, { unique: { key: 'k' } }),
      group({ b: 1 }, { unique: { key: 'k' } }),
    ]);
    // Job 1 of 'first' (a duplicate) and a job whose only earlier send never reached Redis.
    const replies = await sendSave(queue, 'second', [
      group({ b: 1 }, { unique: { key: 'k' }, sends: ['lost.0', 'first.1'] }),
      group({ c: 1 }, { sends: ['lost.1'] }),
    ]);
    expect(replies).toEqual(['=1', '2']);
    expect(await redis.get(`{${queue.prefix}}:ids`)).toBe('2');
  });

  it('a Job object whose save timed out ("may have been saved") and is saved again makes one job', async () => {
    server = await startRedis();
    const control = new Redis({ port: server.port, host: '127.0.0.1' });
    clients.push(control);
    const queue = testQueue({ redis: { port: server.port }, commandTimeout: 300, jobEvents: false });
    await queue.create('warm-up', {}).save();

    const held = holdRedis(control, 500);
    await new Promise((r) => setTimeout(r, 50));
    const job = queue.create('t', { once: true });
    const failure = await Promise.resolve(job.save()).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect((failure as Error).message).toMatch(/may have been saved/);
    // Saved again while Redis still holds the first send (timed out after 300 of its 500 ms):
    // the first runs, then this one.
    const saved = await job.save();
    await held;
    expect(saved.duplicate).toBe(false);
    expect(await queue.card('inactive', 't')).toBe(1);
    expect((await queue.getJob(saved.id)).data).toEqual({ once: true });
    await expectConsistent(queue, { inactive: 2 });
  });

  it('with saveRetryWindow 0 the same timed-out save makes two jobs (what the window prevents)', async () => {
    server = await startRedis();
    const control = new Redis({ port: server.port, host: '127.0.0.1' });
    clients.push(control);
    const queue = testQueue({
      redis: { port: server.port },
      commandTimeout: 300,
      jobEvents: false,
      saveRetryWindow: 0,
    });
    await queue.create('warm-up', {}).save();
    const held = holdRedis(control, 500);
    await new Promise((r) => setTimeout(r, 50));
    const job = queue.create('t', {});
    await Promise.resolve(job.save()).catch(() => undefined);
    await job.save();
    await held;
    expect(await queue.card('inactive', 't')).toBe(2);
  });
});
