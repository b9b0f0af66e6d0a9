import type { JobState } from './keys.js';
import { decodeRetention, encodeRetention, type RetentionOption } from './retention.js';
import type { FlowInfo, OnChildFailure } from './tree-types.js';

/** A job as stored in Redis, decoded. Times are epoch milliseconds from the Redis clock. */
export interface JobRecord {
  id: number;
  type: string;
  data: unknown;
  priority: number;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  promoteAt?: number;
  startedAt?: number;
  failedAt?: number;
  completedAt?: number;
  duration?: number;
  progress: number;
  progressData?: unknown;
  result?: unknown;
  error?: string;
  stack?: string;
  attempts: { made: number; max: number };
  backoff?: { type: string; delay?: number; maxDelay?: number };
  /** The wait before the latest retry (ms), as the backoff computed it. */
  lastBackoff?: number;
  delay: number;
  ttl: number;
  removeOnComplete: RetentionOption;
  removeOnFail: RetentionOption;
  lock?: string;
  /** The worker that last took the job (kept after the attempt ends). */
  workerId?: string;
  stalls: number;
  /** The schedule that made this job, and the due time (epoch ms) it was made for. */
  schedule?: { id: string; due: number };
  /** The job's group: jobs of a type are taken round-robin across groups. */
  group?: string;
  /** The job's unique key, and the ms it was held for after its save when it was saved with a ttl. */
  unique?: { key: string; ttl?: number };
  /** Set when the job was cancelled: the reason ('' for none). */
  cancelled?: string;
  /** Set on the jobs of a flow. */
  flow?: FlowInfo;
  /** The W3C traceparent of the span that saved the job, when a tracer recorded it (field `tp`). */
  traceparent?: string;
  /** The traceparent of the span of the job's first attempt, stored when it failed (field `sp1`). */
  firstAttempt?: string;
}

/** The fields `save.lua` takes for one job, already validated. */
export interface NewJob {
  type: string;
  data: string;
  priority: number;
  delay: number;
  attempts: number;
  backoff?: { type: string; delay?: number; maxDelay?: number };
  ttl: number;
  /** Already resolved against the queue's default; `false` stores nothing. */
  removeOnComplete: RetentionOption;
  removeOnFail: RetentionOption;
  /** Stemmed search words ([] when search is off). */
  words: readonly string[];
  /** The job's group, if any. */
  group?: string;
  /** The job's unique key: held while it waits or runs, or `ttl` ms; `replace` rewrites a pending holder. */
  unique?: { key: string; ttl?: number; replace?: boolean };
  /**
   * The calls this very job was sent in before, as `<call token>.<index>`: a retry of a save
   * that may have been made. The Store appends each call it sends the job in.
   */
  sends?: string[];
  /** The W3C traceparent of the span that saves the job (stored as the job's `tp` field). */
  traceparent?: string;
}

/** One job's values among save.lua's arguments (see its contract). */
export function encodeNewJob(job: NewJob): string[] {
  const values: string[] = [];
  pushNewJob(values, job);
  return values;
}

/** Appends one job's values to a call's arguments: a save of 1,000 jobs makes no array per job. */
function pushNewJob(args: { push(...values: string[]): number }, job: NewJob): void {
  const b = job.backoff;
  args.push(
    job.type,
    job.data,
    String(job.priority),
    String(job.delay),
    String(job.attempts),
    b?.type ?? '',
    b?.delay === undefined ? '' : String(b.delay),
    b?.maxDelay === undefined ? '' : String(b.maxDelay),
    String(job.ttl),
    encodeRetention(job.removeOnComplete),
    encodeRetention(job.removeOnFail),
    job.words.join(' '),
    job.group ?? '',
  );
}

/**
 * What save.lua takes of a job beyond its values, or undefined when it has nothing
 * more (most jobs): its unique key, the earlier sends of a retry and its trace context.
 */
export function encodeJobOptions(job: NewJob): Record<string, unknown> | undefined {
  const { unique, sends, traceparent } = job;
  if (!unique && !sends?.length && traceparent === undefined) return undefined;
  return {
    ...(traceparent !== undefined && { tp: traceparent }),
    ...(unique && { unique: unique.key }),
    ...(unique?.ttl !== undefined && { ttl: unique.ttl }),
    ...(unique?.replace && { replace: true }),
    ...(sends?.length && { sends }),
  };
}

/**
 * save.lua's arguments after the key base (see its contract): the call's token ('' for none)
 * and, with one, the window its record is kept; every job's values; and last, only when some
 * job has options, their JSON by place from 1. What a plain save does not use is not sent.
 */
