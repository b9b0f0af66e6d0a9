// BullMQ (current major, devDependency), with its defaults.
import { Queue, QueueEvents, Worker } from 'bullmq';

export const label = 'BullMQ';
const NAME = 'bench';
export const bulkLabel = 'Queue.addBulk(chunk)';

const connection = (port) => ({ host: '127.0.0.1', port });

export async function createProducer({ port, listen }) {
  const queue = new Queue(NAME, { connection: connection(port) });
  queue.on('error', (err) => console.error(`[bullmq] ${err.message}`));
  await queue.waitUntilReady();
  let events;
  const listeners = [];
  // Completion events come from the events stream through QueueEvents (one more connection,
  // blocking XREAD); created only when the scenario listens for completions.
  if (listen) {
    events = new QueueEvents(NAME, { connection: connection(port) });
    events.on('error', (err) => console.error(`[bullmq events] ${err.message}`));
    events.on('completed', ({ returnvalue }) => {
      for (const fn of listeners) fn(returnvalue);
    });
    await events.waitUntilReady();
  }
  return {
    add: (data) => queue.add('job', data),
    addBulk: (datas) => queue.addBulk(datas.map((data) => ({ name: 'job', data }))),
    onComplete: (fn) => listeners.push(fn),
    counts: async () => {
      const c = await queue.getJobCounts('waiting', 'completed');
      return { waiting: c.waiting, completed: c.completed };
    },
    close: async () => {
      await events?.close();
      await queue.close();
    },
  };
}

export async function createWorker({ port, concurrency }) {
  let onJob = () => undefined;
  const worker = new Worker(NAME, async (job) => onJob(job.data), {
    connection: connection(port),
    concurrency,
    autorun: false,
  });
  worker.on('error', (err) => console.error(`[bullmq worker] ${err.message}`));
  await worker.waitUntilReady();
  return {
    start(fn) {
      onJob = fn;
      worker.run().catch((err) => console.error(`[bullmq worker] ${err.message}`));
    },
    close: () => worker.close(),
  };
}
