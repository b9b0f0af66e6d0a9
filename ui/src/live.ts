// Live updates pushed by the server (server-sent events fed by the queue's own events):
// state counts, per-type counts and job events. The server batches them every 250 ms; the
// stream is closed while the tab is hidden, so a hidden tab costs nothing.
import { api, type Counts, type JobState, type TypeSummary } from './api';
import { createStore, throttle } from './store';

export type LiveStatus = 'connecting' | 'live' | 'lost' | 'hidden';

/** One job event: Kue's name ('progress', 'complete', ...), the job id, its type, its arguments and stream entry. */
export interface JobEvent {
  event: string;
  id: number;
  type?: string;
  args: unknown[];
  entry?: string;
}

export const liveStatus = createStore<LiveStatus>('connecting');
/** Overall counts per state; null until first known. */
export const countsStore = createStore<Counts | null>(null);
/** Every type with its counts and paused flag; null until first known. */
export const typesStore = createStore<TypeSummary[] | null>(null);
/** Bumped when events were dropped or the stream came back: views reload what they show. */
export const resyncStore = createStore(0);
/** Set when the server says Redis is unreachable. */
export const redisDown = createStore(false);

/** What the live job events say about jobs, by id: their latest state and progress. */
export interface JobPatch {
  state?: JobState | 'removed';
  progress?: number;
}
const patches = new Map<string, JobPatch>();
/** Bumped whenever `patches` changes, for the rows to re-read it. */
export const patchVersion = createStore(0);
export const patchOf = (id: string): JobPatch | undefined => patches.get(id);
/** Most patches remembered; older ones are dropped first. */
const MAX_PATCHES = 20_000;

const STATE_OF_EVENT: Record<string, JobState | 'removed'> = {
  enqueue: 'inactive',
  promotion: 'inactive',
  start: 'active',
  delayed: 'delayed',
  waiting: 'waiting',
  failed: 'failed',
  complete: 'complete',
  remove: 'removed',
};

const jobListeners = new Set<(events: JobEvent[]) => void>();
/** Calls `listener` with each batch of job events; returns the unsubscribe function. */
export function onJobEvents(listener: (events: JobEvent[]) => void): () => void {
  jobListeners.add(listener);
  return () => jobListeners.delete(listener);
}

function applyEvents(events: JobEvent[]): void {
  let typesChanged = false;
  for (const e of events) {
    if (e.event === 'paused' || e.event === 'resumed') {
      typesChanged = true;
      continue;
    }
    const id = String(e.id);
    const patch = { ...patches.get(id) };
    const state = STATE_OF_EVENT[e.event];
    if (state) patch.state = state;
    if (e.event === 'progress') patch.progress = Number(e.args[0]);
    if (e.event === 'complete') patch.progress = 100;
    patches.delete(id);
    patches.set(id, patch);
  }
  while (patches.size > MAX_PATCHES) patches.delete(patches.keys().next().value!);
  patchVersion.update((v) => v + 1);
  if (typesChanged) refreshTypes();
  for (const listener of [...jobListeners]) listener(events);
}

/** Re-reads the per-type counts, at most once a second. */
export const refreshTypes = throttle(() => {
  api.types().then(
    (types) => typesStore.set(types),
    () => undefined,
  );
}, 1_000);

/** Re-reads the overall counts now (after an action, say) rather than at the next event. */
export function refreshCounts(): void {
  api.stats().then(
    (counts) => countsStore.set(counts),
    () => undefined,
  );
  refreshTypes();
}

const countsDiffer = (a: Counts, b: Counts) =>
  a.inactive !== b.inactive ||
  a.active !== b.active ||
  a.delayed !== b.delayed ||
  a.waiting !== b.waiting ||
  a.failed !== b.failed ||
  a.complete !== b.complete;

let source: EventSource | undefined;
/** Whether a stream was ever open: later openings are reconnections. */
let connected = false;

function open(): void {
  source?.close();
  liveStatus.set('connecting');
  const es = new EventSource('api/events');
  source = es;
  es.addEventListener('open', () => {
    if (source !== es) return;
    liveStatus.set('live');
    // Whatever happened while the stream was down (or the tab hidden) is unknown: read it
    // again. The first connection follows the first reads, which are fresh.
    if (connected) {
      refreshCounts();
      resyncStore.update((n) => n + 1);
    }
    connected = true;
  });
  es.addEventListener('counts', (e) => {
    const counts = JSON.parse((e as MessageEvent<string>).data) as Counts;
    redisDown.set(false);
    const previous = countsStore.get();
    if (!previous || countsDiffer(previous, counts)) {
      countsStore.set(counts);
      refreshTypes();
    }
  });
  es.addEventListener('jobs', (e) => applyEvents(JSON.parse((e as MessageEvent<string>).data) as JobEvent[]));
  es.addEventListener('overflow', () => {
    patches.clear();
    refreshCounts();
    resyncStore.update((n) => n + 1);
  });
  es.addEventListener('error', (e) => {
    if (source !== es) return;
    // A message named 'error' is the server saying Redis is down; a plain event is the
    // connection itself failing (the browser retries on its own).
    if (e instanceof MessageEvent) redisDown.set(true);
    else liveStatus.set('lost');
  });
}

function close(): void {
  source?.close();
  source = undefined;
}

/** Reconnects now (the "retry" of the lost-connection banner). */
export function reconnect(): void {
  if (!document.hidden) open();
}

let retryTimer: ReturnType<typeof setInterval> | undefined;

/** Starts live updates: open while the tab is visible, closed while it is hidden. */
export function startLive(): void {
  refreshCounts();
  if (!document.hidden) open();
  else liveStatus.set('hidden');
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      close();
      liveStatus.set('hidden');
    } else {
      open();
    }
  });
  // The browser stops retrying after some failures (an HTTP error answer): keep trying.
  // And a few changes publish no event (a job moved to complete or failed by hand): the
  // counts are read again now and then, while the tab is visible.
  let ticks = 0;
  retryTimer ??= setInterval(() => {
    if (document.hidden) return;
    if (source && source.readyState === EventSource.CLOSED) open();
    if (++ticks % 3 === 0 && liveStatus.get() === 'live') refreshCounts();
  }, 5_000);
}
