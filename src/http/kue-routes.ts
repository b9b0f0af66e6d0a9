import { Router, type Request } from 'express';
import type { Queue } from '../queue/queue.js';
import type { Job, PriorityName } from '../queue/job.js';
import * as check from '../queue/validate.js';
import type { RetentionOption } from '../store/retention.js';
import { HttpError } from './errors.js';
import { expectedStates } from './expected-state.js';
import { jobJson, wantsLog } from './job-json.js';
import { rangeParam, stringQuery } from './params.js';

/** The most elements one POST /job array may hold. */
const MAX_BATCH = 1_000;

interface NewJobBody {
  type?: unknown;
  data?: unknown;
  options?: {
    priority?: unknown;
    attempts?: unknown;
    delay?: unknown;
    ttl?: unknown;
    backoff?: unknown;
    removeOnComplete?: unknown;
    removeOnFail?: unknown;
    searchKeys?: unknown;
    unique?: unknown;
  };
}

/** `options.unique`: a key, or `{key, ttl, replace}`; the job checks each value. */
function setUnique(job: Job, unique: unknown): void {
  if (typeof unique === 'string') {
    job.unique(unique);
    return;
  }
  if (typeof unique !== 'object' || unique === null || Array.isArray(unique)) {
    throw new TypeError('unique must be a key or an object like {"key": "sync:7", "ttl": 60000, "replace": true}');
  }
  const { key, ...options } = unique as { key?: unknown };
  job.unique(key as string, options);
}

/**
 * Builds a job from one element of a POST /job body (or one job of a POST /api/flows body);
 * throws a TypeError/RangeError when it is bad.
 */
export function buildJob(queue: Queue, body: unknown): Job {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TypeError('each job must be a JSON object');
  const { type, data, options = {} } = body as NewJobBody;
  const jobType = check.jobType(type);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TypeError('options must be an object');
  const job = queue.create(jobType, data ?? {});
  // Names of the queue's own map type-check as PriorityName only by augmentation: the job checks them.
  if (options.priority !== undefined) job.priority(options.priority as PriorityName | number);
  if (options.attempts !== undefined) job.attempts(options.attempts as number);
  if (options.delay !== undefined) job.delay(options.delay as number);
  if (options.ttl !== undefined) job.ttl(options.ttl as number);
  // Validated by the job: a bad value is a TypeError or RangeError, answered with 400.
  if (options.removeOnComplete !== undefined) job.removeOnComplete(options.removeOnComplete as RetentionOption);
  if (options.removeOnFail !== undefined) job.removeOnFail(options.removeOnFail as RetentionOption);
  if (options.searchKeys !== undefined) job.searchKeys(options.searchKeys as string[]);
  if (options.unique !== undefined) setUnique(job, options.unique);
  if (options.backoff !== undefined) {
    // Only data: never a function or its source text.
    const b = options.backoff;
    if (b !== true && (typeof b !== 'object' || b === null || Array.isArray(b))) {
      throw new TypeError('backoff must be true or an object like {"type": "exponential", "delay": 1000}');
    }
    job.backoff(b as true | { type?: string; delay?: number; maxDelay?: number });
  }
  return job;
}

async function createOne(
  queue: Queue,
  body: unknown,
): Promise<{ message: string; id: number } | { message: string; id: number; duplicate: true }> {
  // saveAll, not save(): save() also reports a refused job (data JSON cannot store) to the
  // queue's 'error' listeners, and a client's bad input is no server error.
  const [job] = await queue.saveAll([buildJob(queue, body)]);
  // A unique key held by a job: that job's id, and no job made.
  if (job!.duplicate) return { message: 'job exists', id: job!.id!, duplicate: true };
  return { message: 'job created', id: job!.id! };
}

