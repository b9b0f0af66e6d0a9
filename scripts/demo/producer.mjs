// The demo's producer: a few jobs a second (emails, video conversions, reports, webhooks)
// with mixed priorities, some delayed, with attempts + backoff, some with a ttl; and how
// long each kind stays once finished. Every job has a `title`, Kue's special key: the
// dashboard lists jobs by it and its search finds them by it.
import { note, saved, stats } from './activity.mjs';
import { chance, pick, rand } from './dice.mjs';

const NAMES = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances', 'alan', 'radia'];
const TEMPLATES = ['welcome', 'password-reset', 'invoice', 'weekly-digest'];
const VIDEOS = ['holiday', 'keynote', 'cat', 'tutorial', 'launch'];
const REPORTS = ['daily sales', 'signups', 'churn', 'inventory', 'latency'];
const HOOKS = ['order.created', 'order.paid', 'user.signup', 'invoice.overdue'];

/**
 * The queue-wide retention (createQueue's removeOnComplete / removeOnFail) for jobs that set
 * none: the newest finished jobs of each type stay, for the dashboard to show, and older
 * ones go as newer ones finish, so Redis stays small however long the demo runs.
 */
export const RETENTION = { removeOnComplete: 100, removeOnFail: 50 };
/** A per-job setting, for webhooks: also gone after 10 minutes. */
const WEBHOOK_RETENTION = { age: 10 * 60, count: 100 };

/** Creates one job of a random kind (and, now and then, a burst of newsletter emails). */
function makeJobs(queue) {
  const kind = pick([
    'email',
    'email',
    'email',
    'webhook',
    'webhook',
    'webhook',
    'report',
    'report',
    'video conversion',
    'thumbnail',
  ]);
  if (kind === 'email') {
    if (chance(0.08)) {
      // A newsletter: a burst of low-priority emails fills the inactive list for a moment.
      // Sent newsletters are not worth keeping: each goes as soon as it completes.
      const jobs = [];
      for (let i = 0; i < 6; i++) {
        const name = pick(NAMES);
        jobs.push(
          queue
            .create('email', { title: `newsletter for ${name}`, to: `${name}@example.com`, template: 'newsletter' })
            .priority('low')
            .attempts(3)
            .backoff({ type: 'fixed', delay: 1_000 })
            .removeOnComplete(true),
        );
      }
      return jobs;
    }
    const [name, template] = [pick(NAMES), pick(TEMPLATES)];
    const job = queue
      .create('email', { title: `${template} email for ${name}`, to: `${name}@example.com`, template })
      .priority(pick(['normal', 'normal', 'high', 'low']))
      .attempts(3)
      .backoff({ type: 'fixed', delay: 1_000 });
    if (chance(0.25)) job.delay(rand(1_000, 5_000)); // a reminder, sent a little later
    return [job];
  }
  if (kind === 'webhook') {
    const [event, name] = [pick(HOOKS), pick(NAMES)];
    return [
      queue
        .create('webhook', { title: `${event} to ${name}`, event, url: `https://hooks.example.test/${name}` })
        // Each receiver is a group: one slow or busy receiver never holds the others back.
        .group(name)
        .priority(pick(['high', 'critical', 'normal']))
        .attempts(4)
        .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
        .removeOnComplete(WEBHOOK_RETENTION),
    ];
  }
  if (kind === 'report') {
    const report = pick(REPORTS);
    const job = queue
      .create('report', { title: `${report} report`, report, pages: rand(5, 10) })
      // One of each report at a time: a save while one waits or runs resolves to that job
      // (job.duplicate), and the job panel shows the unique key.
      .unique(`report:${report}`)
      .priority(pick(['low', 'normal', 'normal', 'critical']))
      .attempts(2)
      .backoff({ type: 'fixed', delay: 1_500 })
      .ttl(8_000);
    if (chance(0.4)) job.delay(rand(1_000, 5_000)); // a scheduled report
    return [job];
  }
  if (kind === 'thumbnail') {
    const [width, height] = pick([
      [320, 180],
      [640, 360],
      [1280, 720],
    ]);
    return [
      queue
        .create('thumbnail', { title: `thumbnail ${width}x${height} of ${pick(VIDEOS)}`, width, height })
        .attempts(2)
        .ttl(10_000),
    ];
  }
  const [file, format] = [`${pick(VIDEOS)}.mov`, pick(['mp4', 'webm'])];
  return [
    queue
      .create('video conversion', { title: `converting ${file} to ${format}`, file, format, frames: rand(12, 24) })
      .priority(pick(['normal', 'medium', 'low']))
      .attempts(3)
      .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
      .ttl(30_000),
  ];
}

