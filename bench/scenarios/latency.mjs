// Latency scenario: a worker child running, this process adding `rate` jobs/s for
// `seconds` s (after a 1 s warm-up whose jobs are not measured).
//   start      = handler start (in the worker) − add call (in the producer)
//   completion = the producer seeing the completion event − add call
// Both processes read the same clock (performance.timeOrigin + performance.now()).
import { startWorkerChild } from '../child.mjs';
import { snapshot, diff } from '../counters.mjs';
import { sample } from '../redis-stats.mjs';
import { now, payload, percentile, sleep, waitFor } from '../util.mjs';
import { perJob } from './measure.mjs';

const WARMUP_MS = 1_000;

function summary(pairs, from) {
  const values = pairs
    .filter(([t]) => t >= from)
    .map(([, l]) => l)
    .sort((a, b) => a - b);
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.at(-1) ?? null,
  };
}

export async function latency(ctx) {
  const { stats, adapter, config } = ctx;
  const { rate, latencySeconds, latencyConcurrency } = config;
  await stats.flushAll();
  const child = await startWorkerChild({
    lib: ctx.lib,
    port: ctx.port,
    concurrency: latencyConcurrency,
    recordStarts: true,
  });
  let producer;
  try {
    producer = await adapter.createProducer({ port: ctx.port, listen: true });
    const completions = [];
    producer.onComplete((result) => {
      const t = Number(result);
      completions.push([t, now() - t]);
    });
    child.start();
    await sleep(500); // the worker is idle and waiting
    let sent = 0;
    let failed = 0;
    const tStart = now();
    const measureFrom = tStart + WARMUP_MS;
    const end = measureFrom + latencySeconds * 1000;
    let parent0;
    let before;
    let measuredSent = 0;
    for (let t = now(); t < end; t = now()) {
      if (!before && t >= measureFrom) {
        // Stats of the measured window only (taken off the timed path: the next add waits).
        parent0 = snapshot();
        before = await sample(stats);
        measuredSent = sent;
      }
      const due = Math.floor(((t - tStart) * rate) / 1000);
      while (sent < due) {
        sent++;
        Promise.resolve(producer.add(payload(now()))).catch(() => failed++);
      }
      await sleep(1);
    }
    const measuredJobs = sent - measuredSent;
    await waitFor(() => completions.length >= sent, 20_000, `${sent} completions`, 20).catch(() => undefined);
    const after = await sample(stats);
    const parentRequests = diff(parent0, snapshot());
    const report = await child.stop();
    const start = summary(report.starts, measureFrom);
    const completion = summary(completions, measureFrom);
    // Redis-side costs over the measured window; the worker's requests over its whole run
    // (warm-up included), per job it handled.
    const cost = perJob(measuredJobs, before, after, null, latencySeconds);
    const r = report.requests;
    return {
      ok: failed === 0 && completions.length === sent && report.handled === sent,
      check: `${sent} added, ${completions.length} completion events, ${report.handled} handled, ${failed} failed adds`,
      jobs: measuredJobs,
      rate,
      concurrency: latencyConcurrency,
      start,
      completion,
      ...cost,
      requestsPerJob: r.requests / sent,
      pipelinedPerJob: r.pipelined / sent,
      pipelinesPerJob: r.pipelines / sent,
      roundTripsPerJob: (r.requests - r.pipelined + r.pipelines) / sent,
      // Producer requests over the window include its adds (one per job or more).
      producerRequestsPerJob: parentRequests.requests / measuredJobs,
      workerCpuUsPerJob: report.cpuUs / sent,
      detail: {
        ...cost.detail,
        clientRequestsByCommand: r.byCommand,
        producerRequestsByCommand: parentRequests.byCommand,
      },
    };
  } finally {
    await producer?.close().catch(() => undefined);
    child.kill();
  }
}
