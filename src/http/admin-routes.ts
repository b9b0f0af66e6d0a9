import { Router } from 'express';
import { defaults } from '../defaults.js';
import { JobNotFoundError, StateChangedError } from '../errors.js';
import { MAX_PAGE, MAX_THROUGHPUT_MINUTES, type BulkOptions } from '../queue/admin.js';
import { MAX_HISTORY_ENTRIES } from '../queue/event-history.js';
import type { SavedJob } from '../queue/job.js';
import type { Queue } from '../queue/queue.js';
import * as check from '../queue/validate.js';
import { JOB_STATES, type JobState } from '../store/keys.js';
import { HttpError } from './errors.js';
import { eventStream } from './events-stream.js';
import { expectedStates } from './expected-state.js';
import { jobJson } from './job-json.js';
import { booleanQuery, idList, intQuery, stringQuery } from './params.js';

interface BulkBody {
  type?: unknown;
  before?: unknown;
  state?: unknown;
}

function bulkFilter(body: unknown): BulkOptions {
  // A body of another type must not widen the action to every job.
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw new HttpError(400, 'the body must be a JSON object');
  }
  const { type, before } = (body ?? {}) as BulkBody;
  return {
    type: type === undefined ? undefined : check.jobType(type),
    before: before === undefined ? undefined : check.milliseconds('before', before),
  };
}

/** A search with a state or type filter reads at most this many matching jobs... */
const MAX_SEARCH_SCAN = 100_000;
/** ...and answers at most this many ids. */
const MAX_SEARCH_IDS = 20_000;
/** Jobs read per round trip while filtering search matches. */
const SCAN_BATCH = 500;

const BULK_ACTIONS = ['retry', 'promote', 'remove'] as const;
type IdsAction = (typeof BULK_ACTIONS)[number];

/**
 * Moves or removes one job as a bulk action asks. Jobs not in a state the action applies to
 * are skipped: a selection made a moment ago may have moved on. The move states the state the
 * job was read in, so one that moved on since is skipped too. Answers whether it acted.
 */
async function actOn(queue: Queue, job: SavedJob, action: IdsAction): Promise<boolean> {
  const state = job.state();
  if (!state) return false;
  if (action === 'remove') await queue.admin.removeJob(job.id, state);
  else if (action === 'promote' && state === 'delayed') await queue.admin.moveJob(job.id, 'inactive', state);
  else if (action === 'retry' && (state === 'failed' || state === 'complete'))
    await queue.admin.moveJob(job.id, 'inactive', state);
  else return false;
  return true;
}

