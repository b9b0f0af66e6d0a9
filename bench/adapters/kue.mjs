// Kue (this repository), used from the built package.
import { registerTracer } from '../tracer.mjs';
import { sleep } from '../util.mjs';

export const label = 'Kue';
const TYPE = 'bench';
const PRIORITY_NAMES = ['low', 'normal', 'medium', 'high', 'critical'];

// The bulk API: `queue.saveAll(jobs)` (one save script per 1000 jobs). Builds of Kue from
// before it existed fall back to Promise.all of single saves (separate EVALSHA requests);
// the label in the report says which one ran. Swapping the bulk call is this one line.
const saveBulk = (queue, jobs) => (queue.saveAll ? queue.saveAll(jobs) : Promise.all(jobs.map((j) => j.save())));
export let bulkLabel = 'queue.saveAll(chunk)';

let kue;
/** Imports dist/ lazily, retrying while another engineer's rebuild has removed it. */
async function loadKue() {
  for (let attempt = 0; !kue; attempt++) {
    try {
      kue = (await import(`../../dist/index.js?attempt=${attempt}`)).default;
    } catch (err) {
      if (attempt >= 60) throw err;
      await sleep(500);
    }
  }
  return kue;
}

function makeQueue(k, port, features) {
  const queue = new k.Queue({
    prefix: 'bench',
    redis: { host: '127.0.0.1', port },
    jobEvents: features?.jobEvents ?? true,
  });
  queue.on('error', (err) => console.error(`[kue] ${err.message}`));
  return queue;
}

/**
 * A producer. `features`, by default Kue's defaults (job-level events on, normal priority, no
 * ttl): of the features scenario {jobEvents, priorities, ttl}; of the capabilities scenario
 * {rateLimit: {max, duration}} (the type's rate limit), {groups: g} (job i in group i mod g),
 * {unique: true} (a unique key per job), {tracer: true} (an OpenTelemetry SDK registered).
 */
export async function createProducer({ port, features }) {
  const tracer = features?.tracer ? registerTracer() : undefined;
  const k = await loadKue();
  const queue = makeQueue(k, port, features);
  if (!queue.saveAll) bulkLabel = 'Promise.all of create().save() per chunk (this build has no saveAll)';
  await queue.inactiveCount(); // the command connection is up
  if (features?.rateLimit) await queue.limit(TYPE, { rate: features.rateLimit });
  let i = 0;
  const build = (data) => {
    const job = queue.create(TYPE, data);
    const n = i++;
    if (features?.priorities) job.priority(PRIORITY_NAMES[n % PRIORITY_NAMES.length]);
    if (features?.ttl) job.ttl(60_000);
    if (features?.groups) job.group(`group-${n % features.groups}`);
    if (features?.unique) job.unique(`job-${n}`);
    return job;
  };
  return {
    add: (data) => build(data).save(),
    addBulk: (datas) => saveBulk(queue, datas.map(build)),
    /** Completion events from every process (Redis pub/sub), with the job's result. */
    onComplete: (fn) => queue.on('job complete', (_id, result) => fn(result)),
    counts: async () => ({ waiting: await queue.inactiveCount(), completed: await queue.completeCount() }),
    close: async () => {
      try {
        await queue.shutdown(5_000);
      } finally {
        await tracer?.unregister();
      }
    },
  };
}

/**
 * A worker of concurrency `concurrency`; `features.progress` reports progress once per job;
 * with `features.tracer`, `spansExported()` flushes and counts the spans of this process.
 */
export async function createWorker({ port, concurrency, features }) {
  const tracer = features?.tracer ? registerTracer() : undefined;
  const k = await loadKue();
  const queue = makeQueue(k, port, features);
  await queue.inactiveCount();
  return {
    start(onJob) {
      queue.process(TYPE, concurrency, async (job) => {
        if (features?.progress) job.progress(1, 1);
        return onJob(job.data);
      });
    },
    close: () => queue.shutdown(5_000),
    spansExported: tracer && (() => tracer.spans()),
  };
}