export function encodeSave(call: string, window: number, jobs: NewJob[]): Array<string | number> {
  const args: Array<string | number> = call ? [call, window] : [call];
  let options: Record<string, unknown> | undefined;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    pushNewJob(args, job);
    const more = encodeJobOptions(job);
    if (more) (options ??= {})[i + 1] = more;
  }
  if (options) args.push(JSON.stringify(options));
  return args;
}

/** JSON written by Kue is parsed; text that is not JSON is kept as a string, never evaluated. */
export function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function num(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The data text, stored in pieces `data`, `data.1`, ... (see data_fields in lua/includes/data.lua). */
function joinData(h: Record<string, string>): string | undefined {
  let text = h.data;
  if (text === undefined) return undefined;
  for (let n = 1; h[`data.${n}`] !== undefined; n++) text += h[`data.${n}`];
  return text;
}

/** A job's place in a flow, from its hash's fields (parent, children, on_child_failure, ...). */
export function flowOf(h: Record<string, string | undefined>): FlowInfo {
  const flow: FlowInfo = {};
  const parentId = num(h.parent);
  const children = num(h.children);
  const failedChild = num(h.failed_child);
  if (parentId !== undefined) flow.parentId = parentId;
  if (children !== undefined) {
    flow.children = children;
    flow.onChildFailure = (h.on_child_failure ?? 'fail') as OnChildFailure;
    flow.cancelChildren = h.cancel_children === '1';
  }
  if (failedChild !== undefined) flow.failedChild = failedChild;
  return flow;
}

type OptionalNumber = 'promoteAt' | 'startedAt' | 'failedAt' | 'completedAt' | 'lastBackoff' | 'duration';

/** Sets an optional number of a record when its field holds one. */
function setNumber(record: JobRecord, name: OptionalNumber, text: string | undefined): void {
  const n = num(text);
  if (n !== undefined) record[name] = n;
}

/** Decodes a job hash (HGETALL as a flat array or an object). */
export function decodeJob(id: number, raw: string[] | Record<string, string>): JobRecord | null {
  const h: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) h[raw[i]!] = raw[i + 1]!;
  } else {
    Object.assign(h, raw);
  }
  if (h.type === undefined) return null;
  const createdAt = num(h.created_at) ?? 0;
  const record: JobRecord = {
    id,
    type: h.type,
    data: parseJson(joinData(h)),
    priority: num(h.priority) ?? 0,
    state: (h.state ?? 'inactive') as JobState,
    createdAt,
    updatedAt: num(h.updated_at) ?? createdAt,
    progress: num(h.progress) ?? 0,
    attempts: { made: num(h.made) ?? 0, max: num(h.attempts) ?? 1 },
    delay: num(h.delay) ?? 0,
    ttl: num(h.ttl) ?? 0,
    removeOnComplete: decodeRetention(h.remove_on_complete),
    removeOnFail: decodeRetention(h.remove_on_fail),
    stalls: num(h.stalls) ?? 0,
  };
  // One call each rather than a loop over a table of them: a worker decodes every job it takes.
  setNumber(record, 'promoteAt', h.promote_at);
  setNumber(record, 'startedAt', h.started_at);
  setNumber(record, 'failedAt', h.failed_at);
  setNumber(record, 'completedAt', h.completed_at);
  setNumber(record, 'lastBackoff', h.backoff_last);
  setNumber(record, 'duration', h.duration);
  if (h.progress_data !== undefined) record.progressData = parseJson(h.progress_data);
  if (h.result !== undefined) record.result = parseJson(h.result);
  if (h.error) record.error = h.error;
  if (h.stack) record.stack = h.stack;
  if (h.lock) record.lock = h.lock;
  if (h.worker_id) record.workerId = h.worker_id;
  if (h.group) record.group = h.group;
  if (h.cancelled !== undefined) record.cancelled = h.cancelled;
  if (h.tp !== undefined) record.traceparent = h.tp;
  if (h.sp1 !== undefined) record.firstAttempt = h.sp1;
  if (h.parent !== undefined || h.children !== undefined) record.flow = flowOf(h);
  if (h.schedule_id !== undefined) record.schedule = { id: h.schedule_id, due: num(h.schedule_due) ?? 0 };
  if (h.unique !== undefined) {
    const ttl = num(h.unique_ttl);
    record.unique = { key: h.unique, ...(ttl !== undefined && { ttl }) };
  }
  if (h.backoff) {
    record.backoff = { type: h.backoff };
    const delay = num(h.backoff_delay);
    const maxDelay = num(h.backoff_max);
    if (delay !== undefined) record.backoff.delay = delay;
    if (maxDelay !== undefined) record.backoff.maxDelay = maxDelay;
  }
  return record;
}
