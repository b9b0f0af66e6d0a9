/**
 * `npm run demo`: kue at work, live in the terminal.
 *
 * 1. Gets the repository ready: installs the npm packages when ioredis is missing and builds
 *    dist/ when it is missing or older than src/. Makes sure redis-server is installed.
 * 2. Starts a redis-server of its own on a free 127.0.0.1 port, with its data under
 *    `.kue/redis` (RDB snapshots + AOF), so the demo's jobs survive a restart of the demo.
 * 3. Runs a producer that adds a few jobs a second (emails, video conversions, reports,
 *    webhooks) with mixed priorities, some delayed, some with attempts + backoff or a ttl,
 *    some failing at random so that retries show, and workers (concurrency > 1, in this
 *    same process) that write job logs and report progress.
 * 4. Shows a live view, redrawn 4 times a second: jobs per state, a progress bar per active
 *    job and the latest events. When stdout is not a terminal it prints one line a second.
 * 5. On Ctrl-C (SIGINT) or SIGTERM: stops producing, shuts the queue down gracefully
 *    (`queue.shutdown(3000)`), stops the redis-server it started (and nothing else), exits 0.
 *
 * Nothing leaves the machine: Redis listens on 127.0.0.1 only, and the "emails" and
 * "webhooks" are simulated.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// KUE_DEMO_DIR, KUE_DEMO_PORT and KUE_DEMO_NO_PREPARE let a test run the demo in isolation: a
// data folder and a dashboard port of its own, and no npm install or build of the checkout.
const REDIS_DIR = process.env.KUE_DEMO_DIR ? resolve(process.env.KUE_DEMO_DIR) : join(root, '.kue', 'redis');
/** How the data folder is named in messages (relative: no path of this machine is printed). */
const REDIS_DIR_SHOWN = process.env.KUE_DEMO_DIR ? REDIS_DIR : '.kue/redis';
/** Who runs the demo's redis-server: lets a later run find a server an earlier run left behind. */
const STATE_FILE = join(REDIS_DIR, 'demo-redis.json');
const HOST = '127.0.0.1';
const SHUTDOWN_TIMEOUT = 3_000;
/** Loaded from dist/ once prepare() has built it. */
let freePort, ping;

// ---------------------------------------------------------------------------------------
// Dashboard: `kue.app` for the demo queue, on 127.0.0.1:3000 (or any free port when 3000 is
// taken), as `kue dev` serves it.
// ---------------------------------------------------------------------------------------
const DASHBOARD_PORT = process.env.KUE_DEMO_PORT ? Number(process.env.KUE_DEMO_PORT) : 3000;
/** @type {import('node:http').Server | null} */
let dashboardServer = null;
/** @type {string | null} */
let dashboardUrl = null;

/** Serves the dashboard; resolves its URL. */
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (min, max) => min + Math.floor(Math.random() * (max - min + 1));
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const chance = (p) => Math.random() < p;

// ---------------------------------------------------------------------------------------
// 1. Packages and build
// ---------------------------------------------------------------------------------------

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
  const missing = ['ioredis', ...Object.keys(dependencies), ...(needsBuild ? ['tsup'] : [])].filter((n) => !installed(n));
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

// ---------------------------------------------------------------------------------------
// 2. The demo's own redis-server
// ---------------------------------------------------------------------------------------
//
// Why not startRedis() from redis-server.mjs: it starts redis-server in the demo's process
// group, so the Ctrl-C that the terminal sends to the whole foreground group reaches
// redis-server too, and Redis shuts down at once, before the queue can finish its active
// jobs. Here redis-server runs in a process group of its own (`detached`) and is stopped by
// the demo, after `queue.shutdown()`. The arguments are startRedis()'s, plus persistence.

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** The command line of a process, or '' when it cannot be read. */
function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : '';
  }
}

/**
 * A demo killed with SIGKILL leaves its redis-server running on `.kue/redis`; two servers
 * must not share one data folder. Stops such a leftover (only when the state file says an
 * earlier demo started it and the process still is that redis-server), and refuses to run
 * next to a demo that is still alive.
 */
