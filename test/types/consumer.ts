// What a strict TypeScript (ESM, NodeNext) consumer writes against kue's public API.
// Checked by `tsc -p test/types/tsconfig.json` (see test/process/module-formats.test.ts)
// against the BUILT declarations, dist/index.d.ts; cjs-consumer.cts is its CommonJS twin. Each `@ts-expect-error` line is wrong
// usage the types must reject: if it type-checks, tsc reports the unused directive and the
// test fails. The import is the built ESM entry by relative path (what package.json
// "exports" maps `import 'kue'` to); importing by name would make the root tsconfig, which
// also covers test/, fail with TS2209 (ambiguous project root).
import kue, {
  createQueue,
  Job,
  Queue,
  KueError,
  JobNotFoundError,
  TtlExceededError,
  MigrationRefusedError,
  ErrorCode,
  version,
} from '../../dist/index.js';
import type {
  ChildFailure,
  DoneCallback,
  JobJSON,
  JobState,
  Kue011MigrationReport,
  LimitOptions,
  PriorityName,
  ProcessHandler,
  QueueOptions,
  SandboxedJob,
  SandboxedProcessor,
  SandboxOptions,
  SavedJob,
  ScheduleInfo,
  ScheduleRuleInput,
  TypeLimits,
  UniqueKey,
  UniqueOptions,
  WorkerContext,
} from '../../dist/index.js';

// A queue with its own priority map declares its names (the README's `declare module 'kue'`).
declare module '../../dist/index.js' {
  interface PriorityNames {
    bulk: number;
  }
}

interface Email {
  to: string;
  subject?: string;
}

