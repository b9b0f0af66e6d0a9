// `npm run bench:instructions`: what redis-server executes per job, in CPU instructions that
// valgrind's callgrind counts. Unlike throughput, the count hardly moves on a busy machine
// (repeat runs agree within about 0.3 %), so it tells whether a change costs the hot path 2 %:
// the question every capability must answer for users who do not use it.
//
//   npm run bench:instructions -- [--jobs 1000] [--against <checkout>] [--using limits|groups|unique|failures|tracer|tracer-failures]
//     [--options '<json>'] [--scraped] [--hz <n>]
//
// Measures this checkout (and with --against, another built one, e.g. a `git worktree` of the
// base commit after `npm ci && npm run build`) on the same workload: N awaited single saves of
// a 100-byte job, then one concurrency-1 worker processing them. Prints instructions per save
// and per processed job, and the ratios. `--using limits` sets a rate and a concurrency limit
// on the type that never hold a job back; `--using groups` puts the jobs in 100 groups: what
// those capabilities cost when in use; `--using unique` gives each job a unique key of its own;
// `--using tracer` registers an OpenTelemetry SDK in the measuring process (`tracer-failures`:
// and every job fails), for what tracing costs Redis (a checkout without tracing ignores it).
// `--options` adds queue options (JSON) to both checkouts, e.g. '{"saveRetryWindow":0}'.
// `--scraped` scrapes the metrics once before measuring (in a checkout that has them), so the
// scripts that end jobs count for Prometheus: what a scraper costs (docs/metrics.md).
// `--hz 1` runs the measured server's timers (serverCron) once a second instead of ten times:
// callgrind counts them too, and on a loaded machine, where the phases take longer, they move
// the figures by 1 % or more.
// Needs valgrind (Debian: apt-get install valgrind).
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const JOBS = Number(option('jobs', '1000'));
const USING = option('using', 'nothing');
if (!['nothing', 'limits', 'groups', 'unique', 'failures', 'tracer', 'tracer-failures'].includes(USING))
  throw new Error('--using takes limits, groups, unique, failures, tracer or tracer-failures');
const QUEUE_OPTIONS = JSON.parse(option('options', '{}'));
const SCRAPED = process.argv.includes('--scraped');
const HZ = option('hz');
if (HZ !== undefined && !(Number.isInteger(Number(HZ)) && Number(HZ) >= 1 && Number(HZ) <= 500))
  throw new Error('--hz must be a whole number from 1 to 500');
const here = fileURLToPath(new URL('..', import.meta.url));
const checkouts = [here, ...(option('against') ? [resolve(option('against'))] : [])];
if (!Number.isInteger(JOBS) || JOBS < 1) throw new Error('--jobs must be a positive integer');
if (spawnSync('valgrind', ['--version']).error) {
  console.error('valgrind is not installed (Debian/Ubuntu: sudo apt-get install valgrind).');
  process.exit(1);
}
const { freePort, ping } = await import('../scripts/redis-server.mjs');
const childEntry = fileURLToPath(new URL('./instructions-child.mjs', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs callgrind_control on the server; throws when it fails. */
function control(pid, ...args) {
  const run = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`callgrind_control ${args.join(' ')}: ${run.stderr || run.stdout}`);
}

/** The instruction total of a callgrind output file. */
function totalOf(file) {
  const line = /^(?:totals|summary): (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!line) throw new Error(`${file}: no totals line`);
  return Number(line[1]);
}

/** Instructions per save and per processed job for one checkout, on its own redis-server. */
async function measure(checkout) {
  const dir = mkdtempSync(join(tmpdir(), 'kue-instructions-'));
  const out = join(dir, 'callgrind.out');
  const port = await freePort();
  const server = spawn(
    'valgrind',
    ['--tool=callgrind', `--callgrind-out-file=${out}`, 'redis-server', '--port', String(port)].concat([
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...(HZ === undefined ? [] : ['--hz', HZ]),
    ]),
    { stdio: 'ignore' },
  );
  try {
    for (let i = 0; !(await ping(port)); i++) {
      if (i > 300) throw new Error('redis-server under valgrind did not answer within 30 s');
      await sleep(100);
    }
    const child = fork(childEntry, [
      JSON.stringify({ checkout, port, jobs: JOBS, using: USING, queueOptions: QUEUE_OPTIONS, scraped: SCRAPED }),
    ]);
    const reply = (key) => new Promise((ok) => child.on('message', (m) => m[key] && ok(m)));
    await reply('ready');
    const perJob = {};
    for (const [n, phase] of ['save', 'process'].entries()) {
      control(server.pid, '-z');
      child.send({ phase });
      await reply('done');
      control(server.pid, '-d');
      perJob[phase] = totalOf(`${out}.${n + 1}`) / JOBS;
    }
    child.send({ phase: 'stop' });
    await new Promise((ok) => child.on('exit', ok));
    return perJob;
  } finally {
    server.kill('SIGTERM');
    await new Promise((ok) => server.on('exit', ok));
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const checkout of checkouts) results.push({ checkout, ...(await measure(checkout)) });
const format = (n) => Math.round(n).toLocaleString('en-US').padStart(10);
console.log(
  `Redis instructions per job (${JOBS} jobs using ${USING}${SCRAPED ? ', scraped' : ''}${HZ ? `, hz ${HZ}` : ''}, callgrind)`,
);
console.log(`${'checkout'.padEnd(12)} ${'save'.padStart(10)} ${'process'.padStart(10)}`);
for (const [i, r] of results.entries())
  console.log(`${(i === 0 ? 'this' : 'against').padEnd(12)} ${format(r.save)} ${format(r.process)}`);
if (results.length === 2) {
  const [mine, theirs] = results;
  const ratio = (key) => ((mine[key] / theirs[key] - 1) * 100).toFixed(1).padStart(9) + '%';
  console.log(`${'change'.padEnd(12)} ${ratio('save')} ${ratio('process')}`);
}