async function clearLeftoverRedis() {
  // `kue dev` run from the repository uses the same data folder and records itself here.
  const devState = join(REDIS_DIR, 'kue-dev.json');
  if (existsSync(devState)) {
    try {
      const dev = JSON.parse(readFileSync(devState, 'utf8'));
      if (isAlive(dev.redisPid) && commandLine(dev.redisPid).includes('redis-server')) {
        throw new Error(`a redis-server of \`kue dev\` (pid ${dev.redisPid}) is using ${REDIS_DIR_SHOWN}: stop it first`);
      }
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
    }
  }
  if (!existsSync(STATE_FILE)) return;
  let info;
  try {
    info = JSON.parse(readFileSync(STATE_FILE, 'utf8'));
  } catch {
    rmSync(STATE_FILE, { force: true });
    return;
  }
  if (info.demoPid !== process.pid && isAlive(info.demoPid) && commandLine(info.demoPid).includes('demo.mjs')) {
    throw new Error(`another demo (pid ${info.demoPid}) is using ${REDIS_DIR_SHOWN}: stop it first`);
  }
  const cmd = isAlive(info.redisPid) ? commandLine(info.redisPid) : '';
  if (cmd.includes('redis-server') && cmd.includes(`:${info.port}`)) {
    console.log(`Stopping the redis-server (pid ${info.redisPid}, port ${info.port}) that an earlier demo left running...`);
    process.kill(info.redisPid, 'SIGTERM');
    for (let i = 0; i < 200 && isAlive(info.redisPid); i++) await sleep(50);
    if (isAlive(info.redisPid)) throw new Error(`redis-server pid ${info.redisPid} did not stop`);
  }
  rmSync(STATE_FILE, { force: true });
}

async function startDemoRedis() {
  mkdirSync(REDIS_DIR, { recursive: true });
  await clearLeftoverRedis();
  const port = await freePort();
  const args = [
    '--port', String(port), '--bind', HOST, '--protected-mode', 'yes', '--dir', REDIS_DIR,
    '--loglevel', 'warning', '--logfile', join(REDIS_DIR, 'redis.log'),
    '--save', '60 1', '--appendonly', 'yes',
  ];
  const child = spawn('redis-server', args, { cwd: REDIS_DIR, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4_000)));
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));
  child.on('error', (err) => (stderr += `\n${err.message}`));
  const server = {
    port,
    pid: child.pid,
    exit,
    get running() {
      return !exited;
    },
    /** Stops this redis-server (SIGTERM: Redis writes its data and exits). */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await Promise.race([exit, sleep(15_000)]);
        if (!exited) {
          child.kill('SIGKILL');
          await exit;
        }
      }
      rmSync(STATE_FILE, { force: true });
    },
    /** Last resort, from a synchronous 'exit' handler. */
    killNow() {
      if (!exited) child.kill('SIGTERM');
    },
  };
  writeFileSync(STATE_FILE, JSON.stringify({ demoPid: process.pid, redisPid: child.pid, port }) + '\n');
  redis = server; // from now on, stop() and the 'exit' handler know about it
  // Loading a big AOF takes a while: wait up to 30 s for the first PONG.
  for (let i = 0; i < 300 && !exited; i++) {
    if (await ping(port)) return server;
    await sleep(100);
  }
  await server.stop();
  redis = undefined;
  let log = '';
  try {
    log = readFileSync(join(REDIS_DIR, 'redis.log'), 'utf8').split('\n').slice(-10).join('\n');
  } catch {}
  throw new Error(`redis-server did not start on ${HOST}:${port}\n${stderr.trim()}\n${log.trim()}`.trim());
}

// ---------------------------------------------------------------------------------------
// 3-4. Jobs: producer and workers
// ---------------------------------------------------------------------------------------

const NAMES = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances', 'alan', 'radia'];
const TEMPLATES = ['welcome', 'password-reset', 'invoice', 'weekly-digest'];
const VIDEOS = ['holiday', 'keynote', 'cat', 'tutorial', 'launch'];
const REPORTS = ['daily sales', 'signups', 'churn', 'inventory', 'latency'];
const HOOKS = ['order.created', 'order.paid', 'user.signup', 'invoice.overdue'];

