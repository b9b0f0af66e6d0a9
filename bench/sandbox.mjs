// `npm run bench:sandbox`: the cost per job of a sandboxed processor (worker threads, child
// processes) against the same no-op handler in-process, for Kue and for BullMQ's sandboxed
// processors, in the same run on a private redis-server. For each library, variant and
// concurrency: a warm-up (children started, code warm), then N jobs saved while the type is
// paused, resumed, and timed until the last completes (polling the completed count every
// 10 ms). Prints the medians of jobs/s over the repetitions and the overhead per job,
// 1/(jobs/s sandboxed) − 1/(jobs/s in-process) of the same library and concurrency, median of
// the repetitions' differences (one untimed drain per library first). Writes bench/results/sandbox.json. See
// docs/sandboxed-processors.md.
//
//   node bench/sandbox.mjs [--n 5000] [--reps 5] [--concurrency 1,4] [--libs kue,bullmq]
import { mkdirSync, writeFileSync } from 'node:fs';
import { machine } from './machine.mjs';
import { median, sleep } from './util.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const N = Number(option('n', 5_000));
const REPS = Number(option('reps', 5));
const WARMUP = 200;
const CONCURRENCY = option('concurrency', '1,4').split(',').map(Number);
const LIBS = option('libs', 'kue,bullmq').split(',');
const VARIANTS = ['in-process', 'threads', 'processes'];
const processorUrl = new URL('./sandbox/noop.mjs', import.meta.url);

const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
const kue = (await import('../dist/index.js')).default;
const bullmq = await import('bullmq');
const { Redis } = await import('ioredis');

async function waitUntil(check, what, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Kue: a queue, a worker of the variant, pause/resume of the type, the completed count. */
async function kueRig(port, variant, concurrency) {
  const queue = new kue.Queue({ prefix: 'bench-sandbox', redis: { host: '127.0.0.1', port }, jobEvents: false });
  queue.on('error', (err) => console.error(`[kue] ${err.message}`));
  if (variant === 'in-process') queue.process('noop', concurrency, async (job) => job.data.i);
  else queue.process('noop', concurrency, processorUrl, { isolation: variant === 'threads' ? 'thread' : 'process' });
  let i = 0;
  return {
    add: (n) => queue.saveAll(Array.from({ length: n }, () => queue.create('noop', { i: i++ }))),
    pause: () => queue.admin.pauseType('noop'),
    resume: () => queue.admin.resumeType('noop'),
    waiting: () => queue.inactiveCount('noop'),
    completed: () => queue.completeCount('noop'),
    close: () => queue.shutdown(5_000),
  };
}

/** BullMQ: the same with its Queue and Worker (sandboxed: a file, useWorkerThreads for threads). */
async function bullmqRig(port, variant, concurrency) {
  const connection = { host: '127.0.0.1', port };
  const queue = new bullmq.Queue('bench-sandbox', { connection });
  queue.on('error', (err) => console.error(`[bullmq] ${err.message}`));
  const processor = variant === 'in-process' ? async (job) => job.data.i : processorUrl;
  const worker = new bullmq.Worker('bench-sandbox', processor, {
    connection,
    concurrency,
    useWorkerThreads: variant === 'threads',
  });
  worker.on('error', (err) => console.error(`[bullmq worker] ${err.message}`));
  await worker.waitUntilReady();
  let i = 0;
  return {
    add: (n) => queue.addBulk(Array.from({ length: n }, () => ({ name: 'noop', data: { i: i++ } }))),
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    waiting: async () =>
      (await queue.getJobCounts('waiting', 'paused')).paused + (await queue.getJobCounts('waiting')).waiting,
    completed: async () => (await queue.getJobCounts('completed')).completed,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

/** One timed drain of N jobs; returns jobs/s. */
async function drain(admin, lib, variant, concurrency, port) {
  await admin.flushall();
  const rig = await (lib === 'kue' ? kueRig : bullmqRig)(port, variant, concurrency);
  try {
    await rig.add(WARMUP);
    await waitUntil(async () => (await rig.completed()) === WARMUP, 'the warm-up');
    await rig.pause();
    for (let added = 0; added < N; added += 1_000) await rig.add(Math.min(1_000, N - added));
    await waitUntil(async () => (await rig.waiting()) === N, `${N} waiting jobs`);
    const t0 = performance.now();
    await rig.resume();
    await waitUntil(async () => (await rig.completed()) === WARMUP + N, `${N} completions`);
    return N / ((performance.now() - t0) / 1000);
  } finally {
    await rig.close();
  }
}

const redis = await startRedis();
const admin = new Redis({ host: '127.0.0.1', port: redis.port });
const results = { startedAt: new Date().toISOString(), machine: machine(), n: N, reps: REPS, warmup: WARMUP, runs: {} };
try {
  console.log(
    `redis-server ${results.machine.redis}, ${results.machine.nproc} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}; N=${N}, ${REPS} reps`,
  );
  // One untimed drain per library first: this process's own code (producer, polling) warm.
  for (const lib of LIBS) await drain(admin, lib, 'in-process', 1, redis.port);
  for (let rep = 0; rep < REPS; rep++) {
    for (const concurrency of CONCURRENCY) {
      for (const lib of LIBS) {
        for (const variant of VARIANTS) {
          const key = `${lib} ${variant} c${concurrency}`;
          const jps = await drain(admin, lib, variant, concurrency, redis.port);
          (results.runs[key] ??= []).push(jps);
          console.log(`rep ${rep + 1} ${key.padEnd(24)} ${Math.round(jps).toLocaleString('en-US')} jobs/s`);
        }
      }
    }
  }
  console.log('\nmedians (jobs/s; overhead per job against in-process, same library and concurrency)');
  results.summary = {};
  for (const concurrency of CONCURRENCY) {
    for (const lib of LIBS) {
      const base = results.runs[`${lib} in-process c${concurrency}`];
      for (const variant of VARIANTS) {
        const runs = results.runs[`${lib} ${variant} c${concurrency}`];
        const overheadUs = variant === 'in-process' ? 0 : median(runs.map((jps, r) => (1 / jps - 1 / base[r]) * 1e6));
        const row = { jobsPerSec: median(runs), overheadUsPerJob: overheadUs };
        results.summary[`${lib} ${variant} c${concurrency}`] = row;
        console.log(
          `c${concurrency} ${lib.padEnd(7)} ${variant.padEnd(11)} ${String(Math.round(row.jobsPerSec).toLocaleString('en-US')).padStart(7)} jobs/s` +
            (variant === 'in-process' ? '' : `   +${Math.round(overheadUs)} µs/job`),
        );
      }
    }
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/sandbox.json', import.meta.url), JSON.stringify(results, null, 2));
} finally {
  await admin.quit();
  await redis.stop();
}