const pendingSaves = new Set();
let producer;
let canceller;
let publisher;

/**
 * A flow: publishing a video waits for its conversion and three thumbnails (state waiting on
 * the dashboard, its children listed on its page), then runs with their results. A cancelled
 * conversion (see the canceller) fails the publish at once, naming the child.
 */
function publishFlow(queue) {
  const video = pick(VIDEOS);
  const parent = queue.create('publish video', { title: `publish ${video}`, video }).attempts(2);
  const conversion = queue
    .create('video conversion', {
      title: `converting ${video}.mov to mp4 (to publish)`,
      file: `${video}.mov`,
      format: 'mp4',
      frames: rand(12, 24),
    })
    .attempts(3)
    .backoff({ type: 'exponential', delay: 500, maxDelay: 4_000 })
    .ttl(30_000);
  const thumbnails = [
    [320, 180],
    [640, 360],
    [1280, 720],
  ].map(([width, height]) =>
    queue
      .create('thumbnail', { title: `thumbnail ${width}x${height} of ${video} (to publish)`, width, height })
      .attempts(2)
      .ttl(10_000),
  );
  return queue.flow(parent, [conversion, ...thumbnails]);
}

/**
 * The demo's schedules: a heartbeat every 30 s and a nightly report. Declared at every start
 * (an upsert: a restarted demo keeps each schedule's next run, and makes no second one).
 */
export async function declareSchedules(queue) {
  await queue.schedule(
    'heartbeat',
    { every: 30_000 },
    queue.create('heartbeat', { from: 'demo' }).removeOnComplete(20),
  );
  await queue.schedule(
    'nightly-report',
    { cron: '0 3 * * *', tz: 'Europe/Berlin' },
    queue.create('report', { title: 'nightly summary', pages: 6 }).priority('high').attempts(3),
  );
}

/**
 * The demo's limits, kept in Redis and obeyed by every worker: webhooks 5 a second and 2 at
 * once in all, and at most 1 at once per receiver (their group). The Limits page shows them.
 */
export async function declareLimits(queue) {
  await queue.limit('webhook', { rate: { max: 5, duration: 1_000 }, concurrency: 2, group: { concurrency: 1 } });
}

export function startProducer(queue) {
  producer = setInterval(() => {
    for (const job of makeJobs(queue)) {
      const saving = (async () => {
        await job.save();
        if (job.duplicate) return;
        stats.produced++;
        saved.set(job.id, { type: job.type, max: job.attempts().max });
      })().catch((err) => note('error', `save failed: ${err.message}`));
      pendingSaves.add(saving);
      void saving.finally(() => pendingSaves.delete(saving));
    }
  }, 400);
  publisher = setInterval(() => {
    const saving = publishFlow(queue)
      .then((parent) => {
        stats.produced += 5;
        note('flow', `publish ${parent.data.video}: waits for 4 children (#${parent.id})`);
        // job.finished() settles from the event stream when the parent ends, whoever runs it.
        parent.finished().then(
          () => note('flow', `${parent.data.video} published (#${parent.id}, job.finished() resolved)`),
          (err) => note('flow', `${parent.data.video} not published: ${err.message}`),
        );
      })
      .catch((err) => note('error', `flow save failed: ${err.message}`));
    pendingSaves.add(saving);
    void saving.finally(() => pendingSaves.delete(saving));
  }, 15_000);
  // Now and then a user changes their mind about a conversion: job.cancel stops the running
  // handler (its ctx.signal aborts) and the job ends failed, with the reason, not retried.
  canceller = setInterval(() => {
    if (!chance(0.4)) return;
    void queue
      .active('video conversion')
      .then((ids) => ids.length > 0 && queue.getJob(pick(ids)))
      .then((job) => job && job.cancel('the user pressed stop (demo)'))
      .catch(() => undefined);
  }, 10_000);
}

/** Stops producing; resolves once the saves under way have settled. */
export async function stopProducer() {
  clearInterval(producer);
  clearInterval(canceller);
  clearInterval(publisher);
  await Promise.allSettled([...pendingSaves]);
}