/** Stats of this run (the per-state counts come from Redis). */
const stats = { produced: 0, completed: 0, failed: 0, retried: 0, stalled: 0 };
/** Jobs saved by this run, until they finish: id -> {type, max attempts}. */
const saved = new Map();
/** Active jobs, from the queue's events: id -> {id, type, pct, since, note}. */
const active = new Map();
/** Retry time of a job whose attempt just failed (the 'job delayed' event comes first). */
const retryAt = new Map();
/** The latest events, newest last. */
const events = [];
const EVENT_LINES = 8;

let queue;
let queueClosed = false;
let stopping = false;

function note(kind, text) {
  events.push({ at: new Date(), kind, text });
  if (events.length > 50) events.splice(0, events.length - 50);
}

/** Throws once the queue is closed, so a handler that outlived shutdown stops quietly. */
function stillRunning() {
  if (queueClosed) throw new Error('demo stopped');
}

/** Creates one job of a random kind (and, now and then, a burst of newsletter emails). */
function makeJobs() {
  const kind = pick(['email', 'email', 'email', 'webhook', 'webhook', 'webhook', 'report', 'report', 'video conversion']);
  if (kind === 'email') {
    if (chance(0.08)) {
      // A newsletter: a burst of low-priority emails fills the inactive list for a moment.
      const jobs = [];
      for (let i = 0; i < 6; i++) {
        jobs.push(queue.create('email', { to: `${pick(NAMES)}@example.com`, template: 'newsletter' })
          .priority('low').attempts(3).backoff({ type: 'fixed', delay: 1_000 }).removeOnComplete(true));
      }
      return jobs;
    }
    const job = queue.create('email', { to: `${pick(NAMES)}@example.com`, template: pick(TEMPLATES) })
      .priority(pick(['normal', 'normal', 'high', 'low']))
      .attempts(3)
      .backoff({ type: 'fixed', delay: 1_000 })
      .removeOnComplete(true);
    if (chance(0.25)) job.delay(rand(1_000, 5_000)); // a reminder, sent a little later
    return [job];
  }
  if (kind === 'webhook') {
    return [queue.create('webhook', { event: pick(HOOKS), url: `https://hooks.example.test/${pick(NAMES)}` })
      .priority(pick(['high', 'critical', 'normal']))
      .attempts(4)
      .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
      .removeOnComplete(true)];
  }
  if (kind === 'report') {
    const job = queue.create('report', { title: pick(REPORTS), pages: rand(5, 10) })
      .priority(pick(['low', 'normal', 'normal', 'critical']))
      .attempts(2)
      .backoff({ type: 'fixed', delay: 1_500 })
      .ttl(8_000)
      .removeOnComplete(chance(0.5));
    if (chance(0.4)) job.delay(rand(1_000, 5_000)); // a scheduled report
    return [job];
  }
  return [queue.create('video conversion', { title: `${pick(VIDEOS)}.mov`, format: pick(['mp4', 'webm']), frames: rand(12, 24) })
    .priority(pick(['normal', 'medium', 'low']))
    .attempts(3)
    .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
    .ttl(30_000)];
}

const pendingSaves = new Set();
let producer;

function startProducer() {
  producer = setInterval(() => {
    for (const job of makeJobs()) {
      const saving = (async () => {
        await job.save();
        stats.produced++;
        saved.set(job.id, { type: job.type, max: job.attempts().max });
      })().catch((err) => note('error', `save failed: ${err.message}`));
      pendingSaves.add(saving);
      saving.finally(() => pendingSaves.delete(saving));
    }
  }, 400);
}

