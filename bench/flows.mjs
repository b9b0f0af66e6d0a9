// `npm run bench:flows`: what saving a flow costs against saving as many plain jobs. On a
// private redis-server (its slow log recording every call), each repetition saves one flow
// of 1 parent + N children with `queue.flow()` and N jobs with `queue.saveAll()` (1,000 per
// script call), each from an empty keyspace, in turns. Per save: the wall clock of the call
// (Job objects are made before the clock starts), Redis CPU (INFO used_cpu_user + sys),
// script calls and commands run (INFO commandstats; commands inside scripts count one each),
// the longest script call (SLOWLOG) and Redis memory per job (INFO used_memory). Prints the
// medians and the ratio flow / saveAll; writes bench/results/flows.json. Needs a built dist/.
// See docs/performance.md.
//
//   node bench/flows.mjs [--n 10000] [--reps 5] [--job-events on|off]
import { mkdirSync, writeFileSync } from 'node:fs';
import { machine } from './machine.mjs';
import { connectStats, redisCost } from './redis-stats.mjs';
import { median } from './util.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const N = Number(option('n', 10_000));
const REPS = Number(option('reps', 5));
const JOB_EVENTS = option('job-events', 'on') === 'on';
/** Bytes of each job's data as JSON. */
const DATA_BYTES = 45;
const VARIANTS = ['flow', 'saveAll'];
const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro']);

const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
const kue = (await import('../dist/index.js')).default;

/** `{"i":<i>,"pad":"xx…"}`, DATA_BYTES bytes of JSON. */
function data(i) {
  const bare = JSON.stringify({ i, pad: '' }).length;
  return { i, pad: 'x'.repeat(Math.max(0, DATA_BYTES - bare)) };
}

/** The longest script call in the slow log (ms), and how many script calls it holds. */
async function longestScript(stats) {
  const entries = await stats.call('SLOWLOG', 'GET', '-1');
  let longest = 0;
  let calls = 0;
  for (const [, , micros, args] of entries) {
    if (!SCRIPT_COMMANDS.has(String(args[0]).toLowerCase())) continue;
    calls++;
    longest = Math.max(longest, micros / 1000);
  }
  return { longestMs: longest, slowlogScriptCalls: calls };
}

/** One timed save from an empty keyspace; returns its figures. */
async function saveOnce(stats, port, variant) {
  await stats.flushAll();
  const queue = new kue.Queue({ prefix: 'bench-flows', redis: { port }, maintenance: false, jobEvents: JOB_EVENTS });
  queue.on('error', (err) => console.error(`[kue] ${err.message}`));
  try {
    // Scripts loaded and the connection up before the clock starts.
    await queue.create('warm-up', {}).save();
    const parent = queue.create('assemble', { parts: N });
    const jobs = Array.from({ length: N }, (_, i) => queue.create('part', data(i)));
    await stats.call('SLOWLOG', 'RESET');
    const before = { info: await stats.info(), at: performance.timeOrigin + performance.now() };
    const t0 = performance.now();
    if (variant === 'flow') await queue.flow(parent, jobs);
    else await queue.saveAll(jobs);
    const wallMs = performance.now() - t0;
    const after = { info: await stats.info(), at: performance.timeOrigin + performance.now() };
    const cost = redisCost(before, after);
    const saved = variant === 'flow' ? N + 1 : N;
    if ((await queue.inactiveCount('part')) !== N) throw new Error(`${variant}: ${N} children were not saved`);
    return {
      wallMs,
      redisCpuMs: cost.cpuSeconds * 1000,
      scriptCalls: cost.commands.scriptCalls,
      commands: cost.commands.total,
      memoryPerJob: cost.usedMemoryDelta / saved,
      ...(await longestScript(stats)),
    };
  } finally {
    await queue.shutdown(5_000);
  }
}

const redis = await startRedis({ args: ['--slowlog-log-slower-than', '0', '--slowlog-max-len', '4096'] });
const stats = await connectStats(redis.port);
const results = {
  startedAt: new Date().toISOString(),
  machine: machine(),
  n: N,
  reps: REPS,
  dataBytes: DATA_BYTES,
  jobEvents: JOB_EVENTS,
  runs: { flow: [], saveAll: [] },
};
try {
  console.log(
    `redis-server ${results.machine.redis}, ${results.machine.nproc} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}; ` +
      `1+${N.toLocaleString('en-US')} flow vs saveAll of ${N.toLocaleString('en-US')}, ${DATA_BYTES} B of data each, job events ${JOB_EVENTS ? 'on' : 'off'}, ${REPS} reps`,
  );
  // One untimed save of each first: this process's code warm.
  for (const variant of VARIANTS) await saveOnce(stats, redis.port, variant);
  for (let rep = 0; rep < REPS; rep++) {
    // Turns alternate which goes first, so a drift in the machine's load hits both alike.
    for (const variant of rep % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      const r = await saveOnce(stats, redis.port, variant);
      results.runs[variant].push(r);
      console.log(
        `rep ${rep + 1} ${variant.padEnd(8)} ${r.wallMs.toFixed(1).padStart(7)} ms wall, ${r.redisCpuMs.toFixed(0).padStart(4)} ms Redis CPU, longest script ${r.longestMs.toFixed(1)} ms`,
      );
    }
  }

  const columns = ['wallMs', 'redisCpuMs', 'longestMs', 'scriptCalls', 'commands', 'memoryPerJob'];
  results.summary = {};
  for (const variant of VARIANTS) {
    results.summary[variant] = Object.fromEntries(
      columns.map((c) => [c, median(results.runs[variant].map((r) => r[c]))]),
    );
  }
  results.summary.ratio = Object.fromEntries(
    columns.map((c) => [c, results.summary.flow[c] / results.summary.saveAll[c]]),
  );

  const rows = [
    ['', 'wall ms', 'Redis CPU ms', 'longest script ms', 'script calls', 'commands', 'memory B/job'],
    ...[...VARIANTS, 'ratio'].map((name) => {
      const s = results.summary[name];
      const label = name === 'flow' ? `flow 1+${N}` : name === 'saveAll' ? `saveAll ${N}` : 'flow / saveAll';
      const fmt = (v, digits) => (name === 'ratio' ? `${v.toFixed(2)}×` : v.toFixed(digits));
      return [
        label,
        fmt(s.wallMs, 1),
        fmt(s.redisCpuMs, 0),
        fmt(s.longestMs, 1),
        fmt(s.scriptCalls, 0),
        fmt(s.commands, 0),
        fmt(s.memoryPerJob, 0),
      ];
    }),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  console.log(`\nmedians of ${REPS}`);
  for (const row of rows)
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd : cell.padStart).call(cell, widths[c])).join('  '));

  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/flows.json', import.meta.url), JSON.stringify(results, null, 2));
} finally {
  stats.close();
  await redis.stop();
}