export async function main(): Promise<void> {
  const options: QueueOptions = { prefix: 'types', redis: { port: 6379, host: '127.0.0.1' }, lockDuration: 5_000 };
  const queue: Queue = createQueue(options);
  const same: Queue = kue(options);
  const independent: Queue = new Queue({ prefix: 'other', redis: 'redis://127.0.0.1:6379' });
  // Kue 0.11 exported the Queue constructor itself.
  const alsoIndependent: Queue = new kue({ prefix: 'another' });
  const lines: string[] = await Job.log(1);
  const v: string = version;
  const prio: number | undefined = kue.priorities['high'];

  // Creating jobs: chainable setters, each returns the job.
  const job: Job<Email> = queue
    .create<Email>('email', { to: 'a@example.com' })
    .priority('high')
    .priority(-5)
    .attempts(3)
    .backoff({ type: 'exponential', delay: 1_000, maxDelay: 60_000 })
    .backoff(true)
    .backoff((attempts, delay) => attempts * delay)
    .delay(500)
    .delay(new Date(Date.now() + 1_000))
    .ttl(10_000)
    .removeOnComplete(true)
    .searchKeys(['to']);
  const saved: SavedJob<Email> = await job.save();
  const id: number = saved.id;
  const to: string = saved.data.to;
  const p: number = saved.priority();
  const made: number = saved.attempts().made;
  const state: JobState | undefined = saved.state();
  const json: JobJSON = saved.toJSON();
  // Kue's callback style still compiles; a callback may annotate its value (present on success).
  queue.create('email', { to: 'b@example.com' }).save((err, j) => {
    if (!err) j.log('saved %d', j.id.toFixed());
  });
  queue.create('email', { to: 'c@example.com' }).save((err) => void err);
  void queue.inactiveCount((err, total: number) => void (err ?? total.toFixed()));
  void queue.failedCount('email', (err, total: number) => void [err, total]);
  void Job.get(1, (err, found: kue.Job) => void [err, found.id]);
  void kue.Job.get('2', 'email', (err, found: SavedJob) => void [err, found.id.toFixed()]);
  void Job.range(0, 9, 'desc', (err, found: kue.Job[]) => void [err, found.length]);
  void Job.log(1, (err, lines: string[]) => void [err, lines.length]);
  void queue.types((err, types: string[]) => void [err, types]);

  // Priorities: numbers, the five names, and names declared by augmenting PriorityNames.
  const level: PriorityName = 'critical';
  const levels: kue.PriorityName[] = ['low', 'normal', 'medium', 'high', 'critical', 'bulk'];
  queue
    .create('email', { to: 'd@example.com' })
    .priority(level)
    .priority('bulk')
    .priority(levels[0] ?? 0);

  // The default import also names the types: kue.Job, kue.Queue, kue.QueueOptions, ...
  const typed: kue.Queue = queue;
  const typedOptions: kue.QueueOptions = options;
  const typedState: kue.JobState = 'delayed';
  const typedJobs: kue.Job<Email>[] = [job, saved];
  const typedJson: kue.JobJSON = saved.toJSON();
  const typedDone: kue.DoneCallback = () => undefined;
  const inferred = await queue.create('sms', { phone: '+1' }).save();
  const phone: string = inferred.data.phone;

  // Processing: (job, done) and (job, ctx, done), with or without a concurrency.
  // Kue's README form, no type argument: job and done get their types from kue.
  queue.process('email', (j, done) => {
    j.log('sending to %s', j.data.to);
    // A handler's job is saved: its id is a number.
    const handled: number = j.id;
    done(null, handled);
  });
  queue.process<Email>('email', (j, done) => {
    const address: string = j.data.to;
    j.progress(1, 2, { step: 'half' });
    done(null, { sentTo: address });
  });
  queue.process<Email>('email', 5, (j, ctx, done) => {
    const workerId: string = ctx.id;
    void ctx.pause(1_000).then(() => ctx.resume());
    const signal: AbortSignal = ctx.signal;
    const same: AbortSignal | undefined = j.signal;
    void [signal.aborted, same];
    done(new Error(`${workerId} failed ${j.data.to}`));
  });
  // Cancellation: job.cancel, Job.cancel (promises and callbacks), the admin's bulk forms.
  const cancelled: boolean = await queue.create('email', { to: 'x@example.com' }).cancel('reason');
  const byId: boolean = await Job.cancel(7, 'wrong file');
  void Job.cancel(8, (err, ok) => void (err ?? ok));
  const outcome: kue.CancelOutcome = await queue.admin.cancelJobs([1, '2'], 'why');
  const many: number = await queue.admin.cancelAll({ state: 'active', type: 'email' });
  void [cancelled, byId, outcome.cancelled, outcome.finished, outcome.missing, many];
  // Flows: one job's place in a flow, its children paged by part; results paged.
  const tree: kue.FlowTree = await queue.admin.flowTree(1, { part: 'failed', limit: 20 });
  const item: kue.FlowTreeItem | undefined = tree.items[0];
  const part: kue.FlowTreePart = tree.part;
  const counts: kue.FlowChildCounts = tree.children;
  const results: kue.ChildResultsPage = await queue.admin.childResults('1', { cursor: tree.next ?? undefined });
  void queue.admin.flowTree(1, {}, (err, t) => void (err ?? t.pendingStates.active));
  void [item?.error, item?.children?.total, part, counts.pending, results.results[0]?.result, tree.flow.parentId];
  const cancelError = new kue.CancelledError(3, 'why');
  void [cancelError.code, cancelError.reason, cancelError.jobId];
  queue.process('email', async (j: Job<Email>) => ({ to: j.data.to }));
  queue.process<Email>('email', 10, async (j) => ({ to: j.data.to }));
  const handler: ProcessHandler<Email> = (j: Job<Email>, ctx: WorkerContext, done: DoneCallback) =>
    done(null, j.data.to + ctx.id);
  queue.process('email', 2, handler);

  // Sandboxed processors: a file (path or URL) instead of a function, options last.
  queue.process('pdf', 4, new URL('./render-pdf.js', import.meta.url), { isolation: 'process', maxMemoryMb: 512 });
  queue.process('pdf', '/srv/processors/render-pdf.js');
  const sandboxOptions: SandboxOptions = { isolation: 'thread', recycleAfterJobs: 100, idleTimeout: 60_000 };
  queue.process('pdf', 2, 'processors/render-pdf.js', sandboxOptions);
  // What the processor file exports.
  const processor: SandboxedProcessor<Email> = async (j: SandboxedJob<Email>, ctx) => {
    ctx.signal.throwIfAborted();
    j.log('rendering for %s', j.data.to).progress(1, 2, { page: 1 });
    const percent: number = j.progress();
    return { id: j.id, percent };
  };
  const doneStyle: SandboxedProcessor = (j, done) => done(null, j.type);
  // A flow's parent reads its children through the parent process.
  const flowParent: SandboxedProcessor = async (j) => {
    const results: Record<string, unknown> = await j.childResults();
    const failures: Record<string, ChildFailure> = await j.childFailures();
    // @ts-expect-error the reads take no callback: they return promises
    void j.childResults(() => undefined);
    return { results, failed: Object.values(failures).map((f) => `${f.code}: ${f.error}`) };
  };
  void [processor, doneStyle, flowParent];

  // Counts and listings.
  const inactive: number = await queue.inactiveCount();
  const active: number = await queue.activeCount('email');
  const complete: number = await queue.completeCount();
  const failed: number = await queue.failedCount('email');
  const delayed: number = await queue.delayedCount();
  const card: number = await queue.card('complete', 'email');
  void queue.completeCount((err, n) => void (err ?? n));
  const ids: number[] = await queue.state('failed');
  const jobs: Job[] = await queue.rangeByType('email', 'complete', 0, 10, 'desc');
  const loaded: Job = await queue.getJob(1);
  const viaStatic: Job = await Job.get('1');
  // Loaded jobs are saved ones: their ids are numbers.
  const loadedIds: number[] = [
    (await queue.getJob(1)).id,
    (await Job.get(2)).id,
    ...(await queue.rangeByState('failed', 0, 9)).map((j) => j.id),
    ...(await Job.rangeByType('email', 'failed', 0, 9)).map((j) => j.id),
    ...(await queue.admin.page('complete', { limit: 10 })).jobs.map((j) => j.id),
    ...(await queue.saveAll([queue.create('email', { to: 'e@example.com' })])).map((j) => j.id),
  ];
  queue.on('job complete', (jobId: number, result: unknown) => void [jobId, result]);
  try {
    await queue.getJob(404);
  } catch (err) {
    if (err instanceof JobNotFoundError && err instanceof KueError) void err.message;
    if (err instanceof TtlExceededError && err.code === ErrorCode.TtlExceeded) void err.message;
  }
  const ttlError: KueError = new kue.TtlExceededError();
  // Moving a Kue 0.11 queue: a promise, or a callback.
  try {
    const report: Kue011MigrationReport = await queue.admin.migrateFromKue011({ from: 'q', dryRun: true });
    const moved: number = report.moved.inactive + report.skippedCount;
    void moved;
  } catch (err) {
    if (err instanceof MigrationRefusedError && err.code === ErrorCode.MigrationRefused) void err.ids[0];
  }
  void queue.admin.migrateFromKue011({ from: '{q}', functionBackoff: 'linear' }, (err, report) => {
    void err;
    void report?.nextId;
  });
  await queue.shutdown(5_000);
  await independent.shutdown();
  await alsoIndependent.shutdown();
  void lines;
  void queue.shutdown(1_000, (err) => void err);

  void [
    ttlError,
    same,
    v,
    prio,
    id,
    to,
    p,
    made,
    state,
    json,
    phone,
    inactive,
    active,
    complete,
    failed,
    delayed,
    card,
    ids,
    jobs,
    loaded,
    viaStatic,
    loadedIds,
    typed,
    typedOptions,
    typedState,
    typedJobs,
    typedJson,
    typedDone,
  ];
}

