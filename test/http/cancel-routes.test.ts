// The JSON API of cancellation: one job, chosen jobs, every matching job; 400 for bad input,
// 404 for an unknown job, 403 in read-only mode, nothing changed when refused.
import { describe, expect, it } from 'vitest';
import { serve } from '../support/serve.js';
import { testQueue } from '../support/setup.js';

describe('cancel routes', () => {
  it('POST /job/:id/cancel cancels one job with its reason; a finished job answers cancelled: false', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('video', {}).save();
    const http = await serve(queue);
    const answer = await http(`/job/${job.id}/cancel`, 'POST', { reason: 'user pressed stop' });
    expect(answer).toMatchObject({ status: 200, body: { id: job.id, cancelled: true } });
    const stored = await queue.getJob(job.id);
    expect(stored.state()).toBe('failed');
    expect(stored.cancelled).toBe('user pressed stop');
    expect((await http(`/job/${job.id}/cancel`, 'POST')).body).toEqual({ id: job.id, cancelled: false });
    expect((await http('/job/99999/cancel', 'POST')).status).toBe(404);
  });

  it('POST /api/jobs/cancel says what became of each id; /api/jobs/cancel-all cancels what matches', async () => {
    const queue = testQueue({ maintenance: false });
    const [a, b, c] = await queue.saveAll([queue.create('t', {}), queue.create('t', {}), queue.create('u', {})]);
    await (await queue.getJob(b!.id)).complete();
    const http = await serve(queue);
    expect((await http('/api/jobs/cancel', 'POST', { ids: [a!.id, b!.id, 4242], reason: 'r' })).body).toEqual({
      cancelled: [a!.id],
      finished: [b!.id],
      missing: [4242],
    });
    const delayed = await queue.create('u', {}).delay(60_000).save();
    expect((await http('/api/jobs/cancel-all', 'POST', { type: 'u', state: 'inactive' })).body).toEqual({ count: 1 });
    expect((await queue.getJob(c!.id)).state()).toBe('failed');
    expect((await queue.getJob(delayed.id)).state()).toBe('delayed');
    expect((await http('/api/jobs/cancel-all', 'POST', {})).body).toEqual({ count: 1 });
    expect(await queue.card('failed')).toBe(3);
  });

  it('answers bad input with 400 and read-only mode with 403, changing nothing', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('t', {}).save();
    const http = await serve(queue);
    const cases: Array<[string, unknown, RegExp]> = [
      [`/job/${job.id}/cancel`, { reason: 5 }, /cancel reason must be a string, got 5/],
      [`/job/${job.id}/cancel`, [1], /the body must be a JSON object/],
      ['/job/abc/cancel', {}, /job id/],
      ['/api/jobs/cancel', { ids: 'x' }, /job id/],
      ['/api/jobs/cancel', {}, /ids must be an array of job ids/],
      [
        '/api/jobs/cancel-all',
        { state: 'complete' },
        /state must be one of inactive, delayed, active, waiting, got "complete"/,
      ],
      ['/api/jobs/cancel-all', { type: '' }, /job type must be a non-empty string/],
    ];
    for (const [path, body, message] of cases) {
      const answer = await http(path, 'POST', body);
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error).toMatch(message);
    }
    const tooMany = await http('/api/jobs/cancel', 'POST', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) });
    expect(tooMany.status).toBe(413);
    const readOnly = await serve(queue, { readOnly: true });
    expect((await readOnly(`/job/${job.id}/cancel`, 'POST')).status).toBe(403);
    expect((await readOnly('/api/jobs/cancel-all', 'POST', {})).status).toBe(403);
    expect((await queue.getJob(job.id)).state()).toBe('inactive');
  });
});
