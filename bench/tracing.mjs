// `npm run bench:tracing`: what OpenTelemetry tracing costs the Node side per job. On a
// private redis-server, each mode runs in a fresh process (bench/tracing-child.mjs): N single
// saves, then N jobs processed at concurrency 10, timed with process.cpuUsage (user + system).
// Modes: off (createQueue({ tracing: false })), noop (@opentelemetry/api present, no provider
// registered: spans do not record), simple and batch (an SDK with an InMemorySpanExporter
// behind a SimpleSpanProcessor or a BatchSpanProcessor). Prints the median µs per job of each
// phase over the repetitions, and the difference to off. Needs a built dist/. See docs/tracing.md.
//
//   npm run bench:tracing -- [--n 20000] [--reps 3]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './util.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const N = Number(option('n', 20_000));
const REPS = Number(option('reps', 3));
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(REPS) || REPS < 1)
  throw new Error('--n and --reps must be positive integers');
const MODES = ['off', 'noop', 'simple', 'batch'];
const child = fileURLToPath(new URL('./tracing-child.mjs', import.meta.url));

const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
const redis = await startRedis();
try {
  const runs = Object.fromEntries(MODES.map((m) => [m, []]));
  // Modes in turns, so a slower stretch of a shared machine weighs on all of them.
  for (let rep = 0; rep < REPS; rep++) {
    for (const mode of MODES) {
      const { stdout } = await promisify(execFile)(process.execPath, [child, String(redis.port), mode, String(N)], {
        timeout: 300_000,
      });
      runs[mode].push(JSON.parse(stdout));
    }
  }
  const base = { save: median(runs.off.map((r) => r.save)), run: median(runs.off.map((r) => r.run)) };
  console.log(`Node CPU per job (µs, median of ${REPS}), ${N} jobs: save | process | total | vs off`);
  for (const mode of MODES) {
    const save = median(runs[mode].map((r) => r.save));
    const run = median(runs[mode].map((r) => r.run));
    const more = save + run - base.save - base.run;
    const spans = runs[mode][0].spans;
    console.log(
      `${mode.padEnd(7)} ${save.toFixed(1).padStart(7)} | ${run.toFixed(1).padStart(7)} | ` +
        `${(save + run).toFixed(1).padStart(7)} | ${more >= 0 ? '+' : ''}${more.toFixed(1)} µs` +
        (spans ? ` (${spans} spans exported)` : ''),
    );
  }
} finally {
  await redis.stop();
}
