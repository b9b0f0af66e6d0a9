import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/index.js';
import { freePort } from '../../src/cli/free-port.js';
import { keysOf, nextEvent, redisClient, testQueue } from '../support/setup.js';

describe('testMode', () => {
  it('collects saved jobs in testMode.jobs; clear() empties it; exit() saves for real again', async () => {
    const queue = testQueue();
    queue.testMode.enter();
    await queue.createJob('myJob', { foo: 'bar' }).save();
    queue.createJob('anotherJob', { baz: 'bip' }).save();
    expect(queue.testMode.jobs.length).toBe(2);
    expect(queue.testMode.jobs[0]!.type).toBe('myJob');
    expect(queue.testMode.jobs[0]!.data).toEqual({ foo: 'bar' });
    expect(await keysOf(redisClient(), queue.prefix)).toEqual([]);
    queue.testMode.clear();
    expect(queue.testMode.jobs.length).toBe(0);
    queue.testMode.exit();
    await queue.create('real').save();
    expect(await queue.inactiveCount()).toBe(1);
    expect(queue.testMode.jobs.length).toBe(0);
  });

  it('with processing off, saving touches no Redis at all (even an unreachable one)', async () => {
    const queue = new Queue({ prefix: 'tm', redis: { port: await freePort() }, maintenance: false });
    queue.on('error', () => undefined);
    queue.testMode.enter();
    const job = await queue.create('offline', { a: 1 }).save();
    expect(queue.testMode.jobs).toEqual([job]);
    queue.testMode.exit();
    queue.client.disconnect();
    await queue.shutdown(0).catch(() => undefined);
  });

  it('enter(true) collects jobs and processes them for real', async () => {
    const queue = testQueue();
    queue.testMode.enter(true);
    queue.process('real', (_j, done) => done(null, 'processed'));
    const job = await queue.create('real').save();
    expect(await nextEvent(job, 'complete')).toEqual(['processed']);
    expect(queue.testMode.jobs.map((j) => j.id)).toEqual([job.id]);
    queue.testMode.exit();
  });
});