function startWorkers() {
  // Kue's classic callback style: (job, done).
  queue.process('email', 3, (job, done) => {
    const stages = ['render', 'connect', 'send'];
    let step = 0;
    job.log('rendering template "%s" for %s', job.data.template, job.data.to);
    const next = () => {
      if (queueClosed) return;
      step++;
      job.progress(step, stages.length, { stage: stages[step - 1] });
      if (step < stages.length) {
        setTimeout(next, rand(150, 450));
      } else if (chance(0.12)) {
        done(new Error('SMTP 421: service not available'));
      } else {
        job.log('accepted by the (simulated) mail server');
        done(null, { messageId: `<${job.id}.${Date.now()}@demo.invalid>` });
      }
    };
    setTimeout(next, rand(100, 300));
  });

  // Three parameters: (job, ctx, done); ctx could pause this worker (ctx.pause / ctx.resume).
  queue.process('video conversion', 2, (job, ctx, done) => {
    const { title, format, frames } = job.data;
    const breaksAt = chance(0.2) ? rand(2, frames - 1) : -1;
    job.log('converting %s to %s (%d frames) on worker %s', title, format, frames, ctx.id);
    let frame = 0;
    const next = () => {
      if (queueClosed) return;
      frame++;
      if (frame === breaksAt) {
        done(new Error(`ffmpeg: corrupt packet at frame ${frame}`));
        return;
      }
      job.progress(frame, frames, { frame });
      if (frame % 8 === 0) job.log('frame %d/%d', frame, frames);
      if (frame < frames) setTimeout(next, rand(120, 260));
      else done(null, { output: title.replace(/\.mov$/, `.${format}`), bytes: rand(2e6, 9e7) });
    };
    setTimeout(next, rand(100, 200));
  });

  // Promise style: the resolved value is the result, a rejection fails the attempt.
  queue.process('report', 2, async (job) => {
    const { title, pages } = job.data;
    job.log('building the "%s" report, %d pages', title, pages);
    if (chance(0.05)) {
      // Hangs past its 8 s ttl: the worker fails the attempt with "TTL exceeded".
      await sleep(10_000);
      return { pages: 0 };
    }
    const breaksAt = chance(0.1) ? rand(1, pages) : -1;
    for (let page = 1; page <= pages; page++) {
      await sleep(rand(150, 350));
      stillRunning();
      if (page === breaksAt) throw new Error('database timeout after 5000 ms');
      job.progress(page, pages, { page });
    }
    job.log('report ready');
    return { file: `${title.replaceAll(' ', '-')}-${job.id}.pdf`, pages };
  });

  queue.process('webhook', 3, async (job) => {
    job.log('POST %s (%s), simulated', job.data.url, job.data.event);
    await sleep(rand(150, 400));
    stillRunning();
    job.progress(1, 2, { stage: 'sent' });
    await sleep(rand(100, 300));
    stillRunning();
    if (chance(0.35)) throw new Error(`HTTP ${pick([500, 502, 503, 504])} from ${job.data.url}`);
    job.progress(2, 2, { stage: 'acknowledged' });
    return { status: 200 };
  });
}

function typeOf(id) {
  return active.get(id)?.type ?? saved.get(id)?.type ?? 'job';
}

function listen() {
  queue.on('error', (err) => {
    if (!stopping) note('error', `kue error: ${err.message}`);
  });
  queue.on('job start', (id, type) => {
    retryAt.delete(id);
    active.set(id, { id, type, pct: 0, since: Date.now(), note: '' });
  });
  queue.on('job progress', (id, pct, data) => {
    const job = active.get(id);
    if (!job) return;
    job.pct = Number(pct) || 0;
    if (data && typeof data === 'object') {
      job.note = Object.entries(data).map(([k, v]) => `${k} ${v}`).join(', ');
    }
  });
  queue.on('job delayed', (id, due) => retryAt.set(id, Number(due)));
  queue.on('job complete', (id) => {
    const job = active.get(id);
    const took = job ? ` in ${((Date.now() - job.since) / 1000).toFixed(1)} s` : '';
    note('complete', `#${id} ${typeOf(id)} completed${took}`);
    stats.completed++;
    active.delete(id);
    saved.delete(id);
  });
  queue.on('job failed attempt', (id, message, made) => {
    const max = saved.get(id)?.max;
    const due = retryAt.get(id);
    retryAt.delete(id);
    const when = due === undefined ? 'now' : `in ${(Math.max(0, due - Date.now()) / 1000).toFixed(1)} s`;
    note('retry', `#${id} ${typeOf(id)} attempt ${made}${max ? `/${max}` : ''} failed: ${message}; retry ${when}`);
    stats.retried++;
    active.delete(id);
  });
  queue.on('job failed', (id, message) => {
    const max = saved.get(id)?.max;
    note('failed', `#${id} ${typeOf(id)} failed${max ? ` after ${max} attempt${max > 1 ? 's' : ''}` : ''}: ${message}`);
    stats.failed++;
    active.delete(id);
    saved.delete(id);
    retryAt.delete(id);
  });
  queue.on('job stalled', (id) => {
    note('retry', `#${id} ${typeOf(id)} stalled (its worker vanished): back in the queue`);
    stats.stalled++;
    active.delete(id);
  });
  queue.on('job remove', (id) => {
    active.delete(id);
    saved.delete(id);
  });
}

