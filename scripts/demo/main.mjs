// The demo's start-up and teardown: its redis-server, the queue, the dashboard, the workers,
// the producer and the view; and on Ctrl-C (SIGINT), SIGTERM or SIGHUP, stopping all of them
// in order: the producer, the queue (`queue.shutdown(3000)`), then the redis-server it
// started (and nothing else).
import kue from '../../dist/index.js';
import { killStartedRedisNow, stopStartedRedis } from '../redis-server.mjs';
import { counts, listen, note, refresh, run, STATES, stats } from './activity.mjs';
import { RETENTION, declareLimits, declareSchedules, startProducer, stopProducer } from './producer.mjs';
import { REDIS_DIR_SHOWN, startDemoRedis } from './redis.mjs';
import { restoreTerminal, startView, stopView, write } from './view.mjs';
import { startWorkers } from './workers.mjs';

const HOST = '127.0.0.1';
const SHUTDOWN_TIMEOUT = 3_000;
// KUE_DEMO_PORT lets a test give the dashboard a port of its own (0: any free one).
const DASHBOARD_PORT = process.env.KUE_DEMO_PORT ? Number(process.env.KUE_DEMO_PORT) : 3000;

let redis;
let queue;
/** @type {import('node:http').Server | undefined} */
let dashboardServer;
let firstSignalAt = 0;

/** Serves `kue.app` for the demo queue, as `kue dev` does: on port 3000, or any free port when 3000 is taken. */
function startDashboard(app) {
  const listenOn = (port) =>
    new Promise((resolve, reject) => {
      const server = app.listen(port, HOST);
      server.once('listening', () => resolve(server));
      server.once('error', reject);
    });
  return listenOn(DASHBOARD_PORT)
    .catch((err) => (err.code === 'EADDRINUSE' ? listenOn(0) : Promise.reject(err)))
    .then((server) => {
      dashboardServer = server;
      return `http://${HOST}:${server.address().port}/`;
    });
}

function onSignal(signal) {
  if (run.stopping) {
    // A terminal's Ctrl-C reaches both npm and the demo, and npm forwards it once more:
    // only a later, deliberate second Ctrl-C forces the exit.
    if (Date.now() - firstSignalAt < 2_000) return;
    write(`\n${signal} again: stopping now.\n`);
    killStartedRedisNow();
    process.exit(1);
  }
  firstSignalAt = Date.now();
  void stop(`${signal} received`, 0);
}

async function stop(reason, code) {
  if (run.stopping) return;
  run.stopping = true;
  // Never wait forever, whatever happens to Redis.
  setTimeout(() => {
    write('Shutdown takes too long: stopping now.\n');
    killStartedRedisNow();
    process.exit(1);
  }, SHUTDOWN_TIMEOUT + 20_000).unref();
  stopView(reason);
  const log = (line) => write(`${line}\n`);
  let failed = false;
  if (dashboardServer) {
    dashboardServer.closeAllConnections?.();
    dashboardServer.close();
  }
  if (queue) {
    log(
      `${reason}: stopping the producer, waiting up to ${SHUTDOWN_TIMEOUT / 1000} s for the active jobs to finish...`,
    );
    await stopProducer();
    try {
      await queue.shutdown(SHUTDOWN_TIMEOUT);
      log('Queue shut down.');
    } catch (err) {
      failed = true;
      log(`Queue shutdown failed: ${err.message}`);
    }
    run.queueClosed = true;
  }
  try {
    if (redis?.running) {
      log(`Stopping redis-server (pid ${redis.pid}); the data stays in ${REDIS_DIR_SHOWN}.`);
      await redis.stop();
    } else {
      await stopStartedRedis(); // a signal during start-up: the server may still be loading its data
    }
  } catch (err) {
    failed = true;
    log(`Stopping redis-server failed: ${err.message}`);
  }
  if (queue)
    log(
      `This run: ${stats.produced} jobs created, ${stats.completed} completed, ${stats.retried} retried, ${stats.failed} failed.`,
    );
  process.exit(failed ? 1 : code);
}

async function main() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => onSignal(signal));
  process.on('exit', () => {
    killStartedRedisNow();
    restoreTerminal();
  });
  process.stdout.on('error', () => void stop('stdout closed', 0)); // e.g. `npm run demo | head`

  redis = await startDemoRedis();
  if (run.stopping) return; // a signal came during start-up; stop() does the rest
  void redis.exited.then(({ code, signal }) => {
    if (!run.stopping) {
      write(`\nredis-server exited unexpectedly (${signal ?? `code ${code}`}).\n`);
      void stop('redis-server is gone', 1);
    }
  });

  // Search on (Kue's default is off): the dashboard's search box finds the demo's jobs by title.
  queue = kue.createQueue({
    prefix: 'demo',
    redis: { host: HOST, port: redis.port },
    disableSearch: false,
    ...RETENTION,
  });
  listen(queue);
  kue.app.set('title', 'Kue demo');
  const dashboardUrl = await startDashboard(kue.app);

  console.log(`kue demo: Redis on ${HOST}:${redis.port} (pid ${redis.pid}), data in ${REDIS_DIR_SHOWN}`);
  console.log(`Dashboard: ${dashboardUrl}`);
  console.log(`The job events of the last minutes: ${dashboardUrl}activity`);
  console.log(
    `Finished jobs stay for the dashboard: the newest ${RETENTION.removeOnComplete} completed and ` +
      `${RETENTION.removeOnFail} failed of each type (removeOnComplete / removeOnFail).`,
  );
  await refresh(queue);
  const left = STATES.reduce((n, s) => n + counts[s], 0);
  if (left > 0) {
    const detail = STATES.filter((s) => counts[s] > 0)
      .map((s) => `${counts[s]} ${s}`)
      .join(', ');
    console.log(`Found ${left} jobs from earlier runs (${detail}): they carry on.`);
    note('info', `${left} jobs found from earlier runs`);
  }
  console.log('Ctrl-C to stop.');
  console.log('');
  if (run.stopping) return;

  startWorkers(queue);
  await declareSchedules(queue);
  await declareLimits(queue);
  startProducer(queue);
  startView(queue, { redisPort: redis.port, dataDir: REDIS_DIR_SHOWN, dashboardUrl });
}

process.on('uncaughtException', (err) => {
  write(`\n${err.stack ?? err}\n`);
  if (run.stopping) {
    killStartedRedisNow();
    process.exit(1);
  }
  void stop('unexpected error', 1);
});
process.on('unhandledRejection', (err) => {
  throw err;
});

main().catch((err) => {
  write(`demo: ${err.message}\n`);
  if (!run.stopping) void stop('start-up failed', 1);
});
