// The workload of bench/instructions.mjs, in its own process: loads Kue from the checkout
// given, warms the scripts up, then on each request from the parent runs one measured phase
// (`save`: N awaited single saves of a 100-byte job, each with a unique key of its own with
// --unique; `process`: one concurrency-1 worker drains them) and answers when it is over.
// --options gives the queues more options (e.g. '{"saveRetryWindow":0}').
import { pathToFileURL } from 'node:url';

const { checkout, port, jobs, queueOptions, unique } = JSON.parse(process.argv[2]);
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

/** Processes `count` jobs of `type` with one concurrency-1 worker; resolves when the last is done. */
function drain(type, count) {
  let done = 0;
  return new Promise((resolve) =>
    worker.process(type, 1, (_job, cb) => {
      cb();
      if (++done === count) resolve();
    }),
  );
}

// Warm-up: every script the phases use is loaded (and compiled) before anything is counted.
const WARM_UP = 20;
for (let i = 0; i < WARM_UP; i++) await producer.create('warm-up', payload(i)).save();
await drain('warm-up', WARM_UP);

/** A measured job: with `unique`, each holds a key of its own (a key claimed, not found held). */
function measured(i) {
  const job = producer.create('measured', payload(i));
  if (!unique) return job;
  if (typeof job.unique !== 'function') throw new Error(`${checkout} has no job.unique(): --unique cannot measure it`);
  return job.unique(`key-${i}`);
}

const phases = {
  save: async () => {
    for (let i = 0; i < jobs; i++) await measured(i).save();
  },
  process: () => drain('measured', jobs),
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