/** Keeps Redis small: at most this many complete and failed jobs stay, the oldest go first. */
const KEEP = { complete: 300, failed: 100 };
let janitor;

function startJanitor() {
  janitor = setInterval(async () => {
    for (const [state, keep] of Object.entries(KEEP)) {
      try {
        const excess = Math.min(500, (await queue.card(state)) - keep);
        if (excess <= 0 || stopping) continue;
        const oldest = await queue.rangeByState(state, 0, excess - 1, 'asc');
        await Promise.all(oldest.map((job) => job.remove().catch(() => undefined)));
      } catch (err) {
        if (!stopping) note('error', `cleanup: ${err.message}`);
      }
    }
  }, 5_000);
}

// ---------------------------------------------------------------------------------------
// 5. Terminal output
// ---------------------------------------------------------------------------------------

const out = process.stdout;
const tty = Boolean(out.isTTY);
const color = tty && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text));
const bold = paint('1');
const dim = paint('2');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const cyan = paint('36');
const STATE_COLORS = { inactive: cyan, active: yellow, delayed: dim, complete: green, failed: red };
const STATES = ['inactive', 'active', 'delayed', 'complete', 'failed'];

const startedAt = Date.now();
let counts = Object.fromEntries(STATES.map((s) => [s, 0]));
let redis;

function write(text) {
  try {
    out.write(text);
  } catch {}
}

const clock = (d = new Date()) => d.toTimeString().slice(0, 8);

function uptime() {
  const s = Math.floor((Date.now() - startedAt) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Cuts a line to `width` visible characters, leaving ANSI sequences whole. */
function fit(line, width) {
  let visible = 0;
  let result = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      result += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= width) {
      return color ? `${result}\x1b[0m` : result;
    }
    result += line[i];
    visible++;
  }
  return result;
}

function bar(pct, width) {
  const full = Math.round((Math.max(0, Math.min(100, pct)) / 100) * width);
  return green('█'.repeat(full)) + dim('░'.repeat(width - full));
}

const EVENT_MARKS = { complete: green('✔'), retry: yellow('↻'), failed: red('✖'), error: red('!'), info: cyan('•') };

