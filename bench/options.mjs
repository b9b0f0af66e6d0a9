// Command-line and environment options of `npm run bench`.
export const SCENARIOS = ['ceiling', 'enqueue', 'process', 'latency', 'workers', 'features', 'capabilities'];
export const LIBS = ['kue', 'bullmq', 'beequeue'];

export const USAGE = `npm run bench -- [options]

  --quick               small run: N=5000, 1 repetition, 3 s of latency (< 2 min)   env BENCH_QUICK=1
  --scenarios a,b       any of ${SCENARIOS.join(',')}
                        (default all)                                            env BENCH_SCENARIOS
                        workers: N jobs drained by --workers processes at once;
                        features (Kue only): enqueue and c50 drain, features on/off;
                        capabilities (Kue only): c50 drain plain, with a rate limit,
                        groups, unique keys, a tracer
  --libs a,b            any of ${LIBS.join(',')} (default all)            env BENCH_LIBS
  --reps n              repetitions (default 5; medians are printed)             env BENCH_REPS
  --n n                 jobs per enqueue/process run (default 20000)             env BENCH_N
  --latency-seconds s   measured seconds of the latency run (default 10)
  --rate r              jobs/s of the latency run (default 500)
  --workers w           worker processes of the workers scenario (default 4)
  --worker-concurrency c
                        concurrency of each of them (default 50)
  --profile             only profiling: the Kue worker child under --cpu-prof at
                        concurrency 1 and 50 (and 50 with the features on), and the Kue
                        producer (this process, inspector
                        profiler) during single saves; .cpuprofile files in bench/results/,
                        then their top functions
  --out file            JSON output (default bench/results/latest.json)
  --help`;

function list(value, allowed, what) {
  const items = value
    .split(',')
    .map((s) => s.trim().toLowerCase().replace('bee-queue', 'beequeue'))
    .filter(Boolean);
  for (const i of items)
    if (!allowed.includes(i)) throw new Error(`unknown ${what} "${i}" (known: ${allowed.join(', ')})`);
  return items;
}

export function parseOptions(argv, env) {
  const args = [...argv];
  const flag = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return false;
    args.splice(i, 1);
    return true;
  };
  const value = (name) => {
    const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    const a = args[i];
    if (a.includes('=')) {
      args.splice(i, 1);
      return a.slice(a.indexOf('=') + 1);
    }
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  if (flag('--help') || flag('-h')) return { help: true };
  const quick = flag('--quick') || env.BENCH_QUICK === '1';
  const profile = flag('--profile');
  const o = {
    quick,
    profile,
    scenarios: list(value('--scenarios') ?? env.BENCH_SCENARIOS ?? SCENARIOS.join(','), SCENARIOS, 'scenario'),
    libs: list(value('--libs') ?? env.BENCH_LIBS ?? LIBS.join(','), LIBS, 'library'),
    reps: Number(value('--reps') ?? env.BENCH_REPS ?? (quick ? 1 : 5)),
    n: Number(value('--n') ?? env.BENCH_N ?? (quick ? 5_000 : 20_000)),
    latencySeconds: Number(value('--latency-seconds') ?? (quick ? 3 : 10)),
    rate: Number(value('--rate') ?? 500),
    workers: Number(value('--workers') ?? 4),
    workerConcurrency: Number(value('--worker-concurrency') ?? 50),
    out: value('--out'),
    inFlight: 1_000,
    bulkChunk: 1_000,
    latencyConcurrency: 50,
    processTimeoutMs: 180_000,
    ceiling: { n: quick ? 20_000 : 50_000 },
  };
  if (args.length > 0) throw new Error(`unknown argument ${args[0]}\n\n${USAGE}`);
  for (const k of ['reps', 'n', 'latencySeconds', 'rate', 'workers', 'workerConcurrency']) {
    if (!Number.isInteger(o[k]) || o[k] <= 0) {
      const flagName = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new Error(`--${flagName} must be a positive integer, got ${o[k]}`);
    }
  }
  return o;
}
