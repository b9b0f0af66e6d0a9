// Process scenario: n pre-filled jobs drained by one worker child with a no-op handler.
import { startWorkerChild } from '../child.mjs';
import { snapshot, diff } from '../counters.mjs';
import { sample } from '../redis-stats.mjs';
import { chunks, now, payload, sleep, waitFor } from '../util.mjs';
import { perJob } from './measure.mjs';

/**
 * Times from the start signal to the n-th completion event seen by the producer (this
 * process), then checks the completed count in Redis and the child's handler count.
 * `execArgv` goes to the child (e.g. --cpu-prof); `windowFile` receives the child's processing
 * window (see worker-child.mjs).
 */
export async function processDrain(ctx, concurrency, { features, execArgv = [], windowFile } = {}) {
  const { stats, adapter, config } = ctx;
  const n = config.n;
  await stats.flushAll();
  const child = await startWorkerChild({ lib: ctx.lib, port: ctx.port, concurrency, features, windowFile }, execArgv);
  let producer;
  try {
    producer = await adapter.createProducer({ port: ctx.port, listen: true, features });
    for (const chunk of chunks(
      Array.from({ length: n }, () => payload()),
      config.bulkChunk,
    )) {
      await producer.addBulk(chunk);
    }
    await waitFor(async () => (await producer.counts()).waiting === n, 30_000, `${n} waiting jobs`, 50);
    let completed = 0;
    let lastAt = 0;
    let allDone;
    const finished = new Promise((r) => (allDone = r));
    producer.onComplete(() => {
      completed++;
      lastAt = now();
      if (completed === n) allDone();
    });
    // Let the prefill's own events and writes settle.
    await sleep(300);
    const parent0 = snapshot();
    const before = await sample(stats);
    const cpu0 = process.cpuUsage();
    const t0 = now();
    child.start();
    const timeout = config.processTimeoutMs;
    let timer;
    await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    const t1 = completed === n ? lastAt : now();
    const cpu = process.cpuUsage(cpu0);
    const after = await sample(stats);
    const parentRequests = diff(parent0, snapshot());
    const report = await child.stop();
    await sleep(100);
    const counts = await producer.counts();
    const seconds = (t1 - t0) / 1000;
    const cost = perJob(n, before, after, report.requests, seconds);
    return {
      ok: completed === n && counts.completed === n && report.handled === n,
      check: `${completed}/${n} completion events, ${counts.completed} completed in Redis, ${report.handled} handled`,
      jobs: n,
      concurrency,
      seconds,
      jobsPerSec: completed / seconds,
      ...cost,
      /** Requests of the producer's completion listener (e.g. BullMQ's XREAD), per job. */
      listenerRequestsPerJob: parentRequests.requests / n,
      /** CPU (user + system) per job of the worker process, start to stop signal. */
      workerCpuUsPerJob: report.cpuUs / n,
      /** CPU per job of this process, which only listens for completion events meanwhile. */
      listenerCpuUsPerJob: (cpu.user + cpu.system) / n,
      detail: { ...cost.detail, listenerRequestsByCommand: parentRequests.byCommand },
    };
  } finally {
    await producer?.close().catch(() => undefined);
    child.kill();
  }
}
