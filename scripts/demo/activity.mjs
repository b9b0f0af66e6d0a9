// What the demo knows of its queue: this run's tallies and latest events (from the queue's
// events) and the jobs per state (from Redis). The terminal view shows it.

export const STATES = ['inactive', 'waiting', 'active', 'delayed', 'complete', 'failed'];

/** Where the demo is in its life: set by start-up and teardown, read by everyone else. */
export const run = { stopping: false, queueClosed: false };

/** Stats of this run (the per-state counts come from Redis). */
export const stats = { produced: 0, completed: 0, failed: 0, retried: 0, stalled: 0 };
/** Jobs saved by this run, until they finish: id -> {type, max attempts}. */
export const saved = new Map();
/** Active jobs, from the queue's events: id -> {id, type, pct, since, note}. */
export const active = new Map();
/** The latest events, newest last. */
export const events = [];
/** Jobs per state in Redis, as last read. */
export let counts = Object.fromEntries(STATES.map((s) => [s, 0]));

/** Retry time of a job whose attempt just failed (the 'job delayed' event comes first). */
const retryAt = new Map();

export function note(kind, text) {
  events.push({ at: new Date(), kind, text });
  if (events.length > 50) events.splice(0, events.length - 50);
}

/** Throws once the queue is closed, so a handler that outlived shutdown stops quietly. */
export function stillRunning() {
  if (run.queueClosed) throw new Error('demo stopped');
}

function typeOf(id) {
  return active.get(id)?.type ?? saved.get(id)?.type ?? 'job';
}

/** Follows the queue's events into the tallies above. */
export function listen(queue) {
  queue.on('error', (err) => {
    if (!run.stopping) note('error', `kue error: ${err.message}`);
  });
  queue.on('job start', (id, type) => {
    retryAt.delete(id);
    active.set(id, { id, type, pct: 0, since: Date.now(), note: '' });
  });
  queue.on('job progress', (id, pct, data) => {
    const job = active.get(id);
    if (!job) return;
    job.pct = Number(pct) || 0;
    if (data && typeof data === 'object') {
      job.note = Object.entries(data)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    }
  });
  queue.on('job delayed', (id, due) => retryAt.set(id, Number(due)));
  queue.on('job complete', (id) => {
    const job = active.get(id);
    const took = job ? ` in ${((Date.now() - job.since) / 1000).toFixed(1)} s` : '';
    note('complete', `#${id} ${typeOf(id)} completed${took}`);
    stats.completed++;
    active.delete(id);
    saved.delete(id);
  });
  queue.on('job failed attempt', (id, message, made) => {
    const max = saved.get(id)?.max;
    const due = retryAt.get(id);
    retryAt.delete(id);
    const when = due === undefined ? 'now' : `in ${(Math.max(0, due - Date.now()) / 1000).toFixed(1)} s`;
    note('retry', `#${id} ${typeOf(id)} attempt ${made}${max ? `/${max}` : ''} failed: ${message}; retry ${when}`);
    stats.retried++;
    active.delete(id);
  });
  // A cancelled job ends failed too: 'job cancelled' comes first, with the reason.
  const cancelled = new Set();
  queue.on('job cancelled', (id) => cancelled.add(id));
  queue.on('job failed', (id, message) => {
    const max = saved.get(id)?.max;
    if (cancelled.delete(id)) note('failed', `#${id} ${typeOf(id)} ${message}`);
    else
      note(
        'failed',
        `#${id} ${typeOf(id)} failed${max ? ` after ${max} attempt${max > 1 ? 's' : ''}` : ''}: ${message}`,
      );
    stats.failed++;
    active.delete(id);
    saved.delete(id);
    retryAt.delete(id);
  });
  queue.on('job stalled', (id) => {
    note('retry', `#${id} ${typeOf(id)} stalled (its worker vanished): back in the queue`);
    stats.stalled++;
    active.delete(id);
  });
  // Also the older finished jobs that retention (removeOnComplete / removeOnFail) deletes.
  queue.on('job remove', (id) => {
    active.delete(id);
    saved.delete(id);
  });
}

let refreshing = false;
let lastReconcile = 0;

/** Reads the per-state counts (and, once a second, which jobs really are active). */
export async function refresh(queue) {
  if (refreshing) return;
  refreshing = true;
  try {
    const values = await Promise.all(STATES.map((s) => queue.card(s)));
    counts = Object.fromEntries(STATES.map((s, i) => [s, values[i]]));
    if (Date.now() - lastReconcile > 1_000) {
      lastReconcile = Date.now();
      // Events can be missed (e.g. jobs left active by an earlier run): trust Redis.
      const ids = new Set(await queue.active());
      for (const id of active.keys()) if (!ids.has(id)) active.delete(id);
      for (const id of ids) {
        if (active.has(id)) continue;
        const job = await queue.getJob(id).catch(() => null);
        if (job && job.state() === 'active' && !active.has(id)) {
          active.set(id, { id, type: job.type, pct: job.progress(), since: job.started_at ?? Date.now(), note: '' });
        }
      }
    }
  } catch (err) {
    if (!run.stopping) note('error', `reading counts: ${err.message}`);
  } finally {
    refreshing = false;
  }
}
