// What a strict TypeScript CommonJS consumer writes: `import kue = require('kue')` gives the
// callable module, and every public type under the same name (`kue.Job`, `kue.Queue`, ...).
// Checked like consumer.ts (`tsc -p test/types/tsconfig.json`: a .cts file is CommonJS under
// NodeNext) against the BUILT CommonJS declarations, dist/index.d.cts, and again by
// test/process/module-formats.test.ts as a `module: commonjs` project that requires 'kue' by
// name (classic node10 resolution, which reads package.json "types"). Each `@ts-expect-error`
// line is wrong usage the types must reject.
import kue = require('../../dist/index.cjs');

interface Email {
  to: string;
}

/** A CommonJS program's own functions, typed with kue's names. */
function countAll(queue: kue.Queue, states: kue.JobState[], done: kue.Callback<number[]>): void {
  Promise.all(states.map((state) => queue.card(state))).then(
    (counts) => done(null, counts),
    (err: Error) => done(err, []),
  );
}

function describeJobs(jobs: kue.Job[]): kue.JobJSON[] {
  return jobs.map((job) => job.toJSON());
}

export async function main(): Promise<void> {
  const options: kue.QueueOptions = { prefix: 'cjs', redis: { port: 6379 }, priorities: { low: 1, high: -1 } };
  const queue: kue.Queue = kue.createQueue(options);
  const same: kue.Queue = kue(options);
  const independent: kue.Queue = new kue.Queue({ prefix: 'other' });
  const alsoIndependent: kue.Queue = new kue({ prefix: 'another' });

  // Creating and saving: the saved job's id is a number.
  const level: kue.PriorityName = 'high';
  const job: kue.Job<Email> = queue.create<Email>('email', { to: 'a@example.com' }).priority(level).attempts(3);
  const saved: kue.SavedJob<Email> = await job.save();
  const id: number = saved.id;
  queue.create('email', { to: 'b@example.com' }).save((err) => void err);
  queue.create('email', { to: 'c@example.com' }).save((err, j) => void (err ?? j.id.toFixed()));
  const uniqueOptions: kue.UniqueOptions = { ttl: 60_000, replace: true };
  const dup: kue.SavedJob<Email> = await queue
    .create<Email>('email', { to: 'd@example.com' })
    .unique('d', uniqueOptions)
    .save();
  const held: kue.UniqueKey | undefined = dup.unique();
  void [dup.duplicate, held];

  // Node-style callbacks: the value is typed as present.
  queue.inactiveCount((err, total: number) => void (err ?? total.toFixed()));
  void kue.Job.get(id, (err, found: kue.Job) => void [err, found.type]);
  void kue.Job.rangeByState('failed', 0, 9, 'asc', (err, found: kue.SavedJob[]) => void [err, found]);
  countAll(queue, ['inactive', 'failed'], (err, counts: number[]) => void [err, counts]);

  // Processing: handlers get saved jobs; done and ctx are typed.
  const handler: kue.ProcessHandler<Email> = (j, ctx: kue.WorkerContext, done: kue.DoneCallback) =>
    done(null, `${j.id}: ${j.data.to} by ${ctx.id}`);
  queue.process<Email>('email', 2, handler);
  queue.process('email', (j: kue.SavedJob, done) => done(null, j.id));
  const sandbox: kue.SandboxOptions = { isolation: 'process', execArgv: [] };
  queue.process('pdf', 2, `${__dirname}/render-pdf.js`, sandbox);
  const processor: kue.SandboxedProcessor<Email> = async (j) => j.data;
  void processor;

  // Errors: classes as values and as types.
  try {
    await queue.getJob(404);
  } catch (err) {
    const known: kue.KueError | undefined = err instanceof kue.KueError ? err : undefined;
    const code: kue.ErrorCode | undefined = known?.code;
    if (err instanceof kue.JobNotFoundError) void [err.jobId, code];
  }
  const loaded: kue.SavedJob[] = await queue.rangeByType('email', 'complete', 0, 10, 'desc');
  const json: kue.JobJSON[] = describeJobs(loaded);
  const admin: kue.QueueAdmin = queue.admin;
  const report: kue.CheckReport = await admin.check();
  const app: kue.KueApp = kue.createApp({ queue, readOnly: true });
  const backoff: kue.BackoffOption = { type: 'exponential', delay: 1_000 };
  const retention: kue.RetentionOption = { age: 3_600, count: 100 };
  queue.on('event', (e: kue.JobEvent) => void e.id);
  await Promise.all([queue.shutdown(1_000), independent.shutdown(), alsoIndependent.shutdown()]);
  void [same, json, report, app, backoff, retention, kue.version, kue.priorities];
}

// Wrong usage the types must reject.
export function wrong(queue: kue.Queue, job: kue.Job<Email>): void {
  // @ts-expect-error not a priority name
  job.priority('urgent');
  // @ts-expect-error attempts is a number
  job.attempts('5');
  // @ts-expect-error delay takes ms or a Date
  job.delay('soon');
  // @ts-expect-error a job built by create() may not be saved: its id may be undefined
  const id: number = job.id;
  // @ts-expect-error a count is a number
  queue.inactiveCount((err, total: string) => void [err, total]);
  // @ts-expect-error not a job state
  const state: kue.JobState = 'finished';
  // @ts-expect-error not a type of kue
  const worker: kue.Worker = queue;
  // @ts-expect-error prefix is a string
  kue.createQueue({ prefix: 1 });
  void [id, state, worker];
}
