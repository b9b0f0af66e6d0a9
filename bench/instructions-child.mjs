// The workload of bench/instructions.mjs, in its own process: loads Kue from the checkout
// given, warms the scripts up, then on each request from the parent runs one measured phase
// (`save`: N awaited single saves of a 100-byte job; `process`: one concurrency-1 worker
// drains them) and answers when it is over. `queueOptions` are more options for its queues
// (e.g. {"saveRetryWindow":0}). `scraped`: the metrics are scraped once after the warm-up (in
// a checkout that has them), so the measured jobs are counted for Prometheus.
import { pathToFileURL } from 'node:url';

const { checkout, port, jobs, using, queueOptions, scraped } = JSON.parse(process.argv[2]);
// `tracer`, `tracer-failures`: an OpenTelemetry SDK is registered, so saves store their trace
// context and failed first attempts their span (what tracing costs Redis).
if (using.startsWith('tracer')) {
  const { trace } = await import('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
    await import('@opentelemetry/sdk-trace-base');
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  setInterval(() => exporter.reset(), 1_000).unref();
}
const { default: kue } = await import(pathToFileURL(`${checkout}/dist/index.js`).href);
const options = {
  prefix: 'bench-instructions',
  redis: { port },
  maintenance: false,
  jobEvents: false,
  ...queueOptions,
};
const producer = new kue.Queue(options);
const worker = new kue.Queue(options);
for (const queue of [producer, worker]) queue.on('error', (err) => console.error(err.message));
const payload = (i) => ({ i, pad: 'x'.repeat(80) });

/**
 * Processes `count` jobs of `type` with one concurrency-1 worker; resolves when the last is
 * done. With `failing`, each job's one attempt fails (the final failure path).
 */
function drain(type, count, failing = false) {
  let done = 0;
  return new Promise((resolve) =>
    worker.process(type, 1, (_job, cb) => {
      cb(failing ? new Error('measured failure') : undefined);
      if (++done === count) resolve();
    }),
  );
}

// Warm-up: every script the phases use is loaded (and compiled) before anything is counted.
const WARM_UP = 20;
for (let i = 0; i < WARM_UP; i++) await producer.create('warm-up', payload(i)).save();
if (using === 'failures') for (let i = 0; i < WARM_UP; i++) await producer.create('warm-up-failing', payload(i)).save();
await drain('warm-up', WARM_UP);
// The failure path's scripts too: one first run in the measured phase would count its compile.
if (using === 'failures') await drain('warm-up-failing', WARM_UP, true);
if (scraped && producer.metrics) await producer.metrics.text();

// What the measured jobs use: nothing, limits that never hold them back, 100 groups, a unique
// key each (a key claimed, not found held), or nothing but each fails (processing = failing).
if (using === 'limits') {
  await producer.limit('measured', { rate: { max: 1_000_000, duration: 1_000 }, concurrency: 1_000 });
}
const measured = (i) => {
  const job = producer.create('measured', payload(i));
  if (using === 'unique') return job.unique(`key-${i}`);
  return using === 'groups' ? job.group(`tenant-${i % 100}`) : job;
};

const phases = {
  save: async () => {
    for (let i = 0; i < jobs; i++) await measured(i).save();
  },
  process: () => drain('measured', jobs, using.endsWith('failures')),
};

async function run(phase) {
  if (phase === 'stop') {
    await Promise.all([producer.shutdown(2000), worker.shutdown(2000)]);
    process.exit(0);
  }
  await phases[phase]();
  process.send({ done: phase });
}
process.on('message', ({ phase }) => void run(phase));
process.send({ ready: true });
