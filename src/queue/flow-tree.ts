// Reading one job's place in a flow for people: its children's counts, why a parent still
// waits, and its children page by page (the JSON API, `kue flow` and the dashboard).
import { describe } from '../describe.js';
import { JobNotFoundError } from '../errors.js';
import { parseJson } from '../store/codec.js';
import type { JobState } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { FlowInfo, TreeChildCounts, TreePosition, TreeReadPart } from '../store/tree-store.js';
import * as check from './validate.js';

/** The parts of a parent's children a page lists: not yet settled, completed, failed. */
export const FLOW_TREE_PARTS = ['pending', 'complete', 'failed'] as const;
export type FlowTreePart = (typeof FLOW_TREE_PARTS)[number];

/** The most children one page lists. */
export const MAX_FLOW_PAGE = 500;
/** Children per page when no limit is given. */
export const DEFAULT_FLOW_PAGE = 50;
/**
 * Up to this many pending children, each one's state is read; above it, the states of a
 * random sample of this many stand for them (`pendingStatesExact: false`).
 */
export const EXACT_PENDING_STATES = 1_000;

/** What the children of a parent have come to: `complete + failed` of `total` have settled. */
export type FlowChildCounts = TreeChildCounts;

/** One child in a page of a flow's children. */
export interface FlowTreeItem {
  id: number;
  /** Null once the job is gone (say, removed on completion: its result stays with the parent). */
  type: string | null;
  state: JobState | null;
  /** In the part 'failed': why the child settled as failed. */
  error?: string;
  /** In the part 'failed': FAILED, CANCELLED, REMOVED or MOVED. */
  code?: string;
  /** Set when the child is a parent itself. */
  children?: FlowChildCounts;
}

/** One job's place in a flow, read at one instant: what `queue.admin.flowTree` answers. */
export interface FlowTree {
  id: number;
  type: string;
  state: JobState;
  /** As `job.flow`: its parent, and on a parent its children's number and policy. `{}` for a job in no flow. */
  flow: FlowInfo;
  /** All zero for a job that is not a parent. */
  children: FlowChildCounts;
  /** The pending children by state ('missing': an id whose job is gone, which `kue check` reports). */
  pendingStates: Partial<Record<JobState | 'missing', number>>;
  /**
   * False when there are more than 1,000 pending children: pendingStates and oldestPending
   * then come from a random sample of 1,000, the counts scaled to the pending total.
   */
  pendingStatesExact: boolean;
  /** The pending child with the lowest id: saved first, so the one expected to run first. */
  oldestPending: number | null;
  /** The part listed in `items`. */
  part: FlowTreePart;
  items: FlowTreeItem[];
  /** Give it as `cursor` for the next page; null after the last. */
  next: string | null;
}

export interface FlowTreeOptions {
  /** @default 'pending' */
  part?: FlowTreePart;
  /** The `next` of the page before; absent for the first. */
  cursor?: string;
  /** Children per page, 1 to 500. @default 50 */
  limit?: number;
}

/** A page of a parent's children's results. */
export interface ChildResultsPage {
  /** By child, each result as the child's handler returned it (null for none). */
  results: Array<{ id: number; result: unknown }>;
  next: string | null;
}

const PART_LETTERS: Record<FlowTreePart | 'results', string> = {
  pending: 'p',
  complete: 'c',
  failed: 'f',
  results: 'r',
};
/** The most members a cursor carries (those of a scan batch a page had no room for). */
const MAX_CARRIED = 1_000;

function encodeCursor(part: FlowTreePart | 'results', at: TreePosition): string {
  const text =
    'after' in at
      ? `a${at.after}`
      : 'scan' in at
        ? `s${at.scan}${at.carried.length ? `:${at.carried.join(',')}` : ''}`
        : '';
  return Buffer.from(`${PART_LETTERS[part]}${text}`).toString('base64url');
}

