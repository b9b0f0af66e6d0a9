import { Router } from 'express';
import type { Queue } from '../queue/queue.js';
import { JOB_STATES, type JobState } from '../store/keys.js';
import { HttpError } from './errors.js';
import { eventStream } from './events-stream.js';
import { jobJson } from './job-json.js';
import { intQuery, jobIdParam, orderParam, stateParam, stringQuery } from './params.js';

interface BulkBody {
  type?: unknown;
  before?: unknown;
  state?: unknown;
}

function bulkFilter(body: unknown): { type?: string; before?: number } {
  const b = (body && typeof body === 'object' ? body : {}) as BulkBody;
  if (b.type !== undefined && (typeof b.type !== 'string' || b.type === '')) throw new HttpError(400, 'type must be a non-empty string');
  if (b.before !== undefined && (typeof b.before !== 'number' || !Number.isFinite(b.before) || b.before < 0)) {
    throw new HttpError(400, 'before must be a time in epoch milliseconds');
  }
  return { type: b.type as string | undefined, before: b.before as number | undefined };
}

async function typeSummaries(queue: Queue) {
  const [types, paused] = await Promise.all([queue.types(), queue.admin.pausedTypes()]);
  return Promise.all(
    types.map(async (type) => {
      const counts = Object.fromEntries(
        await Promise.all(JOB_STATES.map(async (s) => [s, await queue.card(s, type)] as const)),
      ) as Record<JobState, number>;
      return { type, paused: paused.includes(type), counts };
    }),
  );
}

/** Routes beyond Kue's API, for the dashboard: under /api. */
export function adminRoutes(queue: Queue, config: () => { title: string; readOnly: boolean }): Router {
  const router = Router();

  router.get('/api/config', (_req, res) => {
    res.json(config());
  });

  /** Cursor-paged listing: ?state=&type=&cursor=&limit=&order= (state 'all' by default). */
  router.get('/api/jobs', async (req, res) => {
    const stateText = stringQuery(req.query.state);
    const state = stateText === undefined || stateText === 'all' ? 'all' : stateParam(stateText);
    const page = await queue.admin.page(state, {
      type: stringQuery(req.query.type),
      cursor: stringQuery(req.query.cursor),
      limit: intQuery(stringQuery(req.query.limit), 'limit', 50, 1, 1_000),
      order: orderParam(stringQuery(req.query.order)),
    });
    res.json({ jobs: await Promise.all(page.jobs.map((j) => jobJson(queue, j, false))), next: page.next });
  });

  router.post('/api/jobs/retry', async (req, res) => {
    res.json({ count: await queue.admin.retryAll(bulkFilter(req.body)) });
  });

  router.post('/api/jobs/promote', async (req, res) => {
    res.json({ count: await queue.admin.promoteAll(bulkFilter(req.body)) });
  });

  router.post('/api/jobs/remove', async (req, res) => {
    const body = (req.body ?? {}) as BulkBody;
    const state = stateParam(typeof body.state === 'string' ? body.state : undefined);
    res.json({ count: await queue.admin.removeAll(state, bulkFilter(body)) });
  });

  /** Everything about one job: its JSON, log and every failed attempt. */
  router.get('/api/job/:id', async (req, res) => {
    const id = jobIdParam(req.params.id);
    const job = await queue.getJob(id);
    const [json, errors] = await Promise.all([jobJson(queue, job, true), queue.admin.attemptErrors(id)]);
    res.json({ ...json, errors });
  });

  /** Makes a delayed (or any) job inactive now. */
  router.post('/api/job/:id/promote', async (req, res) => {
    const job = await queue.getJob(jobIdParam(req.params.id));
    await job.inactive();
    res.json({ message: 'promoted' });
  });

  router.get('/api/types', async (_req, res) => {
    res.json(await typeSummaries(queue));
  });

  router.put('/api/types/:type/pause', async (req, res) => {
    await queue.admin.pauseType(req.params.type);
    res.json({ type: req.params.type, paused: true });
  });

  router.delete('/api/types/:type/pause', async (req, res) => {
    await queue.admin.resumeType(req.params.type);
    res.json({ type: req.params.type, paused: false });
  });

  /** Completed/failed per minute: ?minutes=&type= */
  router.get('/api/throughput', async (req, res) => {
    res.json(await queue.admin.throughput({
      minutes: intQuery(stringQuery(req.query.minutes), 'minutes', 60, 1, 25 * 60),
      type: stringQuery(req.query.type),
    }));
  });

  router.get('/api/events', eventStream(queue));

  return router;
}
