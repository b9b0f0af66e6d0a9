import { describe, expect, it } from 'vitest';
import { nextEvent, testQueue, waitFor } from '../support/setup.js';

describe('job logs and progress', () => {
  it('job.log formats strings printf-style and inspects other values', async () => {
    const queue = testQueue();
    queue.process('logged', (job, done) => {
      job.log('$%d sent to %s', 42, 'tj');
      job.log({ key: 'some key', value: 10 });
      job.log([1, 2, 3, 5, 8]);
      job.log(10.1);
      done();
    });
    const job = await queue.create('logged').save();
    await nextEvent(job, 'complete');
    expect(await queue.log(job.id!)).toEqual([
      '$42 sent to tj',
      "{ key: 'some key', value: 10 }",
      '[ 1, 2, 3, 5, 8 ]',
      '10.1',
    ]);
  });

  it('job.progress(completed, total, data) stores a 0-100 percentage and the data', async () => {
    const queue = testQueue();
    let release = () => undefined as void;
    queue.process('slides', (job, done) => {
      job.progress(3, 8, { nextSlide: 4 });
      release = () => done();
    });
    const job = await queue.create('slides').save();
    const [percent, data] = await nextEvent(job, 'progress');
    expect(percent).toBe(37);
    expect(data).toEqual({ nextSlide: 4 });
    const stored = await queue.getJob(job.id!);
    expect(stored.progress()).toBe(37);
    expect(stored.progress_data).toEqual({ nextSlide: 4 });
    release();
    await nextEvent(job, 'complete');
    expect((await queue.getJob(job.id!)).progress()).toBe(100);
  });

  it('progress is clamped to 0..100 and rejects non-numbers', async () => {
    const queue = testQueue();
    const job = await queue.create('clamp').save();
    job.progress(20, 10);
    expect(job.progress()).toBe(100);
    expect(() => job.progress('a' as never, 3)).toThrow(TypeError);
    expect(() => job.progress(1, 0)).toThrow(RangeError);
    await waitFor(async () => (await queue.getJob(job.id!)).progress() === 100);
  });

  it('log and progress on a removed job write nothing', async () => {
    const queue = testQueue();
    const job = await queue.create('gone').save();
    await job.remove();
    job.log('late line');
    job.progress(1, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(await queue.log(job.id!)).toEqual([]);
    await expect(queue.getJob(job.id!)).rejects.toThrow(/does not exist/);
  });
});
