/**
 * Moves asked for over HTTP (the dashboard's retry, requeue, promote, remove and bulk
 * actions) state the state the job should be in, and the script checks it in the same step
 * as the move: a job a worker has taken meanwhile keeps its lock and finishes once.
 */
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, ErrorCode, LockLostError, StateChangedError, type Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(queue: Queue) {
  const server = await new Promise<Server>((resolve) => {
    const s = createApp({ queue }).listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  const { port } = server.address() as { port: number };
  return async (method: string, path: string, json?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      ...(json !== undefined && { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

/** Lock-lost reports of the queue's workers: a move that pulled a job from a worker makes one. */
function lockLosses(queue: Queue): Error[] {
  const lost: Error[] = [];
  queue.removeAllListeners('error');
  queue.on('error', (err: Error) => {
    if (err instanceof LockLostError) lost.push(err);
  });
  return lost;
}

describe('compare-and-move over HTTP', () => {
  it('every job action on a job a worker holds is refused with 409, and the job keeps its lock', async () => {
    const queue = testQueue();
    const lost = lockLosses(queue);
    let release!: () => void;
    const running = new Promise<void>((r) => (release = r));
    let started = 0;
    queue.process('video', (_job, done) => {
      started++;
      void running.then(() => done(null, 'rendered'));
    });
    const job = await queue.create('video', {}).save();
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'active', 5_000, 'the job to start');
    const lockBefore = (await queue.getJob(job.id!))._lock;
    const http = await serve(queue);

    const refused = [
      await http('POST', `/api/job/${job.id}/promote`),
      await http('POST', `/api/job/${job.id}/promote?from=delayed`),
      await http('PUT', `/job/${job.id}/state/inactive?from=failed,complete`),
      await http('DELETE', `/job/${job.id}?from=failed`),
    ];
    for (const res of refused) {
      expect(res.status).toBe(409);
      expect(res.body.code).toBe(ErrorCode.StateChanged);
      expect(String(res.body.error)).toMatch(new RegExp(`job ${job.id} is active`));
    }
    expect((await http('POST', '/api/jobs/bulk', { action: 'retry', ids: [job.id] })).body).toEqual({
      count: 0,
      skipped: 1,
    });

    const still = await queue.getJob(job.id!);
    expect(still.state()).toBe('active');
    expect(still._lock).toBe(lockBefore);
    release();
    await waitFor(async () => (await queue.getJob(job.id!)).state() === 'complete', 5_000, 'the job to complete');
    expect((await queue.getJob(job.id!)).result).toBe('rendered');
    expect(started).toBe(1);
    expect(lost).toEqual([]);
  });

  it('a move whose expected state holds goes through; without ?from= the route expects the state it read', async () => {
    const queue = testQueue();
    const http = await serve(queue);
    const failed = await queue.create('mail', {}).delay(60_000).save();
    await failed.failed();
    expect((await http('PUT', `/job/${failed.id}/state/inactive?from=failed`)).status).toBe(200);
    expect((await queue.getJob(failed.id!)).state()).toBe('inactive');
    expect((await http('PUT', `/job/${failed.id}/state/delayed`)).status).toBe(200);
    expect((await http('POST', `/api/job/${failed.id}/promote`)).status).toBe(200);
    expect((await http('DELETE', `/job/${failed.id}?from=inactive`)).status).toBe(200);
    expect((await http('DELETE', `/job/${failed.id}`)).status).toBe(404);
    expect((await http('PUT', `/job/1/state/inactive?from=stuck`)).status).toBe(400);
  });

  it('queue.admin.moveJob and removeJob reject with StateChangedError and change nothing', async () => {
    const queue = testQueue();
    const job = await queue.create('mail', {}).delay(60_000).save();
    const error = await queue.admin.moveJob(job.id!, 'inactive', ['failed', 'complete']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateChangedError);
    expect(error).toMatchObject({
      code: 'STATE_CHANGED',
      jobId: job.id,
      actual: 'delayed',
      expected: ['failed', 'complete'],
    });
    await expect(queue.admin.removeJob(job.id!, 'inactive')).rejects.toThrow(StateChangedError);
    expect((await queue.getJob(job.id!)).state()).toBe('delayed');
    await expect(queue.admin.moveJob(job.id!, 'inactive', 'delayed')).resolves.toBeUndefined();
    await expect(queue.admin.moveJob(job.id!, 'inactive', [])).rejects.toThrow(RangeError);
    await expect(queue.admin.moveJob(job.id!, 'inactive', 'soon' as never)).rejects.toThrow(RangeError);
  });

  it('promotions racing the promoter and the workers never run a job twice nor take it from its worker', async () => {
    const queue = testQueue();
    const lost = lockLosses(queue);
    const runs = new Map<number, number>();
    queue.process('race', 20, async (job) => {
      runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    });
    const http = await serve(queue);
    const jobs = await queue.saveAll(
      Array.from({ length: 200 }, (_, i) => queue.create('race', { i }).delay(20 + (i % 40))),
    );
    // The dashboard saw every job delayed: each promote races the promotion timer and the workers.
    const answers = await Promise.all(jobs.map((j) => http('POST', `/api/job/${j.id}/promote?from=delayed`)));
    for (const a of answers) expect([200, 409]).toContain(a.status);
    await waitFor(async () => (await queue.completeCount('race')) === jobs.length, 15_000, 'every job to complete');
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(jobs.length);
    expect(lost).toEqual([]);
  });
});
