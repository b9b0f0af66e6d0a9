// `npm run bench`: Kue against BullMQ and Bee-Queue on a private redis-server, through the
// same scenarios, one library after another, several repetitions; prints medians, ratios
// and shares of the redis-benchmark ceiling, and writes bench/results/latest.json.
// `npm run bench -- --help` lists the options. See docs/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { installCounters } from './counters.mjs';
import { distFingerprint, machine } from './machine.mjs';
import { parseOptions, USAGE } from './options.mjs';
import { summaryLines } from './profile-summary.mjs';
import { connectStats } from './redis-stats.mjs';
import { capabilityTable, featureTable, LIB_LABELS, summarize, table } from './report.mjs';
import { CAPABILITIES, capabilityDrain } from './scenarios/capabilities.mjs';
import { ceiling } from './scenarios/ceiling.mjs';
import { enqueueBulk, enqueueSingle } from './scenarios/enqueue.mjs';
import { latency } from './scenarios/latency.mjs';
import { processDrain } from './scenarios/process.mjs';
import { targetLines, targets } from './targets.mjs';

// Count requests of every client created in this process from here on.
installCounters();

const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

let options;
try {
  options = parseOptions(process.argv.slice(2), process.env);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
// Loaded from dist/ (the launcher `kue dev` uses): after --help, which needs no build.
const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
mkdirSync(resultsDir, { recursive: true });

const features = {
  off: { jobEvents: false },
  on: { jobEvents: true, priorities: true, ttl: true, progress: true },
};

/** The runs of one scenario for one library, in the order they run. */
function plan(scenario, lib) {
  switch (scenario) {
    case 'enqueue':
      return [
        ['enqueue-single', (ctx) => enqueueSingle(ctx)],
        ['enqueue-bulk', (ctx) => enqueueBulk(ctx)],
      ];
    case 'process':
      return [
        ['process-c1', (ctx) => processDrain(ctx, 1)],
        ['process-c50', (ctx) => processDrain(ctx, 50)],
      ];
    case 'latency':
      return [['latency', (ctx) => latency(ctx)]];
    case 'workers':
      return [['workers', (ctx) => processDrain(ctx, ctx.config.workerConcurrency, { workers: ctx.config.workers })]];
    case 'features':
      if (lib !== 'kue') return [];
      return [
        ['features-enqueue-off', (ctx) => enqueueSingle(ctx, features.off)],
        ['features-enqueue-on', (ctx) => enqueueSingle(ctx, features.on)],
        ['features-process-off', (ctx) => processDrain(ctx, 50, { features: features.off })],
        ['features-process-on', (ctx) => processDrain(ctx, 50, { features: features.on })],
      ];
    case 'capabilities':
      if (lib !== 'kue') return [];
      return CAPABILITIES.map((variant) => [`capabilities-${variant.name}`, (ctx) => capabilityDrain(ctx, variant)]);
    default:
      return [];
  }
}

function brief(name, r) {
  if (name === 'latency') {
    return `start p50 ${r.start.p50?.toFixed(2)} p99 ${r.start.p99?.toFixed(2)} ms, completion p50 ${r.completion.p50?.toFixed(2)} p99 ${r.completion.p99?.toFixed(2)} ms`;
  }
  const req =
    r.requestsPerJob == null
      ? '?'
      : r.requestsPerJob < 0.1
        ? r.requestsPerJob.toPrecision(2)
        : r.requestsPerJob.toFixed(2);
  const busy = r.workers > 1 ? `, Redis busy ${Math.round(100 * r.redisBusy)}%` : '';
  return `${Math.round(r.jobsPerSec).toLocaleString('en-US')} jobs/s, ${req} req/job, ${r.commandsPerJob.toFixed(1)} cmd/job, ${r.redisCpuUsPerJob.toFixed(1)} µs Redis CPU/job${busy}`;
}

/** Runs fn under the inspector's CPU profiler (100 µs sampling) and writes the profile. */
async function profileInProcess(file, fn) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  }
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const redis = await startRedis();
const stats = await connectStats(redis.port);
const stopAll = async () => {
  stats.close();
  await redis.stop();
};
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

