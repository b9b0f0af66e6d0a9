import { Router } from 'express';
import type { LimitOptions } from '../queue/limits.js';
import type { Queue } from '../queue/queue.js';

/**
 * Flow control: the limits of job types under /api/limits (list, change: PUT merges, as
 * `queue.limit`; remove) and the groups of a type under /api/groups (list, pause, resume).
 * Bad input answers 400 with the API's own message; read-only mode refuses changes (403).
 */
export function flowRoutes(queue: Queue): Router {
  const router = Router();

  router.get('/api/limits', async (_req, res) => {
    res.json({ limits: await queue.limits() });
  });

  /** {rate: {max, duration} | null, concurrency: n | null}: what is left out stays. */
  router.put('/api/limits/:type', async (req, res) => {
    res.json(await queue.limit(req.params.type, req.body as LimitOptions));
  });

  router.delete('/api/limits/:type', async (req, res) => {
    res.json(await queue.limit(req.params.type, null));
  });

  router.get('/api/groups/:type', async (req, res) => {
    res.json({ groups: await queue.groups(req.params.type) });
  });

  router.put('/api/groups/:type/:group/pause', async (req, res) => {
    const { type, group } = req.params;
    res.json({ type, group, paused: true, changed: await queue.pauseGroup(type, group) });
  });

  router.delete('/api/groups/:type/:group/pause', async (req, res) => {
    const { type, group } = req.params;
    res.json({ type, group, paused: false, changed: await queue.resumeGroup(type, group) });
  });

  return router;
}
