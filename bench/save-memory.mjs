// `node bench/save-memory.mjs`: what a save leaves in Redis, in bytes per job (INFO
// used_memory before and after N saves, on a private redis-server) and per key (MEMORY USAGE of
// one): plain saves one per call with the default saveRetryWindow (each call records its
// reply), the same with saveRetryWindow 0, saves that each claim a unique key of their own,
// and `saveAll` of 1,000 jobs per call. `--jobs N` (default 10,000). Needs a built dist/.
// See docs/unique-jobs.md and docs/reliability.md.
import { connectStats } from './redis-stats.mjs';

const i = process.argv.indexOf('--jobs');
const JOBS = i >= 0 ? Number(process.argv[i + 1]) : 10_000;
const { ensureRedisServer, startRedis } = await import('../scripts/redis-server.mjs');
if (!ensureRedisServer()) process.exit(1);
const kue = (await import('../dist/index.js')).default;
const payload = (n) => ({ n, pad: 'x'.repeat(80) });

// Its slow log off: Redis would keep the arguments of the slow 1,000-job saves, memory that
// belongs to no key.
const redis = await startRedis({ args: ['--slowlog-log-slower-than', '-1'] });
const stats = await connectStats(redis.port);
const usedMemory = async () => Number((await stats.info()).fields.used_memory);
const cases = [
  ['one job per call (default saveRetryWindow)', {}, (q, n) => q.create('t', payload(n))],
  ['one job per call, saveRetryWindow 0', { saveRetryWindow: 0 }, (q, n) => q.create('t', payload(n))],
  ['one job per call, a unique key each', {}, (q, n) => q.create('t', payload(n)).unique(`sync:${n}`)],
  ['saveAll, 1,000 jobs per call', {}, null],
];
try {
  console.log(`Redis memory per waiting job (${JOBS.toLocaleString('en-US')} jobs, a 100-byte payload)`);
  for (const [name, options, make] of cases) {
    const prefix = `bench-memory-${cases.findIndex((c) => c[0] === name)}`;
    // Each case from an empty keyspace: the key dictionaries' growth is what its jobs cost.
    await stats.flushAll();
    const queue = new kue.Queue({
      prefix,
      redis: { port: redis.port },
      maintenance: false,
      jobEvents: false,
      ...options,
    });
    await queue.create('warm-up', {}).save();
    const before = await usedMemory();
    if (make) for (let n = 0; n < JOBS; n++) await make(queue, n).save();
    else {
      for (let n = 0; n < JOBS; n += 1_000) {
        await queue.saveAll(
          Array.from({ length: Math.min(1_000, JOBS - n) }, (_, k) => queue.create('t', payload(n + k))),
        );
      }
    }
    const perJob = Math.round((await usedMemory()) - before) / JOBS;
    const base = `{${prefix}}`;
    const usage = async (match) => {
      const [, [key]] = await queue.client.scan('0', 'MATCH', `${base}:${match}`, 'COUNT', 100_000);
      return key ? await queue.client.memory('USAGE', key) : '-';
    };
    const job = await queue.client.memory('USAGE', `${base}:job:${JOBS}`);
    console.log(
      `${name.padEnd(45)} ${perJob.toFixed(0).padStart(5)} B/job  (MEMORY USAGE: job hash ${job} B, ` +
        `save record ${await usage('saved:*')} B, unique key ${await usage('unique:*')} B)`,
    );
    await queue.shutdown(1_000);
  }
} finally {
  stats.close();
  await redis.stop();
}
