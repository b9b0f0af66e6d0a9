// Scenario 7: Redis unreachable (nothing listening) or frozen (SIGSTOP) when a job is saved.
// The save rejects within a bounded, configurable time with a typed ConnectionError, POST /job
// answers 503 JSON, and nothing is half-written.
import { describe, expect, it } from 'vitest';
import kue, { ConnectionError, createApp, Job } from '../../src/index.js';
import { freePort, startRedis } from '../../src/cli/redis-process.js';
import { expectConsistent } from '../support/check.js';
import { testQueue } from '../support/setup.js';

const TIMEOUT_MS = 1_000;

async function rejection(promise: PromiseLike<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, ms: Date.now() - started };
}

async function postJob(queue: ReturnType<typeof testQueue>): Promise<{ status: number; body: unknown }> {
  const server = createApp({ queue }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/job`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'email', data: { to: 'a@example.com' } }),
    });
    return { status: res.status, body: await res.json() };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('scenario 7: Redis unreachable at save', () => {
  it('nothing listening: save rejects at once with a ConnectionError; POST /job answers 503 JSON', async () => {
    const queue = testQueue({ redis: { port: await freePort() }, commandTimeout: TIMEOUT_MS });
    const { error, ms } = await rejection(queue.create('email', { to: 'a@example.com' }).save());
    expect(error).toBeInstanceOf(ConnectionError);
    // Nothing was ever connected, yet ioredis' errors cannot tell: the message stays cautious.
    expect((error as Error).message).toMatch(
      /^Redis (is unreachable|did not answer) \(.*\): the job (was not saved|may have been saved: Redis may have received it)$/,
    );
    expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
    console.log(`scenario 7: save with nothing listening rejected after ${ms} ms`);
    expect(await postJob(queue)).toEqual({ status: 503, body: { error: 'Redis is unavailable', code: 'CONNECTION' } });
  });

  it(
    'frozen Redis: save rejects within commandTimeout; once Redis resumes the queue is whole',
    { timeout: 30_000 },
    async () => {
      const server = await startRedis();
      try {
        const queue = testQueue({ redis: { port: server.port }, commandTimeout: TIMEOUT_MS });
        await queue.create('email', { n: 0 }).save();
        server.process.kill('SIGSTOP');
        const { error, ms } = await rejection(queue.create('email', { n: 1 }).save());
        console.log(`scenario 7: save to a frozen Redis rejected after ${ms} ms (commandTimeout ${TIMEOUT_MS} ms)`);
        expect(error).toBeInstanceOf(ConnectionError);
        expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
        expect(ms).toBeLessThan(TIMEOUT_MS + 2_000);
        expect(await postJob(queue)).toMatchObject({ status: 503, body: { code: 'CONNECTION' } });

        server.process.kill('SIGCONT');
        // Redis may still apply what it was sent while frozen: each save is whole or absent.
        const saved = await queue.create('email', { n: 2 }).save();
        const report = await expectConsistent(queue);
        expect(report.states.inactive).toBe(report.jobs);
        expect(report.jobs).toBeGreaterThanOrEqual(2);
        expect(report.jobs).toBeLessThanOrEqual(4); // the two refused saves, maybe applied
        expect((await queue.getJob(saved.id!)).data).toEqual({ n: 2 });
      } finally {
        server.process.kill('SIGCONT');
        await server.stop();
      }
    },
  );

  it('nothing listening: every read and change a caller makes fails with a ConnectionError', async () => {
    const options = { redis: { port: await freePort() }, commandTimeout: 300 };
    const queue = testQueue(options);
    const job = Object.assign(queue.create('email', {}), { id: 7 });
    const calls: Record<string, () => PromiseLike<unknown>> = {
      getJob: () => queue.getJob(7),
      inactiveCount: () => queue.inactiveCount(),
      types: () => queue.types(),
      workTime: () => queue.workTime(),
      log: () => queue.log(7),
      rangeByState: () => queue.rangeByState('complete', 0, 10, 'asc'),
      'job.remove': () => job.remove(),
      'job.update': () => job.update(),
      'admin.page': () => queue.admin.page('inactive'),
      'admin.search': () => queue.admin.search('tj'),
      'admin.pausedTypes': () => queue.admin.pausedTypes(),
      'admin.attemptErrors': () => queue.admin.attemptErrors(7),
      'admin.throughput': () => queue.admin.throughput({ minutes: 5 }),
      'admin.check': () => queue.admin.check(),
    };
    const raw: string[] = [];
    for (const [name, call] of Object.entries(calls)) {
      const { error } = await rejection(call());
      if (!(error instanceof ConnectionError)) raw.push(`${name}: ${String(error)}`);
    }
    expect(raw).toEqual([]);
    // The process queue, as the Job statics open it after a shutdown, with the options last given.
    const processQueue = kue.createQueue(options);
    processQueue.on('error', () => undefined);
    await processQueue.shutdown(1_000);
    const statics: Record<string, () => PromiseLike<unknown>> = {
      'Job.get': () => Job.get(7),
      'Job.log': () => Job.log(7),
      'Job.remove': () => Job.remove(7),
      'Job.rangeByState': () => Job.rangeByState('complete', 0, 10, 'asc'),
    };
    for (const [name, call] of Object.entries(statics)) {
      const { error } = await rejection(call());
      if (!(error instanceof ConnectionError)) raw.push(`${name}: ${String(error)}`);
    }
    expect(raw).toEqual([]);
    const callbackError = await new Promise<Error | null>((resolve) => void Job.get(7, (err) => resolve(err)));
    expect(callbackError).toBeInstanceOf(ConnectionError);
    await kue.createQueue().shutdown(1_000);
  });
});
