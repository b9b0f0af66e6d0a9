import { Router } from 'express';
import { PROMETHEUS_CONTENT_TYPE } from '../queue/metrics.js';
import type { Queue } from '../queue/queue.js';

/**
 * `GET /metrics`: the queue's Prometheus metrics (docs/metrics.md), read from Redis in one
 * script call, so any process serving it shows every worker's jobs. Never cached: each
 * response is one scrape, and each scrape keeps the counting on.
 */
export function metricsRoute(queue: Queue): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const text = await queue.metrics.text();
    res.setHeader('Content-Type', PROMETHEUS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  });
  return router;
}
