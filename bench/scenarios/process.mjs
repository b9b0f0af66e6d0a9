// Process scenarios: n pre-filled jobs drained by worker children with a no-op handler (one
// child in process c1/c50, several in the workers scenario).
import { startWorkerChild } from '../child.mjs';
import { snapshot, diff } from '../counters.mjs';
import { sample } from '../redis-stats.mjs';
import { chunks, now, payload, sleep, waitFor } from '../util.mjs';
import { perJob } from './measure.mjs';

/**
 * Times from the start signal to the n-th completion event seen by the producer (this
 * process), then checks the completed count in Redis and the children's handler counts.
 * `workers` children of `concurrency` each drain the one queue; their requests, CPU and handler
 * counts are summed. `execArgv` goes to the children (e.g. --cpu-prof); `windowFile` receives
 * the child's processing window (see worker-child.mjs; one child only).
 */
export async function processDrain(ctx, concurrency, { features, execArgv = [], windowFile, workers = 1 } = {}) {
  const { stats, adapter, config } = ctx;
  const n = config.n;
  await stats.flushAll();
  const children = [];
  try {
    // Started one by one: each is connected and idle before the next forks, and a failed
    // start still leaves the ones already running in `children` to be killed.
    for (let i = 0; i < workers; i++) {
      const options = { lib: ctx.lib, port: ctx.port, concurrency, features, windowFile };
      children.push(await startWorkerChild(options, execArgv));
    }
  } catch (err) {
    for (const child of children) child.kill();
    throw err;
  }
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
    for (const child of children) child.start();
    const timeout = config.processTimeoutMs;
    let timer;
    await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, timeout)))]);
    clearTimeout(timer);
    const t1 = completed === n ? lastAt : now();
    const cpu = process.cpuUsage(cpu0);
    const after = await sample(stats);
    const parentRequests = diff(parent0, snapshot());
    const reports = await Promise.all(children.map((child) => child.stop()));
    const report = combine(reports);
    await sleep(100);
    const counts = await producer.counts();
    const seconds = (t1 - t0) / 1000;
    const cost = perJob(n, before, after, report.requests, seconds);
    return {
      ok: completed === n && counts.completed === n && report.handled === n,
      check: `${completed}/${n} completion events, ${counts.completed} completed in Redis, ${report.handled} handled${workers > 1 ? ` (${reports.map((r) => r.handled).join(' + ')})` : ''}`,
      jobs: n,
      concurrency,
      workers,
      handledByWorker: reports.map((r) => r.handled),
      seconds,
      jobsPerSec: completed / seconds,
      ...cost,
      /** Requests of the producer's completion listener (e.g. BullMQ's XREAD), per job. */
      listenerRequestsPerJob: parentRequests.requests / n,
      /** CPU (user + system) per job of the worker processes together, start to stop signal. */
      workerCpuUsPerJob: report.cpuUs / n,
      /** CPU per job of this process, which only listens for completion events meanwhile. */
      listenerCpuUsPerJob: (cpu.user + cpu.system) / n,
      /** Spans the worker children exported, when they trace. */
      spans: report.spans,
      detail: { ...cost.detail, listenerRequestsByCommand: parentRequests.byCommand },
    };
  } finally {
    await producer?.close().catch(() => undefined);
    for (const child of children) child.kill();
  }
}

/** The children's reports as one: handled jobs, requests and CPU summed. */
function combine(reports) {
  const requests = { requests: 0, pipelined: 0, pipelines: 0, byCommand: {} };
  for (const { requests: r } of reports) {
    requests.requests += r.requests;
    requests.pipelined += r.pipelined;
    requests.pipelines += r.pipelines;
    for (const [name, count] of Object.entries(r.byCommand))
      requests.byCommand[name] = (requests.byCommand[name] ?? 0) + count;
  }
  return {
    handled: reports.reduce((sum, r) => sum + r.handled, 0),
    cpuUs: reports.reduce((sum, r) => sum + r.cpuUs, 0),
    requests,
    // Only when the children trace (the capabilities scenario's tracer variant).
    spans: reports.some((r) => r.spans != null) ? reports.reduce((sum, r) => sum + (r.spans ?? 0), 0) : undefined,
  };
}
