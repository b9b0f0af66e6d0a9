// `kue dashboard`: a Queue on the user's Redis, served by createApp over HTTP.
import type { Server } from 'node:http';
import type { AuthOption } from '../http/security.js';
import { createApp } from '../http/app.js';
import { defaults } from '../defaults.js';
import { ConnectionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { Queue } from '../queue/queue.js';
import { CliError } from './cli-error.js';
import { closeServer, isAddressInUse, listen, listenError } from './listen.js';
import { httpUrl } from './urls.js';

/** How long the queue may take to shut down before its connections are cut (ms). */
const SHUTDOWN_TIMEOUT = 5_000;

export interface DashboardOptions {
  /** @default 3000; 0 is any free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** A redis:// or rediss:// URL. @default 'redis://127.0.0.1:6379' */
  redis?: string;
  /** The queue's prefix. @default 'q' */
  prefix?: string;
  auth?: AuthOption;
  readOnly?: boolean;
  title?: string;
  /** Serve GET /metrics (Prometheus). @default true */
  metrics?: boolean;
  /** An http(s) URL template with `{traceId}`: the dashboard links traced jobs there. */
  traceUrl?: string;
  /** Where the queue logs (the CLI gives pino). @default silent */
  logger?: Logger;
  /** When the port is taken, listen on any free port instead of failing. @default false */
  anyPortIfTaken?: boolean;
  /**
   * Receives the queue's errors: an unreachable Redis once per outage (not every failed
   * command while it lasts), other errors as they come. @default written to stderr
   */
  onError?: (err: Error) => void;
  /** Called when Redis answers again after an outage. */
  onReconnect?: () => void;
}

export interface Dashboard {
  /** The URL to open, e.g. `http://127.0.0.1:3000/`. */
  readonly url: string;
  readonly port: number;
  readonly queue: Queue;
  readonly server: Server;
  /** Closes the HTTP server, then shuts the queue down. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * While Redis is unreachable every command fails (the maintenance timer keeps trying): those
 * failures say nothing new after the connection error, so they are left out until Redis is back.
 */
function watchErrors(queue: Queue, onError: (err: Error) => void, onReconnect?: () => void): void {
  let down = false;
  // Without an 'error' listener, Kue would turn its errors into process warnings.
  queue.on('error', (err: Error) => {
    if (err instanceof ConnectionError) {
      if (!down) onError(new ConnectionError(`${err.message} (retrying until Redis answers)`, err));
      // Only the command connection's recovery is watched: an outage is one when it is down too.
      down = queue.client.status !== 'ready';
    } else if (!down) {
      onError(err);
    }
  });
  queue.client.on('ready', () => {
    if (down) onReconnect?.();
    down = false;
  });
}

/** Connects a queue and serves its dashboard and JSON API; resolves once listening. */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  const host = options.host ?? defaults.host;
  const port = options.port ?? defaults.port;
  let queue: Queue;
  try {
    queue = new Queue({ prefix: options.prefix, redis: options.redis ?? defaults.redisUrl, logger: options.logger });
  } catch (err) {
    throw new CliError(`Cannot create the queue: ${(err as Error).message}`);
  }
  watchErrors(queue, options.onError ?? ((err) => process.stderr.write(`kue: ${err.message}\n`)), options.onReconnect);
  const shutdownQueue = () => queue.shutdown(SHUTDOWN_TIMEOUT).catch(() => undefined);

  const app = createApp({
    queue,
    title: options.title,
    auth: options.auth,
    readOnly: options.readOnly,
    metrics: options.metrics,
    ...(options.traceUrl !== undefined && { traceUrl: options.traceUrl }),
  });
  let server: Server;
  try {
    server = await listen(app, port, host).catch((err: unknown) => {
      if (options.anyPortIfTaken && isAddressInUse(err)) return listen(app, 0, host);
      throw err;
    });
  } catch (err) {
    await shutdownQueue();
    throw listenError(err, port, host);
  }

  const bound = (server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  return {
    url: httpUrl(host, bound),
    port: bound,
    queue,
    server,
    close() {
      closing ??= closeServer(server).then(shutdownQueue);
      return closing;
    },
  };
}
