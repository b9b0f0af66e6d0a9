/**
 * `npm run demo`: kue at work, live in the terminal.
 *
 * 1. Gets the repository ready (this file): installs the npm packages when ioredis is missing
 *    and builds dist/ when it is missing or older than src/. Makes sure redis-server is
 *    installed. Nothing it does needs node_modules or dist/, which a fresh clone lacks.
 * 2. Hands over to scripts/demo/, which loads the built package:
 *    - main.mjs: start-up and teardown (Ctrl-C, SIGTERM: a graceful stop, exit 0);
 *    - redis.mjs: a redis-server of its own on a free 127.0.0.1 port, data under `.kue/redis`
 *      (RDB snapshots + AOF), so the demo's jobs survive a restart of the demo;
 *    - producer.mjs: two schedules (a heartbeat every 30 s, a nightly report), limits on the
 *      webhooks (5 a second, 2 at once, over every process; 1 at once per receiver, each
 *      receiver a group) and a few jobs
 *      a second (emails, video conversions, reports, webhooks) with
 *      mixed priorities, delays, attempts + backoff, ttl, and the retention of finished jobs;
 *    - workers.mjs: workers (concurrency > 1, in this same process) that write job logs,
 *      report progress and fail at random so that retries show; a webhook now and then gets
 *      a simulated 429 and holds its type back (ctx.rateLimit);
 *    - activity.mjs: what happened (the queue's events) and the jobs per state (Redis);
 *    - view.mjs: the live view in the terminal, or one line a second when not a terminal.
 *    The dashboard (`kue.app`) is served on 127.0.0.1:3000, or any free port when 3000 is taken.
 *
 * Nothing leaves the machine: Redis listens on 127.0.0.1 only, and the "emails" and
 * "webhooks" are simulated.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function npm(args) {
  return spawnSync('npm', args, { cwd: root, stdio: 'inherit' }).status === 0;
}

/** Newest modification time of any file under dir (0 when there is none). */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function prepare() {
  const srcTime = newestMtime(join(root, 'src'));
  const needsBuild = ['index.js', 'redis-process.js'].some((name) => {
    const entry = join(root, 'dist', name);
    return !existsSync(entry) || statSync(entry).mtimeMs < srcTime;
  });
  // ioredis and every other runtime dependency; tsup too when dist/ must be built.
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const installed = (name) => existsSync(join(root, 'node_modules', name, 'package.json'));
  const missing = ['ioredis', ...Object.keys(dependencies), ...(needsBuild ? ['tsup'] : [])].filter(
    (n) => !installed(n),
  );
  if (missing.length > 0) {
    const ci = existsSync(join(root, 'package-lock.json'));
    console.log(`Installing npm packages (npm ${ci ? 'ci' : 'install'})...`);
    if (!npm(ci ? ['ci'] : ['install'])) return false;
  }
  if (needsBuild) {
    console.log('Building dist/ (npm run build)...');
    if (!npm(['run', '--silent', 'build'])) return false;
  }
  return true;
}

// KUE_DEMO_NO_PREPARE lets a test run the demo without an npm install or a build of the checkout.
if (!process.env.KUE_DEMO_NO_PREPARE && !prepare()) process.exit(1);
const { ensureRedisServer } = await import('./redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
await import('./demo/main.mjs');