// Wrong usage the types must reject.
export function wrong(queue: Queue, job: Job<Email>): void {
  // @ts-expect-error the job type is a string
  queue.create(42);
  // @ts-expect-error a priority is a name or a number
  job.priority({});
  // @ts-expect-error not a priority name (nor one declared in PriorityNames)
  job.priority('urgent');
  // @ts-expect-error a job built by create() may not be saved: its id may be undefined
  const unsavedId: number = job.id;
  // @ts-expect-error a count is a number
  void queue.inactiveCount((err, total: string) => void [err, total]);
  // @ts-expect-error Job.get gives a job
  void Job.get(1, (err, found: string) => void [err, found]);
  // @ts-expect-error not a type of kue
  const notAType: kue.Worker = queue;
  void [unsavedId, notAType];
  // @ts-expect-error attempts is a number
  job.attempts('3');
  // @ts-expect-error delay takes ms or a Date
  job.delay('soon');
  // @ts-expect-error ttl takes ms
  job.ttl(true);
  // @ts-expect-error backoff takes true, an object or a function
  job.backoff('fixed');
  // @ts-expect-error concurrency is a number
  queue.process('email', '5', (_j: Job, done: DoneCallback) => done());
  // @ts-expect-error process needs a handler
  queue.process('email');
  // @ts-expect-error isolation is 'thread' or 'process'
  queue.process('pdf', 2, 'render.js', { isolation: 'fork' });
  // @ts-expect-error options follow a processor file, not a handler
  queue.process('email', 2, handler, { isolation: 'thread' });
  // @ts-expect-error the data of a Job<Email> has no such field
  void job.data.from;
  // @ts-expect-error counts resolve to numbers
  void (async (): Promise<string> => queue.completeCount())();
  // @ts-expect-error not a job state
  void queue.card('finished');
  // @ts-expect-error lockDuration is a number of ms
  void createQueue({ lockDuration: '1s' });
  // @ts-expect-error prefix is a string
  void new Queue({ prefix: 1 });
  // @ts-expect-error the migration needs the Kue 0.11 prefix
  void queue.admin.migrateFromKue011({ dryRun: true });
  // @ts-expect-error a rule's every is a number of ms
  void queue.schedule('s', { every: '30s' }, queue.create('ping'));
  // @ts-expect-error missed is 'last', 'skip' or 'all'
  void queue.schedule('s', { every: 1_000, missed: 'some' }, queue.create('ping'));
  // @ts-expect-error a schedule's job is a Job
  void queue.schedule('s', { every: 1_000 }, { type: 'ping' });
}

