import type { IncomingMessage, Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { defaults } from '../defaults.js';
import { describe } from '../describe.js';
import type { Queue } from '../queue/queue.js';
import { adminRoutes } from './admin-routes.js';
import { errorHandler, HttpError } from './errors.js';
import { kueRoutes } from './kue-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { cancelRoutes } from './cancel-routes.js';
import { flowRoutes } from './flow-routes.js';
import { flowTreeRoutes } from './flow-tree-routes.js';
import { metricsRoute } from './metrics-route.js';
import { staticUi } from './static-ui.js';
import { refuseCrossSite, refuseWrites, requireAuth, type AuthOption } from './security.js';
import { checkTraceUrl } from './trace-url.js';

export interface AppOptions {
  /** The queue to serve. */
  queue: Queue;
  /** Page title. @default 'Kue' (also `app.set('title', ...)`) */
  title?: string;
  /** Require authentication on every route: `{username, password}` or a function per request. */
  auth?: AuthOption;
  /** Refuse every mutating route with 403. @default false */
  readOnly?: boolean;
  /** Largest accepted request body, bytes or a size like '1mb'. @default '1mb' */
  bodyLimit?: number | string;
  /**
   * Serve `GET /metrics`: the queue's Prometheus metrics (docs/metrics.md), behind `auth`
   * like every route. Each scrape keeps the scripts counting for `metrics.lease`.
   * @default true
   */
  metrics?: boolean;
  /**
   * Where the dashboard links a traced job: an http(s) URL of your tracing backend with
   * `{traceId}` in it. Without one, no link is shown.
   * @example createApp({ queue, traceUrl: 'https://grafana.example/explore?traceId={traceId}' })
   */
  traceUrl?: string;
}

/** An Express application serving the JSON API (and the dashboard). */
export type KueApp = Express;

/**
 * Bodies are JSON when declared so, or sent with no type, text/plain or curl's default
 * form type (`curl -d '{...}'`): this API speaks JSON only.
 */
const isJsonBody = (req: IncomingMessage) => {
  const type = req.headers['content-type'];
  return type === undefined || /\bjson\b|^text\/plain|^application\/x-www-form-urlencoded/i.test(type);
};

/** A body that came in a type this API does not read is refused rather than ignored. */
const refuseOtherBodies: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && req.body === undefined) res.status(415).json({ error: 'request body must be JSON' });
  else next();
};

/**
 * Creates the Express application that serves a queue's JSON API. Mount it anywhere:
 * `app.listen(port)`, `parent.use(app)`, `parent.use('/kue', app)` (every link is relative),
 * `http.createServer(app)`. `listen` binds 127.0.0.1 unless a host is given.
 */
export function createApp(options: AppOptions): KueApp {
  const { queue } = options;
  if (options.metrics !== undefined && typeof options.metrics !== 'boolean')
    throw new TypeError(`metrics must be true or false, got ${describe(options.metrics)}`);
  const traceUrl = options.traceUrl === undefined ? undefined : checkTraceUrl(options.traceUrl);
  const app = express();
  app.set('title', options.title ?? defaults.title);
  app.set('x-powered-by', false);
  // Every open events stream listens to the queue.
  queue.setMaxListeners(0);

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'self'",
    );
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });
  if (options.auth) app.use(requireAuth(options.auth));
  if (options.readOnly) app.use(refuseWrites);
  app.use(refuseCrossSite);
  app.use(express.json({ limit: options.bodyLimit ?? defaults.bodyLimit, type: isJsonBody, strict: false }));
  app.use(refuseOtherBodies);

  app.use(staticUi(() => String(app.get('title'))));
  app.use(kueRoutes(queue));
  app.use(
    adminRoutes(queue, () => ({
      title: String(app.get('title')),
      readOnly: options.readOnly === true,
      ...(traceUrl !== undefined && { traceUrl }),
    })),
  );
  app.use(scheduleRoutes(queue));
  app.use(flowRoutes(queue));
  app.use(cancelRoutes(queue));
  app.use(flowTreeRoutes(queue));
  if (options.metrics !== false) app.use(metricsRoute(queue));
  app.use((_req, _res, next) => next(new HttpError(404, 'no such route')));
  app.use(errorHandler((err) => queue.reportError(err)));

  const listen = app.listen.bind(app) as (...args: unknown[]) => Server;
  // Loopback unless the caller names a host: a dashboard is never exposed by accident.
  app.listen = ((port?: unknown, ...rest: unknown[]) => {
    // listen({port}) takes its host from the object: without one, node would bind every interface.
    if (typeof port === 'object' && port !== null) {
      const options = port as { host?: string; path?: string };
      return listen(
        options.host === undefined && options.path === undefined ? { ...options, host: '127.0.0.1' } : options,
        ...rest,
      );
    }
    return typeof rest[0] === 'string' ? listen(port, ...rest) : listen(port, '127.0.0.1', ...rest);
  }) as Express['listen'];
  return app;
}
