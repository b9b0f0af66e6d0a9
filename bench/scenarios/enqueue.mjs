// Enqueue scenarios: single saves with a window of requests in flight, and the bulk API.
import { snapshot, diff } from '../counters.mjs';
import { sample } from '../redis-stats.mjs';
import { chunks, now, payload, sleep, windowed } from '../util.mjs';
import { perJob } from './measure.mjs';

async function run(ctx, mode, features) {
  const { stats, adapter, config } = ctx;
  const n = config.n;
  await stats.flushAll();
  const producer = await adapter.createProducer({ port: ctx.port, listen: false, features });
  try {
    // Build every payload first so that JSON building of the bench is not timed.
    const datas = Array.from({ length: n }, () => payload());
    await sleep(50);
    const before = await sample(stats);
    const c0 = snapshot();
    const cpu0 = process.cpuUsage();
    const t0 = now();
    if (mode === 'single') {
      await windowed(n, config.inFlight, (i) => producer.add(datas[i]));
    } else {
      for (const chunk of chunks(datas, config.bulkChunk)) await producer.addBulk(chunk);
    }
    const t1 = now();
    const cpu = process.cpuUsage(cpu0);
    const requests = diff(c0, snapshot());
    // Let pub/sub output buffers drain before reading memory.
    await sleep(200);
    const after = await sample(stats);
    const counts = await producer.counts();
    const seconds = (t1 - t0) / 1000;
    const memory = Number(after.info.fields.used_memory) - Number(before.info.fields.used_memory);
    return {
      ok: counts.waiting === n,
      check: `${counts.waiting}/${n} waiting`,
      jobs: n,
      seconds,
      jobsPerSec: n / seconds,
      memoryPerJob: memory / n,
      /** CPU of the producer process (user + system) per job. */
      producerCpuUsPerJob: (cpu.user + cpu.system) / n,
      ...perJob(n, before, after, requests, seconds),
    };
  } finally {
    await producer.close().catch(() => undefined);
  }
}

/** `n` single `create().save()` / `add()` calls, at most `inFlight` at once. */
export const enqueueSingle = (ctx, features) => run(ctx, 'single', features);

/** `n` jobs through each library's bulk API, `bulkChunk` jobs per call, one call at a time. */
export const enqueueBulk = (ctx, features) => run(ctx, 'bulk', features);