// Schedules, typed: the rule, the listing, the run's schedule field.
export async function schedules(queue: Queue, job: Job): Promise<void> {
  const info: ScheduleInfo = await queue.schedule(
    'nightly',
    { cron: '0 3 * * *', tz: 'Europe/Berlin', missed: 'all', overlap: 'skip' },
    queue.create('report', {}),
  );
  const next: Date | null = info.next;
  const upcoming: Date[] = info.upcoming;
  const list: ScheduleInfo[] = await queue.schedules();
  const removed: boolean = await queue.unschedule('nightly');
  const paused: boolean = await queue.pauseSchedule('nightly');
  const resumed: boolean = await queue.resumeSchedule('nightly');
  const run: { jobId: number; due: Date } = await queue.runNow('nightly');
  const due: number | undefined = job.schedule?.due;
  const rule: ScheduleRuleInput = { every: 30_000, limit: 3 };
  void queue.schedule('heartbeat', rule, queue.create('ping'), (err: Error | null, value?: ScheduleInfo) => {
    void [err, value];
  });
  void [next, upcoming, list, removed, paused, resumed, run, due];
}

// Limits, typed: options merge (null removes), the listing says how much is in use.
export async function limits(queue: Queue): Promise<void> {
  const options: LimitOptions = { rate: { max: 100, duration: 1_000 }, concurrency: null };
  const after: TypeLimits = await queue.limit('email', options);
  const cleared: TypeLimits = await queue.limit('email', null);
  const list: TypeLimits[] = await queue.limits();
  const heldUntil: Date | null = after.heldUntil;
  const inUse: number = after.active + after.recentStarts;
  // @ts-expect-error a rate is {max, duration}
  void queue.limit('email', { rate: 100 });
  void [cleared, list, heldUntil, inUse];
}

// Unique keys, typed: the builder, its options, the duplicate flag, the JSON field.
export async function unique(queue: Queue): Promise<void> {
  const options: UniqueOptions = { ttl: 3_600_000, replace: false };
  const saved: SavedJob = await queue.create('digest', { user: 7 }).unique('digest:7', options).save();
  const duplicate: boolean | undefined = saved.duplicate;
  const key: UniqueKey | undefined = saved.unique();
  const json: { key: string; ttl?: number } | null = saved.toJSON().unique;
  queue
    .create('sync', { user: 7 })
    .unique('sync:7')
    .save((err, job) => void (err ?? [job.id.toFixed(), job.duplicate]));
  void [duplicate, key, json];
  // @ts-expect-error a unique key is a string
  queue.create('sync').unique(7);
  // @ts-expect-error ttl is a number of milliseconds
  queue.create('sync').unique('k', { ttl: '1h' });
  // @ts-expect-error unique takes ttl and replace only
  queue.create('sync').unique('k', { lock: true });
}
