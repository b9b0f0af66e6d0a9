import { describe } from '../describe.js';
import type { OnChildFailure, TreeJob } from '../store/tree-store.js';
import { Job } from './job.js';

export type { OnChildFailure } from '../store/tree-store.js';

/** What a flow's parent does about its children (`queue.flow(parent, children, options)`). */
export interface FlowOptions {
  /**
   * When a child fails for good, is cancelled, removed or moved to failed: 'fail' (default)
   * fails the parent at once, 'ignore' counts the child as settled (the parent runs and sees
   * it in `childFailures()`), 'remove-parent' removes the parent.
   */
  onChildFailure?: OnChildFailure;
  /** When the parent fails or is removed because of a child, cancel its other pending children (default false). */
  cancelChildren?: boolean;
}

/** A child that is itself a parent: it runs once its own children have settled. */
export interface FlowNode<D = any> extends FlowOptions {
  job: Job<D>;
  children: FlowChild[];
}

/** A child of a flow: a job not yet saved, or a nested parent with children of its own. */
export type FlowChild = Job | FlowNode;

/** One job of a flow, in saving order (each parent before its children). */
export interface FlatFlowJob extends Omit<TreeJob, 'job'> {
  job: Job;
  /** Where the job is in the flow ("the parent", "children[2].children[0]"), for errors. */
  place: string;
}

/** Most jobs one flow saves (one script call: at 20,000 jobs it holds Redis ~0.3 s). */
export const MAX_FLOW_JOBS = 20_000;
/** Most levels of parents below the root. */
export const MAX_FLOW_DEPTH = 32;

const POLICIES: readonly OnChildFailure[] = ['fail', 'ignore', 'remove-parent'];
const OPTION_KEYS = ['onChildFailure', 'cancelChildren'];
const NODE_KEYS = ['job', 'children', ...OPTION_KEYS];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Job);
}

function nodeOptions(value: unknown, where: string, known: string[]): Required<FlowOptions> {
  if (value === undefined) return { onChildFailure: 'fail', cancelChildren: false };
  if (!isPlainObject(value)) throw new TypeError(`${where} must be an object, got ${describe(value)}`);
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(`${where} has unknown key(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  const { onChildFailure = 'fail', cancelChildren = false } = value as FlowOptions;
  if (!POLICIES.includes(onChildFailure)) {
    throw new RangeError(
      `${where}: onChildFailure must be one of ${POLICIES.join(', ')}, got ${describe(onChildFailure)}`,
    );
  }
  if (typeof cancelChildren !== 'boolean') {
    throw new TypeError(`${where}: cancelChildren must be a boolean, got ${describe(cancelChildren)}`);
  }
  return { onChildFailure, cancelChildren };
}

/**
 * Checks a flow and lists its jobs, each parent before its children (depth first), before
 * anything is written. `ownJob` says whether a Job belongs to the saving queue.
 */
export function flattenFlow(
  parent: unknown,
  children: unknown,
  options: unknown,
  ownJob: (job: Job) => boolean,
): FlatFlowJob[] {
  const list: FlatFlowJob[] = [];
  const seen = new Set<Job>();
  const uniqueKeys = new Map<string, string>();

  const addJob = (job: unknown, place: string, parentIndex: number): number => {
    if (!(job instanceof Job))
      throw new TypeError(`${place} must be a Job made by queue.create(), got ${describe(job)}`);
    const name = `${place} (type "${job.type}")`;
    if (job.id !== undefined || job.saving) throw new TypeError(`${name} is already saved or being saved`);
    if (seen.has(job)) throw new TypeError(`${name} appears twice in the flow`);
    if (!ownJob(job))
      throw new TypeError(`${name} was made by another queue: a flow lives in one queue (one hash tag)`);
    const unique = job.unique();
    if (unique?.replace) throw new TypeError(`${name}: a unique key with replace cannot be in a flow`);
    if (unique) {
      const other = uniqueKeys.get(unique.key);
      if (other) throw new TypeError(`${name} has the unique key "${unique.key}" of ${other}`);
      uniqueKeys.set(unique.key, place);
    }
    seen.add(job);
    if (list.length >= MAX_FLOW_JOBS) throw new RangeError(`a flow has at most ${MAX_FLOW_JOBS} jobs`);
    list.push({ job, parent: parentIndex, place });
    return list.length - 1;
  };

  const addParent = (
    job: unknown,
    kids: unknown,
    opts: Required<FlowOptions>,
    place: string,
    parentIndex: number,
    depth: number,
  ) => {
    if (depth > MAX_FLOW_DEPTH)
      throw new RangeError(`${place}: a flow has at most ${MAX_FLOW_DEPTH} levels of parents`);
    const index = addJob(job, place, parentIndex);
    if (!Array.isArray(kids) || kids.length === 0) {
      throw new TypeError(
        `${place}: children must be a non-empty array (a parent with none would wait forever), got ${describe(kids)}`,
      );
    }
    list[index]!.node = { children: kids.length, ...opts };
    const prefix = depth === 0 ? 'children' : `${place}.children`;
    // By index, not forEach: a hole in the array is a missing child, not one to skip.
    for (let i = 0; i < kids.length; i++) {
      const kid: unknown = kids[i];
      const at = `${prefix}[${i}]`;
      if (isPlainObject(kid)) {
        addParent(kid.job, kid.children, nodeOptions(kid, at, NODE_KEYS), at, index, depth + 1);
      } else {
        addJob(kid, at, index);
      }
    }
  };

  addParent(parent, children, nodeOptions(options, 'the flow options', OPTION_KEYS), 'the parent', -1, 0);
  return list;
}
