import { Router } from 'express';
import type { LimitOptions } from '../queue/limits.js';
import type { Queue } from '../queue/queue.js';

/**
 * The limits of job types under /api/limits: list, change (PUT merges, as `queue.limit`),
 * remove. Bad input answers 400 with the API's own message; read-only mode refuses changes (403).
 */
export function limitRoutes(queue: Queue): Router {
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

  return router;
}
