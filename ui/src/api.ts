// The dashboard's only door to the server. Every URL is relative to the page, which is
// always one segment below the mount path, so the app works wherever it is mounted.

// The server's JSON shapes come from the package's own public types (erased at build time).
import type {
  AttemptError,
  ChildResultsPage,
  FlowChildCounts,
  FlowTree,
  FlowTreeItem,
  FlowTreePart,
  GroupInfo,
  JobJSON,
  LimitOptions,
  MinuteStats,
  RateLimit,
  ScheduleInfo,
  TypeLimits,
} from '../../src/index.js';

/** The most groups the server lists for a type (`queue.groups`): the largest ones. */
export const GROUPS_LISTED_AT_MOST = 1_000;

export const STATES = ['inactive', 'active', 'delayed', 'waiting', 'failed', 'complete'] as const;
export type JobState = (typeof STATES)[number];
export type Order = 'asc' | 'desc';
export type Counts = Record<JobState, number>;

/** Kue's job JSON, as the server defines it (times are strings of epoch ms, absent ones null). */
export type Job = Omit<JobJSON, 'state'> & { state: JobState };

/** One failed attempt, as the server keeps it. */
export type { AttemptError };

export interface JobDetail extends Job {
  log: string[];
  errors: AttemptError[];
}

export interface TypeSummary {
  type: string;
  paused: boolean;
  counts: Counts;
}

export type { MinuteStats };

export type BulkAction = 'retry' | 'promote' | 'remove' | 'cancel';

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
/** A schedule as the JSON API sends it: times as ISO text. */
export type Schedule = Omit<Json<ScheduleInfo>, 'upcoming' | 'last'> & {
  upcoming: string[];
  last: { jobId: number; due: string; state: JobState | null } | null;
};

/** A job type's limits and their use, as the JSON API sends them: `heldUntil` as ISO text. */
export type Limits = Json<TypeLimits>;
export type { RateLimit };
/**
 * A change of limits as the form sends it: `queue.limit`'s options, where a rate may lack a
 * part, so that the server's message names what is missing.
 */
export type LimitsChange = Omit<LimitOptions, 'rate'> & { rate?: Partial<RateLimit> | null };

/** A group of a job type: its inactive (`waiting`) and active jobs, and whether it is paused. */
export type { GroupInfo };

/** A job's place in a flow and a page of its children (GET api/job/:id/flow). */
export type { ChildResultsPage, FlowChildCounts, FlowTree, FlowTreeItem, FlowTreePart };

/** An error the server answered (its own message), or a network failure. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      signal,
      cache: 'no-store',
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('', 0);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = (json as { error?: unknown } | undefined)?.error;
    throw new ApiError(typeof message === 'string' ? message : `HTTP ${res.status}`, res.status);
  }
  return json as T;
}

const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
};

const enc = encodeURIComponent;

/** A job event as the event stream holds it: `entry` is its stream entry ('<ms>-<seq>'). */
export interface StreamEvent {
  event: string;
  id: number;
  type: string;
  args: unknown[];
  entry?: string;
}