const results = {
  startedAt: new Date().toISOString(),
  machine: machine(),
  options: { ...options, out: undefined },
  dist: { before: distFingerprint() },
  notes: {
    requests:
      'client side: commands written to the socket by the library clients (ioredis sendCommand, node_redis internal_send_command); an EVALSHA is one; each element of a pipeline/MULTI is one (also counted as pipelined)',
    commands:
      'server side: INFO commandstats delta, all commands incl. the EVALSHA and every command run inside scripts; bench INFO/FLUSHALL excluded',
    redisCpu: 'INFO cpu used_cpu_user + used_cpu_sys delta of redis-server over the measured window',
    memory: 'INFO memory used_memory after − before enqueueing N waiting jobs (100-byte JSON payload), per job',
    bulk: {},
  },
  ceiling: null,
  runs: {},
};

try {
  console.log(
    `redis-server ${results.machine.redis} on 127.0.0.1:${redis.port} (no persistence); ${results.machine.nproc} CPUs (${results.machine.cpuModel}), Node ${results.machine.node}`,
  );
  const ctxFor = (lib, adapter) => ({ port: redis.port, stats, lib, adapter, config: options });

  if (options.profile) {
    const adapter = await import('./adapters/kue.mjs');
    // The producer side too: this process, under the inspector's profiler, during single and
    // bulk saves.
    const warm = { ...ctxFor('kue', adapter), config: { ...options, n: Math.min(options.n, 5_000) } };
    for (const [kind, save] of [
      ['enqueue', enqueueSingle],
      ['bulk', enqueueBulk],
    ]) {
      await save(warm);
      const producerFile = `${resultsDir}kue-producer-${kind}.cpuprofile`;
      const e = await profileInProcess(producerFile, () => save(ctxFor('kue', adapter)));
      console.log(
        `[${elapsed()}] profile ${kind} (producer, this process): ${e.ok ? 'ok' : `CHECK FAILED (${e.check})`}, ${brief('enqueue', e)}`,
      );
      console.log(`\n${summaryLines(producerFile).join('\n')}\n`);
    }
    // The features scenario's worker too (progress, ttl, priorities, job events on).
    for (const [c, on] of [
      [1, false],
      [50, false],
      [50, true],
    ]) {
      const name = `kue-worker-c${c}${on ? '-features' : ''}.cpuprofile`;
      const execArgv = [
        '--cpu-prof',
        '--cpu-prof-interval',
        '100',
        '--cpu-prof-dir',
        resultsDir,
        '--cpu-prof-name',
        name,
      ];
      const windowFile = `${resultsDir}${name}.window.json`;
      const r = await processDrain(ctxFor('kue', adapter), c, {
        execArgv,
        windowFile,
        features: on ? features.on : undefined,
      });
      console.log(
        `[${elapsed()}] profile c${c}${on ? ' features on' : ''}: ${r.ok ? 'ok' : `CHECK FAILED (${r.check})`}, ${brief('process', r)}`,
      );
      console.log(`\n${summaryLines(`${resultsDir}${name}`).join('\n')}\n`);
    }
  } else {
    if (options.scenarios.includes('ceiling')) {
      results.ceiling = await ceiling(ctxFor(null, null));
      const c = results.ceiling;
      console.log(
        `[${elapsed()}] ceiling: SET ${Math.round(c.setRps1)} rps (-c 1), ${Math.round(c.setRps50)} rps (-c 50), ${Math.round(c.setRpsPipelined)} rps (-c 50 -P 16); EVAL ${Math.round(c.evalRps50)} rps (-c 50); PING p50 ${c.pingP50Ms} ms`,
      );
    }
    const adapters = {};
    for (const lib of options.libs) adapters[lib] = await import(`./adapters/${lib}.mjs`);
    // Warm the producer side of each library (JIT, connections) once; not recorded.
    if (options.scenarios.some((s) => ['enqueue', 'features'].includes(s))) {
      const n = Math.min(options.n, 5_000);
      for (const lib of options.libs) {
        const ctx = { ...ctxFor(lib, adapters[lib]), config: { ...options, n } };
        await enqueueSingle(ctx);
        await enqueueBulk(ctx);
      }
      console.log(`[${elapsed()}] warm-up done (${n} single + ${n} bulk enqueues per library, not recorded)`);
    }
    for (let rep = 0; rep < options.reps; rep++) {
      // Rotate the order of the libraries each repetition, so none always runs first.
      const libs = options.libs.map((_, i) => options.libs[(i + rep) % options.libs.length]);
      for (const scenario of options.scenarios) {
        for (const lib of libs) {
          for (const [name, runOne] of plan(scenario, lib)) {
            let r;
            try {
              r = await runOne(ctxFor(lib, adapters[lib]));
            } catch (err) {
              r = { ok: false, error: err.message };
            }
            ((results.runs[name] ??= {})[lib] ??= []).push(r);
            const status = r.error
              ? `ERROR ${r.error}`
              : r.ok
                ? brief(name, r)
                : `CHECK FAILED (${r.check}) ${brief(name, r)}`;
            console.log(
              `[${elapsed()}] rep ${rep + 1}/${options.reps} ${name.padEnd(20)} ${LIB_LABELS[lib].padEnd(9)} ${status}`,
            );
          }
        }
      }
    }
    results.dist.after = distFingerprint();
    results.machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
    // Read after the runs: an adapter may learn its bulk method from the library it loaded.
    for (const lib of options.libs) results.notes.bulk[lib] = adapters[lib].bulkLabel;
    results.medians = summarize(results, options.libs);
    results.targets = targets(results.medians, options.libs, options);
    const m = results.machine;
    const lines = [
      '',
      `Medians of ${options.reps} repetition(s), N = ${options.n} jobs, 100-byte payload; ${m.nproc} CPUs ${m.cpuModel}, ${m.memory} RAM, Node ${m.node}, Redis ${m.redis}, ioredis ${m.ioredis}, BullMQ ${m.bullmq}, Bee-Queue ${m.beeQueue}`,
      `Kue at git ${m.gitHead}, dist ${results.dist.before?.sha1 ?? '?'}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end (shared machine: compare ratios within one run)`,
      '',
      ...table(results.medians, results.ceiling, options.libs, options),
      '',
      `* bulk: ${options.libs.map((l) => `${LIB_LABELS[l]} = ${results.notes.bulk[l]}`).join('; ')}`,
      'Requests: client side, one per command written (EVALSHA = 1; pipeline elements count one each). Commands: INFO commandstats, incl. those run inside scripts.',
    ];
    if (options.libs.includes('kue') && options.scenarios.includes('features'))
      lines.push('', ...featureTable(results.medians));
    if (options.libs.includes('kue') && options.scenarios.includes('capabilities'))
      lines.push('', ...capabilityTable(results.medians, options.n));
    if (options.libs.includes('kue'))
      lines.push('', 'Targets (issue 21): Kue / best peer of this run', ...targetLines(results.targets, options));
    const failed = Object.entries(results.runs).flatMap(([name, byLib]) =>
      Object.entries(byLib).flatMap(([lib, runs]) =>
        runs.filter((r) => !r.ok).map((r) => `${name} ${lib}: ${r.error ?? r.check}`),
      ),
    );
    if (failed.length > 0)
      lines.push('', `Runs left out of the medians (check failed): ${failed.length}`, ...failed.map((f) => `  ${f}`));
    if (results.dist.before?.sha1 !== results.dist.after?.sha1)
      lines.push('', 'WARNING: dist/ changed during the run (rebuilt): results mix two builds.');
    console.log(lines.join('\n'));
    const out = options.out ?? `${resultsDir}latest.json`;
    results.finishedAt = new Date().toISOString();
    results.table = lines;
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n[${elapsed()}] results written to ${out}`);
  }
} finally {
  await stopAll();
}
