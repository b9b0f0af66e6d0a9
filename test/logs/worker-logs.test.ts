// What a worker logs: its start and stop, failed attempts, a lost lock. Every entry carries
// the queue's prefix, the type and the worker's id, whatever the logger (with or without
// child(), with or without info()).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { capturingLogger } from './capture.js';

describe('the log of a worker', () => {
  it('a failed attempt is logged at debug while attempts remain, and at warn when the job fails for good', async () => {
    const logger = capturingLogger();
    const queue = testQueue({ logger });
    queue.process('flaky', (_job, done) => done(new Error('boom')));
    const job = await queue.create('flaky').attempts(2).save();
    await waitFor(() => logger.find(/job failed/).length > 0, 5_000, 'the job to fail for good');

    const [retry] = logger.find(/attempt failed/);
    const [failed] = logger.find(/job failed/);
    const fields = { queue: queue.prefix, type: 'flaky', jobId: job.id, attempts: 2, error: 'boom' };
    expect(retry).toMatchObject({ level: 'debug', obj: { ...fields, attempt: 1 } });
    expect(failed).toMatchObject({ level: 'warn', obj: { ...fields, attempt: 2 } });
    expect(retry!.obj.workerId).toEqual(expect.stringContaining(`:${process.pid}:`));
    expect(failed!.obj.workerId).toBe(retry!.obj.workerId);
  });

  it('worker started and stopped are logged at info, with type, concurrency and the worker id', async () => {
    const logger = capturingLogger();
    const queue = testQueue({ logger });
    queue.process('steady', 3, (_job, done) => done());
    await waitFor(() => logger.find(/worker started/).length > 0);
    await queue.shutdown(1_000);

    const [started] = logger.find(/worker started/);
    const [stopped] = logger.find(/worker stopped/);
    expect(started).toMatchObject({ level: 'info', obj: { queue: queue.prefix, type: 'steady', concurrency: 3 } });
    expect(stopped).toMatchObject({ level: 'info', obj: { queue: queue.prefix, type: 'steady' } });
    expect(stopped!.obj.workerId).toBe(started!.obj.workerId);
  });

  it('a lock lost is logged at warn with the job id, type and worker id, as soon as renewal finds it', async () => {
    const logger = capturingLogger();
    const queue = testQueue({ logger, lockDuration: 400 });
    let signal: AbortSignal | undefined;
    queue.process('held', (job) => {
      signal ??= job.signal; // the first run's: the job is taken again after the loss
      return new Promise(() => undefined); // holds its job until the lock goes
    });
    const job = await queue.create('held').save();
    await waitFor(() => signal !== undefined);
    // Moved back by hand, as stall recovery or an admin would: the worker's lock is gone.
    await (await queue.getJob(job.id!)).inactive();
    await waitFor(() => logger.find(/lock lost/).length > 0, 3_000, 'the lock lost entry');

    const [lost] = logger.find(/lock lost/);
    const [started] = logger.find(/worker started/);
    expect(lost).toMatchObject({ level: 'warn', obj: { queue: queue.prefix, type: 'held', jobId: job.id } });
    expect(lost!.obj.workerId).toBe(started!.obj.workerId);
    expect(signal!.aborted).toBe(true);
  });

  it('a logger without child gets the bindings in each call, and one without info gets info entries at debug', async () => {
    const entries: Array<{ level: string; obj: object; msg?: string }> = [];
    const noInfo: Logger = {
      debug: (obj, msg) => void entries.push({ level: 'debug', obj, msg }),
      warn: (obj, msg) => void entries.push({ level: 'warn', obj, msg }),
      error: (obj, msg) => void entries.push({ level: 'error', obj, msg }),
    };
    const queue = testQueue({ logger: noInfo });
    queue.process('plain', (_job, done) => done());
    await waitFor(() => entries.some((e) => e.msg === 'kue: worker started'));
    expect(entries.find((e) => e.msg === 'kue: worker started')).toMatchObject({
      level: 'debug',
      obj: { queue: queue.prefix, type: 'plain', concurrency: 1 },
    });
  });

  it('a pino logger is bound with child({queue}): its JSON lines carry queue, type and workerId', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        callback();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const queue = testQueue({ logger });
    queue.process('json', 2, (_job, done) => done(new Error('nope')));
    const job = await queue.create('json').save();
    await waitFor(() => lines.some((l) => l.msg === 'kue: job failed'));

    const started = lines.find((l) => l.msg === 'kue: worker started');
    const failed = lines.find((l) => l.msg === 'kue: job failed');
    expect(started).toMatchObject({ level: 30, queue: queue.prefix, type: 'json', concurrency: 2 });
    expect(failed).toMatchObject({ level: 40, queue: queue.prefix, type: 'json', jobId: job.id, error: 'nope' });
    expect(failed!.workerId).toBe(started!.workerId);
    // Bound once each, by child(): no key twice in a line.
    expect(Object.keys(failed!).filter((k) => k === 'queue')).toHaveLength(1);
  });

  it('a queue without a logger attaches nothing to its connections for logging', async () => {
    const silent = testQueue();
    const logged = testQueue({ logger: capturingLogger() });
    await Promise.all([silent.create('t').save(), logged.create('t').save()]);
    expect(silent.client.listenerCount('reconnecting')).toBe(0);
    expect(logged.client.listenerCount('reconnecting')).toBe(1);
  });
});
