import { Router } from 'express';
import { CANCELLABLE_STATES, type CancellableState } from '../queue/admin.js';
import type { Queue } from '../queue/queue.js';
import * as check from '../queue/validate.js';
import { HttpError } from './errors.js';
import { idList, objectBody } from './params.js';

/**
 * Cancellation (see `job.cancel`): one job at POST /job/:id/cancel, chosen jobs at POST
 * /api/jobs/cancel and every job matching a state and type at POST /api/jobs/cancel-all, each
 * with an optional `reason` in the body. Bad input answers 400, an unknown job 404, and
 * read-only mode refuses them all (403) as every write.
 */
export function cancelRoutes(queue: Queue): Router {
  const router = Router();

  /**
   * {reason?, children?} -> {id, cancelled}: false when the job had already finished. A flow's
   * parent has its pending children cancelled too unless children is 'keep'.
   */
  router.post('/job/:id/cancel', async (req, res) => {
    const id = check.jobId(req.params.id);
    const { reason, children } = objectBody(req.body);
    const outcome = await queue.admin.cancelJobs([id], check.cancelReason(reason), {
      children: check.childrenOption({ children }, 'cancel'),
    });
    if (outcome.missing.length) throw new HttpError(404, `job ${id} does not exist`);
    res.json({ id, cancelled: outcome.cancelled.length === 1 });
  });

  /** {ids, reason?} -> {cancelled, finished, missing}: the ids in each case, at most 1,000. */
  router.post('/api/jobs/cancel', async (req, res) => {
    const { ids, reason } = objectBody(req.body);
    res.json(await queue.admin.cancelJobs(idList(ids, 'ids'), check.cancelReason(reason)));
  });

  /** {state?, type?, reason?} -> {count}: every waiting, delayed and running job, or one state's. */
  router.post('/api/jobs/cancel-all', async (req, res) => {
    const { state, type, reason } = objectBody(req.body);
    if (state !== undefined && !CANCELLABLE_STATES.includes(state as CancellableState))
      throw new HttpError(400, `state must be one of ${CANCELLABLE_STATES.join(', ')}, got ${check.describe(state)}`);
    const count = await queue.admin.cancelAll(
      {
        ...(state !== undefined && { state: state as CancellableState }),
        ...(type !== undefined && { type: check.jobType(type) }),
      },
      check.cancelReason(reason),
    );
    res.json({ count });
  });

  return router;
}
