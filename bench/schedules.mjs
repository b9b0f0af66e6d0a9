// `node bench/schedules.mjs`: how many schedules one Redis sustains. N schedules (default
// 10,000) due every `--every` ms (default 10 s) on a private redis-server, fired by P processes
// of the queue (default 2, maintenance only, no workers). Measures, over `--seconds` after a
// warm-up cycle: the start lag of each run (its job's created_at minus its due time, both
// Redis server times), Redis CPU (INFO used_cpu_user + used_cpu_sys) and the processes' CPU;
// and checks every due time got exactly one job. `--spread`: due times spread evenly over the
// period instead of all at the same instant (the default, the worst case). See
// docs/schedules.md.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectStats, cpuSeconds } from './redis-stats.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const N = option('schedules', 10_000);
const EVERY = option('every', 10_000);
const SECONDS = option('seconds', 60);
const PROCESSES = option('processes', 2);
const SPREAD = process.argv.includes('--spread');

const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
const kue = (await import('../dist/index.js')).default;
const childEntry = fileURLToPath(new URL('./schedule-child.mjs', import.meta.url));

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startChild(port, prefix) {
  const child = fork(childEntry, [JSON.stringify({ port, prefix })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type) => new Promise((resolve) => child.on('message', (m) => m.type === type && resolve(m)));
  return { ready: next('ready'), stop: () => (child.send({ type: 'stop' }), next('stopped')) };
}

const redis = await startRedis();
const stats = await connectStats(redis.port);
const prefix = 'bench-schedules';
try {
  // Declared by a queue without maintenance: only the child processes fire.
  const producer = new kue.Queue({ prefix, redis: { port: redis.port, host: '127.0.0.1' }, maintenance: false });
  const memoryBefore = Number((await stats.info()).fields.used_memory);
  const declaredAt = Date.now();
  // All due at the same instants (a multiple of the period, after the declarations), or spread.
  const first = Math.ceil((declaredAt + 20_000) / EVERY) * EVERY;
  for (let i = 0; i < N; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, N - i) }, (_, k) => {
        const n = i + k;
        const startAt = SPREAD ? first + Math.floor((n * EVERY) / N) : first;
        return producer.schedule(`s${n}`, { every: EVERY, startAt }, producer.create('tick', { n }));
      }),
    );
  }
  // The schedules' own keys (used_memory also counts the client buffers, a few KB).
  const bytesPerSchedule = Math.round((Number((await stats.info()).fields.used_memory) - memoryBefore) / N);
  console.log(
    `${N} schedules declared in ${((Date.now() - declaredAt) / 1000).toFixed(1)} s; first due ${new Date(first).toISOString()}`,
  );
  const children = Array.from({ length: PROCESSES }, () => startChild(redis.port, prefix));
  await Promise.all(children.map((c) => c.ready));

  // Warm-up: the first cycle, then measure whole periods.
  await sleep(first + EVERY - Date.now() - 200);
  const from = first + EVERY;
  const until = from + Math.ceil((SECONDS * 1000) / EVERY) * EVERY;
  const before = await stats.info();
  const t0 = Date.now();
  await sleep(until - Date.now());
  const after = await stats.info();
  const wall = (Date.now() - t0) / 1000;
  // The runs of the window's last due times are made just after it: wait for them.
  await sleep(2_000);
  const cpu = await Promise.all(children.map((c) => c.stop()));

  // Every job: its schedule, due time and creation time.
  const client = producer.client;
  const last = Number(await client.get(`{${prefix}}:ids`));
  const lags = [];
  const perDue = new Map();
  for (let id = 1; id <= last; id += 5_000) {
    const pipeline = client.pipeline();
    for (let j = id; j < Math.min(id + 5_000, last + 1); j++) {
      pipeline.hmget(`{${prefix}}:job:${j}`, 'schedule_id', 'schedule_due', 'created_at');
    }
    for (const [, [schedule, due, created]] of await pipeline.exec()) {
      const key = `${schedule} ${due}`;
      perDue.set(key, (perDue.get(key) ?? 0) + 1);
      if (Number(due) >= from && Number(due) < until) lags.push(Number(created) - Number(due));
    }
  }
  await producer.shutdown(1_000);
  lags.sort((a, b) => a - b);
  const periods = (until - from) / EVERY;
  const twice = [...perDue.values()].filter((n) => n > 1).length;
  const redisCpu = cpuSeconds(after) - cpuSeconds(before);
  console.log(
    JSON.stringify(
      {
        schedules: N,
        everyMs: EVERY,
        dueTimes: SPREAD ? 'spread over the period' : 'all at the same instant',
        processes: PROCESSES,
        redisBytesPerSchedule: bytesPerSchedule,
        measuredSeconds: Number(wall.toFixed(1)),
        runs: lags.length,
        expectedRuns: N * periods,
        dueTimesWithTwoJobs: twice,
        startLagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) },
        redisCpuPercentOfOneCore: Number(((redisCpu / wall) * 100).toFixed(1)),
        processCpuSecondsEachWholeRun: cpu.map((c) => Number(c.cpuSeconds.toFixed(1))),
      },
      null,
      2,
    ),
  );
} finally {
  stats.close();
  await redis.stop();
}
