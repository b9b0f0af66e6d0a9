// What the scripts answer, typed: the requests and replies of the Store's methods, and the
// decoding of the script replies that are more than a number.
import { decodeJob, type JobRecord } from './codec.js';
import { idOfMember, type JobState } from './keys.js';
import { ScriptStatus, type FinishStatus } from './script-status.js';

/** A worker asking for its next jobs in the same round trip as a completion or failure. */
export interface TakeRequest {
  type: string;
  count: number;
  workerId: string;
  lockDuration: number;
}

/**
 * What a take found: the jobs taken, and, when the type's limits held every job back, how
 * long to wait before asking again (ms; 0: until an active job of the type ends).
 */
export interface TakeReply {
  taken: JobRecord[];
  wait?: number;
}

/**
 * What `complete` / `fail` did: ScriptStatus.DONE (complete), RETRY or FAILED (fail) when
 * applied; NO_JOB, LOCK_LOST or REPEATED (the same report was applied before) when refused.
 */
export interface FinishReply extends TakeReply {
  status: FinishStatus;
}

/** One failed attempt of a job. Times are epoch ms. */
export interface AttemptError {
  attempt: number;
  started_at: number | null;
  failed_at: number;
  error: string;
  stack: string;
}

export type BulkAction = 'retry' | 'promote' | 'remove';

/** Where a page starts: right after this entry (which may have gone meanwhile). */
export interface PageCursor {
  score: number;
  id: number;
}

export interface PageRequest {
  type?: string;
  cursor?: PageCursor;
  limit: number;
  order: 'asc' | 'desc';
}

export interface Page {
  ids: number[];
  /** Cursor of the next page, or null at the end. */
  next: PageCursor | null;
}

/** Result of a maintenance pass: how many jobs moved and when the next one falls due. */
export interface SweepReply {
  moved: number;
  /** Epoch ms of the next due entry, or ScriptStatus.NOTHING_DUE (-1) when there is none. */
  nextDue: number;
  /** The Redis server's clock when the pass ran. */
  now: number;
  /** promote only: epoch ms of the first schedule's next due time, or NOTHING_DUE. */
  nextSchedule: number;
  /** promote only: flow parents whose pending children are still to be cancelled or removed. */
  cascades: number;
}

/** An expiry pass: a sweep, and the jobs in it that stalled (for the log). */
export interface ExpireReply extends SweepReply {
  /** How many active jobs had lost their worker (their lock expired). */
  stalled: number;
  /** The first of them (expire.lua names at most 20). */
  named: Array<{ id: number; type: string }>;
}

/**
 * What a move or removal did: `done`, `missing` (no such job), or `unexpected`: the job is in
 * `state`, none of the expected ones, and nothing changed.
 */
export type MoveOutcome = { result: 'done' } | { result: 'missing' } | { result: 'unexpected'; state: JobState };

export function moveOutcome(reply: unknown): MoveOutcome {
  if (typeof reply === 'string') return { result: 'unexpected', state: reply as JobState };
  return reply === ScriptStatus.DONE ? { result: 'done' } : { result: 'missing' };
}

export type TakenPair = [string, string[]];

/** The jobs a take found ({id, HGETALL} pairs) and the wait the limits asked for, if any. */
export function decodeTake(pairs: TakenPair[], wait: number | undefined): TakeReply {
  const taken: JobRecord[] = [];
  for (const [id, raw] of pairs) {
    const job = decodeJob(Number(id), raw);
    if (job) taken.push(job);
  }
  return wait === undefined ? { taken } : { taken, wait };
}

export function sweep(reply: unknown): SweepReply {
  const [moved, nextDue, now, nextSchedule = ScriptStatus.NOTHING_DUE, cascades = 0] = reply as number[];
  return { moved: moved!, nextDue: nextDue!, now: now!, nextSchedule, cascades };
}

export function expireReply(reply: unknown): ExpireReply {
  const [moved, nextDue, now, stalled = 0, flat = []] = reply as [number, number, number, number?, string[]?];
  const named: ExpireReply['named'] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) named.push({ id: Number(flat[i]), type: String(flat[i + 1]) });
  return { ...sweep([moved, nextDue, now]), stalled, named };
}

/** A page script's reply (member, score, member, score, ...) as ids and the next cursor. */
export function decodePage(reply: Array<string | number>, limit: number): Page {
  const ids: number[] = [];
  let last: PageCursor | null = null;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const id = idOfMember(String(reply[i]));
    ids.push(id);
    last = { score: Number(reply[i + 1]), id };
  }
  return { ids, next: ids.length < limit ? null : last };
}

/** One minute's counters, by type then field. */
export interface MinuteCounters {
  minute: number;
  byType: Record<string, Record<string, number>>;
}

/** A minute's counter hash (fields `<type>|<counter>`) by type then counter. */
export function decodeMinute(minute: number, raw: Record<string, string>): MinuteCounters {
  const byType: Record<string, Record<string, number>> = {};
  for (const [field, value] of Object.entries(raw)) {
    const cut = field.lastIndexOf('|');
    (byType[field.slice(0, cut)] ??= {})[field.slice(cut + 1)] = Number(value);
  }
  return { minute, byType };
}