function decodeCursor(part: FlowTreePart | 'results', cursor: unknown): TreePosition {
  if (cursor === undefined || cursor === '') return { start: true };
  if (typeof cursor !== 'string') throw new TypeError(`cursor must be a string, got ${describe(cursor)}`);
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^([pcfr])(?:a(\d{1,15})|s(\d{1,20})(?::(\d{1,15}(?:,\d{1,15})*))?)$/.exec(text);
  const carried = match?.[4]?.split(',').map(Number) ?? [];
  if (!match || carried.length > MAX_CARRIED) throw new RangeError('cursor is not one this queue returned');
  if (match[1] !== PART_LETTERS[part]) throw new RangeError(`cursor is one of another part than ${part}`);
  return match[2] !== undefined ? { after: Number(match[2]) } : { scan: match[3]!, carried };
}

function pageOptions(options: unknown, known: string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new TypeError(`unknown option(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return options as Record<string, unknown>;
}

const pageLimit = (limit: unknown) =>
  limit === undefined ? DEFAULT_FLOW_PAGE : check.integer('limit', limit, 1, MAX_FLOW_PAGE);

/** Counts of a sample scaled to `total`, rounded so that they add up to it (largest remainders). */
function scaled(counts: Record<string, number>, read: number, total: number): Record<string, number> {
  const entries = Object.entries(counts).map(([state, n]) => {
    const exact = (n * total) / read;
    return { state, whole: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = total - entries.reduce((sum, e) => sum + e.whole, 0);
  for (const e of [...entries].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    e.whole++;
    left--;
  }
  return Object.fromEntries(entries.map((e) => [e.state, e.whole]));
}

/** The child's `{error, code}` as its parent keeps it. */
function failure(text: string | null): { error: string; code: string } {
  const parsed = parseJson(text ?? '') as { error?: unknown; code?: unknown } | string | null;
  if (typeof parsed === 'object' && parsed !== null)
    return { error: String(parsed.error ?? ''), code: String(parsed.code ?? '') };
  return { error: String(parsed ?? ''), code: '' };
}

/** `queue.admin.flowTree`: checks its arguments, reads, and says it in the API's terms. */
export async function readFlowTree(store: Store, id: unknown, options?: unknown): Promise<FlowTree> {
  const jobId = check.jobId(id);
  const o = pageOptions(options, ['part', 'cursor', 'limit']);
  const part = (o.part ?? 'pending') as FlowTreePart;
  if (!FLOW_TREE_PARTS.includes(part))
    throw new RangeError(`part must be one of ${FLOW_TREE_PARTS.join(', ')}, got ${describe(o.part)}`);
  const limit = pageLimit(o.limit);
  const from = decodeCursor(part, o.cursor);
  const read = await store.trees.read(jobId, { part, from, limit, mostStates: EXACT_PENDING_STATES });
  if (!read) throw new JobNotFoundError(jobId);
  const exact = read.statesRead === read.children.pending;
  return {
    id: jobId,
    type: read.type,
    state: read.state as JobState,
    flow: read.flow,
    children: read.children,
    pendingStates: exact ? read.pendingStates : scaled(read.pendingStates, read.statesRead, read.children.pending),
    pendingStatesExact: exact,
    oldestPending: read.lowestPending,
    part,
    items: read.items.map((item) => ({
      id: item.id,
      type: item.type,
      state: item.state as JobState | null,
      ...(part === 'failed' && failure(item.text)),
      ...(item.children && { children: item.children }),
    })),
    next: read.next ? encodeCursor(part, read.next) : null,
  };
}

/** `queue.admin.childResults`: a page of a parent's children's results. */
export async function readChildResults(store: Store, id: unknown, options?: unknown): Promise<ChildResultsPage> {
  const jobId = check.jobId(id);
  const o = pageOptions(options, ['cursor', 'limit']);
  const limit = pageLimit(o.limit);
  const from = decodeCursor('results', o.cursor);
  const part: TreeReadPart = 'results';
  const read = await store.trees.read(jobId, { part, from, limit, mostStates: EXACT_PENDING_STATES });
  if (!read) throw new JobNotFoundError(jobId);
  return {
    results: read.items.map((item) => ({ id: item.id, result: parseJson(item.text ?? 'null') })),
    next: read.next ? encodeCursor('results', read.next) : null,
  };
}