/** A job removed or moved on between reading and acting is skipped; other errors answer as usual. */
const skipped = (err: unknown): false => {
  if (err instanceof JobNotFoundError || err instanceof StateChangedError) return false;
  throw err;
};

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
export function adminRoutes(
  queue: Queue,
  config: () => { title: string; readOnly: boolean; traceUrl?: string },
): Router {
  const router = Router();

  router.get('/api/config', (_req, res) => {
    res.json({ ...config(), search: queue.searchEnabled });
  });

  /** Cursor-paged listing: ?state=&type=&cursor=&limit=&order= (state 'all' by default). */
  router.get('/api/jobs', async (req, res) => {
    const stateText = stringQuery(req.query.state);
    const state = stateText === undefined || stateText === 'all' ? 'all' : check.state(stateText);
    const page = await queue.admin.page(state, {
      type: stringQuery(req.query.type),
      cursor: stringQuery(req.query.cursor),
      // The API silently caps a larger limit; a request asking for more is told (400).
      limit: intQuery(stringQuery(req.query.limit), 'limit', defaults.pageLimit, 1, MAX_PAGE),
      order: check.order(stringQuery(req.query.order)),
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
    const state = check.state(body.state);
    res.json({ count: await queue.admin.removeAll(state, bulkFilter(body)) });
  });

  /** Everything about one job: its JSON, log and every failed attempt. */
  router.get('/api/job/:id', async (req, res) => {
    const id = check.jobId(req.params.id);
    const job = await queue.getJob(id);
    const [json, errors] = await Promise.all([jobJson(queue, job, true), queue.admin.attemptErrors(id)]);
    res.json({ ...json, errors });
  });

  /** Makes a delayed job (or one in the states of `?from=`) inactive now. */
  router.post('/api/job/:id/promote', async (req, res) => {
    const id = check.jobId(req.params.id);
    await queue.admin.moveJob(id, 'inactive', await expectedStates(queue, id, req.query.from, ['delayed']));
    res.json({ message: 'promoted' });
  });

  /** Jobs by id, in the order asked, missing ones left out: ?ids=1,2,3 */
  router.get('/api/jobs/by-id', async (req, res) => {
    const jobs = await queue.loadJobs(idList(stringQuery(req.query.ids) ?? '', 'ids'));
    res.json({ jobs: await Promise.all(jobs.map((j) => jobJson(queue, j, false))) });
  });

  /**
   * Ids of the jobs whose data matches a query (the full-text index), oldest (default) or
   * newest first, within a state and type when given: ?q=&state=&type=&order=. Filtering
   * reads the matches in batches; `truncated` says the answer stopped at a limit.
   */
  router.get('/api/search', async (req, res) => {
    const q = stringQuery(req.query.q);
    if (q === undefined) throw new HttpError(400, 'q must be a non-empty search query');
    const stateText = stringQuery(req.query.state);
    const state = stateText === undefined || stateText === 'all' ? undefined : check.state(stateText);
    const type = stringQuery(req.query.type);
    const order = check.order(stringQuery(req.query.order));
    const matches = await queue.admin.search(q);
    matches.sort((a, b) => (order === 'asc' ? a - b : b - a));
    if (state === undefined && type === undefined) {
      res.json({ ids: matches.slice(0, MAX_SEARCH_IDS).map(String), truncated: matches.length > MAX_SEARCH_IDS });
      return;
    }
    const ids: number[] = [];
    let scanned = 0;
    while (scanned < matches.length && scanned < MAX_SEARCH_SCAN && ids.length < MAX_SEARCH_IDS) {
      const batch = matches.slice(scanned, scanned + SCAN_BATCH);
      scanned += batch.length;
      for (const job of await queue.loadJobs(batch)) {
        if ((state === undefined || job.state() === state) && (type === undefined || job.type === type))
          ids.push(job.id);
      }
    }
    res.json({ ids: ids.slice(0, MAX_SEARCH_IDS).map(String), truncated: scanned < matches.length });
  });

  /**
   * An action on chosen jobs: {action: 'retry' | 'promote' | 'remove', ids}. `retry` moves
   * failed or complete jobs to inactive, `promote` delayed ones; others are skipped.
   * Answers {count, skipped}; at most 1,000 ids per request.
   */
  router.post('/api/jobs/bulk', async (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { action?: unknown; ids?: unknown };
    if (!BULK_ACTIONS.includes(body.action as IdsAction)) {
      throw new HttpError(400, `action must be one of ${BULK_ACTIONS.join(', ')}, got ${check.describe(body.action)}`);
    }
    const action = body.action as IdsAction;
    const ids = idList(body.ids, 'ids');
    let count = 0;
    for (let i = 0; i < ids.length; i += SCAN_BATCH) {
      const jobs = await queue.loadJobs(ids.slice(i, i + SCAN_BATCH));
      const done = await Promise.all(jobs.map((job) => actOn(queue, job, action).catch(skipped)));
      count += done.filter(Boolean).length;
    }
    res.json({ count, skipped: ids.length - count });
  });

  /**
   * Answers 200 only when this request may change jobs: the dashboard asks it once to know
   * whether to show its actions (read-only mode and auth functions refuse it like any write).
   */
  router.post('/api/can-write', (_req, res) => {
    res.json({ canWrite: true });
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
    res.json(
      await queue.admin.throughput({
        minutes: intQuery(
          stringQuery(req.query.minutes),
          'minutes',
          defaults.throughputMinutes,
          1,
          MAX_THROUGHPUT_MINUTES,
        ),
        type: stringQuery(req.query.type),
      }),
    );
  });

  router.get('/api/events', eventStream(queue));

  /** The job events the stream still holds: ?after=<entry id>, or ?since=<ms>[&newest=true], &limit= (entries). */
  router.get('/api/events/history', async (req, res) => {
    const since = stringQuery(req.query.since);
    res.json(
      await queue.admin.events({
        after: stringQuery(req.query.after),
        since: since === undefined ? undefined : intQuery(since, 'since', 0, 0, Number.MAX_SAFE_INTEGER),
        limit: intQuery(stringQuery(req.query.limit), 'limit', 100, 1, MAX_HISTORY_ENTRIES),
        newest: booleanQuery(stringQuery(req.query.newest), 'newest'),
      }),
    );
  });

  return router;
}
