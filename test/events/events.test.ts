import { describe, expect, it } from 'vitest';
import { nextEvent, testQueue, waitFor } from '../support/setup.js';

describe('job-level events', () => {
  it('fire on the Job object with the spec arguments through a job life', async () => {
    const queue = testQueue();
    const job = queue.create('video', { frames: 2 }).delay(50);
    const events: unknown[][] = [];
    for (const name of ['enqueue', 'start', 'promotion', 'progress', 'complete', 'remove']) {
      job.on(name, (...args: unknown[]) => events.push([name, ...args]));
    }
    queue.process('video', (j, done) => {
      j.progress(1, 2, { frame: 1 });
      setTimeout(() => done(null, { file: 'out.avi' }), 20);
    });
    await job.save();
    await nextEvent(job, 'complete');
    expect(events).toEqual([
      ['promotion'],
      ['enqueue', 'video'],
      ['start', 'video'],
      ['progress', 50, { frame: 1 }],
      ['complete', { file: 'out.avi' }],
    ]);
  });

  it('"remove" fires on a job removed before it finished', async () => {
    const queue = testQueue();
    const job = await queue.create('unwanted').save();
    const removed = nextEvent(job, 'remove');
    await job.remove();
    expect(await removed).toEqual(['unwanted']);
  });

  it('"failed attempt" and "failed" carry the error message (and attempts made)', async () => {
    const queue = testQueue();
    queue.process('flaky', (_j, done) => done(new Error('nope')));
    const job = queue.create('flaky').attempts(2);
    const events: unknown[][] = [];
    job.on('failed attempt', (...a: unknown[]) => events.push(['failed attempt', ...a]));
    job.on('failed', (...a: unknown[]) => events.push(['failed', ...a]));
    await job.save();
    await waitFor(() => events.length === 2);
    expect(events).toEqual([
      ['failed attempt', 'nope', 1],
      ['failed', 'nope'],
    ]);
  });

  it('jobEvents: false keeps no saved Job in memory and fires no job-level events', async () => {
    const queue = testQueue({ jobEvents: false });
    queue.process('quiet', (_j, done) => done());
    const job = queue.create('quiet');
    let fired = 0;
    job.on('complete', () => fired++);
    const queueLevel = nextEvent(queue, 'job complete');
    await job.save();
    await queueLevel;
    expect(fired).toBe(0);
    expect((queue as unknown as { watchers: { size: number } }).watchers.size).toBe(0);
  });

  it('job.events(false) turns job-level events off for that job only', async () => {
    const queue = testQueue();
    queue.process('mixed', (_j, done) => done());
    const loud = queue.create('mixed');
    const quiet = queue.create('mixed').events(false);
    let quietFired = 0;
    quiet.on('complete', () => quietFired++);
    const loudDone = nextEvent(loud, 'complete');
    await quiet.save();
    await loud.save();
    await loudDone;
    await waitFor(async () => (await queue.completeCount()) === 2);
    expect(quietFired).toBe(0);
  });

  it('saved Job objects are released once they complete', async () => {
    const queue = testQueue();
    queue.process('release', (_j, done) => done());
    const jobs = await Promise.all(Array.from({ length: 20 }, () => queue.create('release').save()));
    await Promise.all(jobs.map((j) => nextEvent(j, 'complete')));
    expect((queue as unknown as { watchers: { size: number } }).watchers.size).toBe(0);
  });
});

describe('queue-level events', () => {
  it('"event" carries every transition as {event, id, type, args, entry}; moves by hand emit "moved"', async () => {
    const queue = testQueue();
    const seen: unknown[] = [];
    queue.on('event', (e: unknown) => seen.push(e));
    const job = await queue.create('mail').save();
    await job.failed();
    await waitFor(() => seen.length === 2);
    const entry = expect.stringMatching(/^\d+-\d+$/) as unknown;
    expect(seen).toEqual([
      { event: 'enqueue', id: job.id, type: 'mail', args: ['mail'], entry },
      { event: 'moved', id: job.id, type: 'mail', args: ['failed', 'inactive'], entry },
    ]);
  });

  it('fire as "job <event>" with the id first, in every process of the queue', async () => {
    const producer = testQueue();
    const worker = testQueue({ prefix: producer.prefix });
    const observer = testQueue({ prefix: producer.prefix });
    const seen: unknown[][] = [];
    for (const name of ['enqueue', 'start', 'progress', 'complete']) {
      observer.on(`job ${name}`, (...args: unknown[]) => seen.push([name, ...args]));
    }
    worker.process('email', (job, done) => {
      job.progress(3, 4);
      done(null, 'sent');
    });
    await new Promise((r) => setTimeout(r, 50));
    const job = await producer.create('email').save();
    await waitFor(() => seen.length === 4);
    expect(seen).toEqual([
      ['enqueue', job.id, 'email'],
      ['start', job.id, 'email'],
      ['progress', job.id, 75, null],
      ['complete', job.id, 'sent'],
    ]);
  });

  it('"job failed attempt" and "job failed" reach other processes', async () => {
    const producer = testQueue();
    const worker = testQueue({ prefix: producer.prefix });
    worker.process('bad', (_j, done) => done(new Error('boom')));
    const failedAttempt = nextEvent(producer, 'job failed attempt');
    const failed = nextEvent(producer, 'job failed');
    await new Promise((r) => setTimeout(r, 50));
    const job = await producer.create('bad').attempts(2).save();
    expect(await failedAttempt).toEqual([job.id, 'boom', 1]);
    expect(await failed).toEqual([job.id, 'boom']);
  });
});