function frame(status) {
  const columns = out.columns || 100;
  const rows = out.rows || 30;
  const narrow = columns < 80;
  const lines = [];
  lines.push(`${bold('kue demo')}  Redis ${HOST}:${redis.port}  data in ${REDIS_DIR_SHOWN}  up ${uptime()}`);
  if (dashboardUrl) lines.push(`Dashboard: ${dashboardUrl}`);
  lines.push(dim(status));
  lines.push('');
  lines.push(' ' + STATES.map((s) => `${s} ${STATE_COLORS[s](bold(String(counts[s]).padStart(narrow ? 3 : 4)))}`).join(narrow ? '  ' : '   '));
  lines.push(dim(` this run: ${stats.produced} created, ${stats.completed} completed, ${stats.retried} retried, ${stats.failed} failed`
    + (stats.stalled ? `, ${stats.stalled} stalled` : '')));
  lines.push('');
  // What is left of the screen goes to the active jobs first, keeping a few event lines.
  const jobs = [...active.values()].sort((a, b) => a.id - b.id);
  const left = rows - 1 - lines.length - 3; // 3: the two section titles and a blank line
  const minEvents = Math.min(EVENT_LINES, Math.max(1, Math.floor(left / 3)));
  let jobRoom = Math.max(1, left - minEvents);
  if (jobs.length > jobRoom) jobRoom = Math.max(1, jobRoom - 1); // room for the "... more" line
  const jobLines = Math.max(1, Math.min(jobs.length, jobRoom) + (jobs.length > jobRoom ? 1 : 0));
  const eventRoom = Math.max(1, Math.min(EVENT_LINES, left - jobLines));
  const barWidth = narrow ? 12 : 24;
  lines.push(bold(`Active jobs (${jobs.length})`));
  if (jobs.length === 0) lines.push(dim('  (none)'));
  for (const job of jobs.slice(0, jobRoom)) {
    lines.push(`  ${`#${job.id}`.padEnd(7)} ${job.type.padEnd(16)} ${bar(job.pct, barWidth)} ${String(job.pct).padStart(3)}%  ${dim(job.note)}`);
  }
  if (jobs.length > jobRoom) lines.push(dim(`  ... and ${jobs.length - jobRoom} more`));
  lines.push('');
  lines.push(bold('Recent events'));
  const recent = events.slice(-eventRoom);
  if (recent.length === 0) lines.push(dim('  (waiting for the first job to finish)'));
  for (const e of recent) lines.push(`  ${dim(clock(e.at))} ${EVENT_MARKS[e.kind] ?? ' '} ${e.text}`);
  return lines.slice(0, Math.max(1, rows - 1)).map((l) => fit(l, columns - 1));
}

let drawnLines = 0;

function draw(status = 'Ctrl-C to stop') {
  const lines = frame(status);
  // Back to the frame's first line, rewrite every line, clear what is left below.
  const up = drawnLines > 0 ? `\x1b[${drawnLines}F` : '\r';
  write(`${up}${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
  drawnLines = lines.length;
}

function summaryLine() {
  const state = STATES.map((s) => `${s}=${counts[s]}`).join(' ');
  return `${clock()} ${state} | this run: created=${stats.produced} completed=${stats.completed} `
    + `retried=${stats.retried} failed=${stats.failed} active jobs=${[...active.values()].map((j) => `#${j.id}:${j.pct}%`).join(',') || '-'}\n`;
}

let refreshing = false;
let lastReconcile = 0;

/** Reads the per-state counts (and, once a second, which jobs really are active). */
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const values = await Promise.all(STATES.map((s) => queue.card(s)));
    counts = Object.fromEntries(STATES.map((s, i) => [s, values[i]]));
    if (Date.now() - lastReconcile > 1_000) {
      lastReconcile = Date.now();
      // Events can be missed (e.g. jobs left active by an earlier run): trust Redis.
      const ids = new Set(await queue.active());
      for (const id of active.keys()) if (!ids.has(id)) active.delete(id);
      for (const id of ids) {
        if (active.has(id)) continue;
        const job = await queue.getJob(id).catch(() => null);
        if (job && job.state() === 'active' && !active.has(id)) {
          active.set(id, { id, type: job.type, pct: job.progress(), since: job.started_at ?? Date.now(), note: '' });
        }
      }
    }
  } catch (err) {
    if (!stopping) note('error', `reading counts: ${err.message}`);
  } finally {
    refreshing = false;
  }
}

let ticker;

function startView() {
  if (tty) {
    write('\x1b[?25l'); // hide the cursor while the view is live
    out.on('resize', () => {
      write('\x1b[2J\x1b[H');
      drawnLines = 0;
    });
    ticker = setInterval(() => {
      if (stopping) return;
      void refresh();
      draw();
    }, 250);
  } else {
    ticker = setInterval(async () => {
      if (stopping) return;
      await refresh();
      if (!stopping) write(summaryLine());
    }, 1_000);
  }
}

// ---------------------------------------------------------------------------------------
// Start and stop
// ---------------------------------------------------------------------------------------

let firstSignalAt = 0;

function onSignal(signal) {
  if (stopping) {
    // A terminal's Ctrl-C reaches both npm and the demo, and npm forwards it once more:
    // only a later, deliberate second Ctrl-C forces the exit.
    if (Date.now() - firstSignalAt < 2_000) return;
    write(`\n${signal} again: stopping now.\n`);
    redis?.killNow();
    process.exit(1);
  }
  firstSignalAt = Date.now();
  void stop(`${signal} received`, 0);
}

async function stop(reason, code) {
  if (stopping) return;
  stopping = true;
  clearInterval(producer);
  clearInterval(janitor);
  clearInterval(ticker);
  // Never wait forever, whatever happens to Redis.
  setTimeout(() => {
    write('Shutdown takes too long: stopping now.\n');
    redis?.killNow();
    process.exit(1);
  }, SHUTDOWN_TIMEOUT + 20_000).unref();
  if (tty && queue && redis) draw(reason);
  const log = (line) => write(`${line}\n`);
  let failed = false;
  if (dashboardServer) {
    dashboardServer.closeAllConnections?.();
    dashboardServer.close();
  }
  if (queue) {
    log(`${reason}: stopping the producer, waiting up to ${SHUTDOWN_TIMEOUT / 1000} s for the active jobs to finish...`);
    await Promise.allSettled([...pendingSaves]);
    try {
      await queue.shutdown(SHUTDOWN_TIMEOUT);
      log('Queue shut down.');
    } catch (err) {
      failed = true;
      log(`Queue shutdown failed: ${err.message}`);
    }
    queueClosed = true;
  }
  if (redis) {
    log(`Stopping redis-server (pid ${redis.pid}); the data stays in ${REDIS_DIR_SHOWN}.`);
    try {
      await redis.stop();
    } catch (err) {
      failed = true;
      log(`Stopping redis-server failed: ${err.message}`);
    }
  }
  if (queue) log(`This run: ${stats.produced} jobs created, ${stats.completed} completed, ${stats.retried} retried, ${stats.failed} failed.`);
  process.exit(failed ? 1 : code);
}

async function main() {
  if (!process.env.KUE_DEMO_NO_PREPARE && !prepare()) process.exit(1);
  const launcher = await import('./redis-server.mjs');
  ({ freePort, ping } = launcher);
  if (!launcher.ensureRedisServer()) process.exit(1);

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => onSignal(signal));
  process.on('exit', () => {
    redis?.killNow();
    if (tty) write('\x1b[?25h');
  });
  out.on('error', () => void stop('stdout closed', 0)); // e.g. `npm run demo | head`

  await startDemoRedis();
  if (stopping) return; // a signal came during start-up; stop() does the rest
  redis.exit.then(({ code, signal }) => {
    if (!stopping) {
      write(`\nredis-server exited unexpectedly (${signal ?? `code ${code}`}).\n`);
      redis = undefined;
      void stop('redis-server is gone', 1);
    }
  });

  const { default: kue } = await import('../dist/index.js');
  queue = kue.createQueue({ prefix: 'demo', redis: { host: HOST, port: redis.port } });
  listen();
  kue.app.set('title', 'Kue demo');
  dashboardUrl = await startDashboard(kue.app);

  console.log(`kue demo: Redis on ${HOST}:${redis.port} (pid ${redis.pid}), data in ${REDIS_DIR_SHOWN}`);
  if (dashboardUrl) console.log(`Dashboard: ${dashboardUrl}`);
  await refresh();
  const left = STATES.reduce((n, s) => n + counts[s], 0);
  if (left > 0) {
    const detail = STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
    console.log(`Found ${left} jobs from earlier runs (${detail}): they carry on.`);
    note('info', `${left} jobs found from earlier runs`);
  }
  console.log('Ctrl-C to stop.');
  console.log('');
  if (stopping) return;

  startWorkers();
  startProducer();
  startJanitor();
  startView();
}

process.on('uncaughtException', (err) => {
  write(`\n${err.stack ?? err}\n`);
  if (stopping) {
    redis?.killNow();
    process.exit(1);
  }
  void stop('unexpected error', 1);
});
process.on('unhandledRejection', (err) => {
  throw err;
});

main().catch((err) => {
  write(`demo: ${err.message}\n`);
  if (!stopping) void stop('start-up failed', 1);
});
