import { describe, expect, it } from 'vitest';
import { testQueue, waitFor } from './support/setup.js';

describe('smoke', () => {
  it('saves a job and a worker completes it with a result', async () => {
    const queue = testQueue();
    const job = await queue.create('email', { to: 'a@example.com' }).save();
    expect(job.id).toBeTypeOf('number');
    queue.process('email', (j, done) => done(null, { sent: j.data.to }));
    await waitFor(async () => (await queue.completeCount()) === 1);
    const stored = await queue.getJob(job.id!);
    expect(stored.result).toEqual({ sent: 'a@example.com' });
    expect(stored.state()).toBe('complete');
  });
});
