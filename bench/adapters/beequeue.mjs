// Bee-Queue 2 (devDependency), with its defaults (it talks through node_redis 3).
import BeeQueue from 'bee-queue';

export const label = 'Bee-Queue';
const NAME = 'bench';
export const bulkLabel = 'Queue.saveAll(chunk)';

const redis = (port) => ({ host: '127.0.0.1', port });

export async function createProducer({ port, listen }) {
  const queue = new BeeQueue(NAME, { redis: redis(port), isWorker: false, getEvents: Boolean(listen) });
  queue.on('error', (err) => console.error(`[bee-queue] ${err.message}`));
  await queue.ready();
  return {
    add: (data) => queue.createJob(data).save(),
    addBulk: async (datas) => {
      const errors = await queue.saveAll(datas.map((d) => queue.createJob(d)));
      if (errors.size > 0) throw [...errors.values()][0];
    },
    /** Completion events from every process (Redis pub/sub), with the job's result. */
    onComplete: (fn) => queue.on('job succeeded', (_id, result) => fn(result)),
    counts: async () => {
      const h = await queue.checkHealth();
      return { waiting: h.waiting, completed: h.succeeded };
    },
    close: () => queue.close(5_000),
  };
}

export async function createWorker({ port, concurrency }) {
  const queue = new BeeQueue(NAME, { redis: redis(port), isWorker: true, getEvents: false });
  queue.on('error', (err) => console.error(`[bee-queue worker] ${err.message}`));
  await queue.ready();
  return {
    start(onJob) {
      queue.process(concurrency, async (job) => onJob(job.data));
    },
    close: () => queue.close(5_000),
  };
}