export const api = {
  config: () => request<{ title: string; readOnly: boolean; search?: boolean; traceUrl?: string }>('GET', 'api/config'),
  /** True when this user may change jobs (read-only mode and auth functions refuse it). */
  canWrite: () =>
    request<{ canWrite: boolean }>('POST', 'api/can-write').then(
      (r) => r.canWrite === true,
      () => false,
    ),
  stats: () =>
    request<{
      inactiveCount: number;
      activeCount: number;
      delayedCount: number;
      waitingCount: number;
      failedCount: number;
      completeCount: number;
    }>('GET', 'stats').then((s): Counts => ({
      inactive: s.inactiveCount,
      active: s.activeCount,
      delayed: s.delayedCount,
      waiting: s.waitingCount,
      failed: s.failedCount,
      complete: s.completeCount,
    })),
  types: () => request<TypeSummary[]>('GET', 'api/types'),
  /** A page of the job events the event stream holds (`next` goes on). */
  eventHistory: (p: { since?: number; after?: string; newest?: boolean; limit: number }, signal?: AbortSignal) =>
    request<{ events: StreamEvent[]; next: string; gap: boolean }>(
      'GET',
      `api/events/history${query({ ...p, newest: p.newest ? 'true' : undefined })}`,
      undefined,
      signal,
    ),
  page: (
    p: { state: JobState | 'all'; type?: string; order: Order; cursor?: string; limit: number },
    signal?: AbortSignal,
  ) => request<{ jobs: Job[]; next: string | null }>('GET', `api/jobs${query(p)}`, undefined, signal),
  byId: (ids: string[], signal?: AbortSignal) =>
    request<{ jobs: Job[] }>('GET', `api/jobs/by-id${query({ ids: ids.join(',') })}`, undefined, signal),
  search: (p: { q: string; state?: JobState; type?: string; order: Order }, signal?: AbortSignal) =>
    request<{ ids: string[]; truncated: boolean }>('GET', `api/search${query(p)}`, undefined, signal),
  job: (id: string, signal?: AbortSignal) => request<JobDetail>('GET', `api/job/${enc(id)}`, undefined, signal),
  log: (id: string) => request<string[]>('GET', `job/${enc(id)}/log`),
  /** A job's place in a flow, with a page of one part of its children (`next` goes on). */
  flowTree: (id: string | number, p: { part: FlowTreePart; cursor?: string; limit?: number }, signal?: AbortSignal) =>
    request<FlowTree>('GET', `api/job/${enc(String(id))}/flow${query(p)}`, undefined, signal),
  /**
   * The job actions name the state the job was shown in (`from`): the server acts only while
   * the job is still there (409 otherwise), so a job a worker took meanwhile is left alone.
   */
  remove: (id: string, from: JobState) => request<{ message: string }>('DELETE', `job/${enc(id)}${query({ from })}`),
  /** Moves a job to inactive: a retry of a failed job, a re-run of a complete one. */
  requeue: (id: string, from: JobState) =>
    request<{ message: string }>('PUT', `job/${enc(id)}/state/inactive${query({ from })}`),
  promote: (id: string, from: JobState) =>
    request<{ message: string }>('POST', `api/job/${enc(id)}/promote${query({ from })}`),
  priority: (id: string, priority: number) =>
    request<{ message: string }>('PUT', `job/${enc(id)}/priority/${priority}`),
  bulkIds: (action: BulkAction, ids: string[]): Promise<{ count: number; skipped: number }> =>
    action === 'cancel'
      ? api.cancelIds(ids).then((r) => ({ count: r.cancelled.length, skipped: r.finished.length + r.missing.length }))
      : request<{ count: number; skipped: number }>('POST', 'api/jobs/bulk', { action, ids }),
  /** Every job of a state (and type): retry failed, promote delayed, remove any, cancel unfinished. */
  bulkAll: (action: BulkAction, state: JobState, type?: string) =>
    action === 'cancel'
      ? request<{ count: number }>('POST', 'api/jobs/cancel-all', { state, type })
      : request<{ count: number }>('POST', `api/jobs/${action}`, action === 'remove' ? { state, type } : { type }),
  /** Cancels one job: waiting and delayed ones never start, a running one is aborted. */
  cancel: (id: string, reason?: string) =>
    request<{ id: number; cancelled: boolean }>('POST', `job/${enc(id)}/cancel`, { reason }),
  cancelIds: (ids: string[], reason?: string) =>
    request<{ cancelled: number[]; finished: number[]; missing: number[] }>('POST', 'api/jobs/cancel', { ids, reason }),
  pause: (type: string) => request<unknown>('PUT', `api/types/${enc(type)}/pause`),
  resume: (type: string) => request<unknown>('DELETE', `api/types/${enc(type)}/pause`),
  schedules: () => request<{ schedules: Schedule[] }>('GET', 'api/schedules').then((r) => r.schedules),
  pauseSchedule: (id: string) => request<unknown>('PUT', `api/schedules/${enc(id)}/pause`),
  resumeSchedule: (id: string) => request<unknown>('DELETE', `api/schedules/${enc(id)}/pause`),
  runSchedule: (id: string) => request<{ jobId: number; due: string }>('POST', `api/schedules/${enc(id)}/run`),
  removeSchedule: (id: string) => request<unknown>('DELETE', `api/schedules/${enc(id)}`),
  limits: () => request<{ limits: Limits[] }>('GET', 'api/limits').then((r) => r.limits),
  /** Merges, as `queue.limit`: an option left out stays, null removes it. */
  setLimits: (type: string, options: LimitsChange) => request<Limits>('PUT', `api/limits/${enc(type)}`, options),
  removeLimits: (type: string) => request<Limits>('DELETE', `api/limits/${enc(type)}`),
  /** The groups of a type, the largest first: at most `GROUPS_LISTED_AT_MOST`. */
  groups: (type: string) => request<{ groups: GroupInfo[] }>('GET', `api/groups/${enc(type)}`).then((r) => r.groups),
  /** Answers whether the group's setting changed (false: it was paused, or running, already). */
  pauseGroup: (type: string, group: string) =>
    request<{ changed: boolean }>('PUT', `api/groups/${enc(type)}/${enc(group)}/pause`).then((r) => r.changed),
  resumeGroup: (type: string, group: string) =>
    request<{ changed: boolean }>('DELETE', `api/groups/${enc(type)}/${enc(group)}/pause`).then((r) => r.changed),
  throughput: (minutes: number, type?: string) =>
    request<MinuteStats[]>('GET', `api/throughput${query({ minutes, type })}`),
};