/** Kue's JSON API, routes and response shapes as documented by Kue 0.11. */
export function kueRoutes(queue: Queue): Router {
  const router = Router();

  router.get('/stats', async (_req, res) => {
    const [inactiveCount, completeCount, activeCount, failedCount, delayedCount, waitingCount, workTime] =
      await Promise.all([
        queue.inactiveCount(),
        queue.completeCount(),
        queue.activeCount(),
        queue.failedCount(),
        queue.delayedCount(),
        queue.waitingCount(),
        queue.workTime(),
      ]);
    res.json({ inactiveCount, completeCount, activeCount, failedCount, delayedCount, waitingCount, workTime });
  });

  router.get('/job/search', async (req, res) => {
    const ids = await queue.admin.search(stringQuery(req.query.q) ?? '');
    res.json(ids.map(String));
  });

  router.get('/job/types', async (_req, res) => {
    res.json(await queue.types());
  });

  router.get('/job/:id', async (req, res) => {
    const job = await queue.getJob(check.jobId(req.params.id));
    res.json(await jobJson(queue, job, wantsLog(req.query.log)));
  });

  router.get('/job/:id/log', async (req, res) => {
    const id = check.jobId(req.params.id);
    await queue.getJob(id);
    res.json(await queue.log(id));
  });

  // ?children=keep leaves a flow parent's pending children (by default they go with it).
  router.delete('/job/:id', async (req, res) => {
    const id = check.jobId(req.params.id);
    const children = check.childrenOption({ children: req.query.children }, 'remove');
    await queue.admin.removeJob(id, await expectedStates(queue, id, req.query.from), { children });
    res.json({ message: `job ${id} removed` });
  });

  router.put('/job/:id/state/:state', async (req, res) => {
    const state = check.state(req.params.state);
    const id = check.jobId(req.params.id);
    await queue.admin.moveJob(id, state, await expectedStates(queue, id, req.query.from));
    res.json({ message: 'updated state' });
  });

  router.put('/job/:id/priority/:priority', async (req, res) => {
    const job = await queue.getJob(check.jobId(req.params.id));
    const text = req.params.priority;
    job.priority(/^-?\d{1,10}$/.test(text) ? Number(text) : (text as PriorityName));
    await job.update();
    res.json({ message: 'updated priority' });
  });

  router.post('/job', async (req: Request, res) => {
    const body: unknown = req.body;
    const empty =
      body === undefined || req.headers['content-length'] === '0' || (Array.isArray(body) && body.length === 0);
    if (empty) {
      res.status(204).end();
      return;
    }
    if (!Array.isArray(body)) {
      res.json(await createOne(queue, body));
      return;
    }
    if (body.length > MAX_BATCH) throw new HttpError(413, `at most ${MAX_BATCH} jobs per request`);
    // One result per element, in order; a bad element does not stop the others.
    const results = await Promise.all(
      body.map((element) =>
        createOne(queue, element).catch((err: unknown) => {
          if (err instanceof TypeError || err instanceof RangeError) return { error: err.message };
          throw err;
        }),
      ),
    );
    res.json(results);
  });

  router.get('/jobs/*path', async (req, res) => {
    const segments = (req.params as { path: string[] }).path;
    const rangeAt = segments.findIndex((s) => s.includes('..'));
    if (rangeAt < 0) {
      if (segments.length === 3 && segments[2] === 'stats') {
        res.json({ count: await queue.card(check.state(segments[1]), segments[0]) });
        return;
      }
      throw new HttpError(404, 'no such route');
    }
    if (rangeAt > 2 || segments.length > rangeAt + 2) throw new HttpError(404, 'no such route');
    const { from, to } = rangeParam(segments[rangeAt]);
    // An empty segment (a trailing slash) gives no order.
    const order = check.order(segments[rangeAt + 1] || undefined);
    const jobs =
      rangeAt === 0
        ? await queue.range(from, to, order)
        : rangeAt === 1
          ? await queue.rangeByState(check.state(segments[0]), from, to, order)
          : await queue.rangeByType(segments[0]!, check.state(segments[1]), from, to, order);
    res.json(await Promise.all(jobs.map((job) => jobJson(queue, job, false))));
  });

  // Kue 0.11's route, kept for compatibility: ids of the inactive jobs of a type.
  router.get('/inactive/:type', async (req, res) => {
    res.json((await queue.inactive(req.params.type)).map(String));
  });

  return router;
}
