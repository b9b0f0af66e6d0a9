import type { RedisClient } from './connection.js';
import { encodeJobOptions, encodeNewJob, flowOf, parseJson, type NewJob } from './codec.js';
import type { Keys } from './keys.js';
import type { ScriptRunner } from './schedule-store.js';
import { saveCallToken } from './save-calls.js';
import type { ChildFailure, FlowInfo, OnChildFailure } from './tree-types.js';

export type { ChildFailure, FlowInfo, OnChildFailure } from './tree-types.js';

/** One job of a flow as saved: every parent comes before its children. */
export interface TreeJob {
  job: NewJob;
  /** The index in the list of the job's parent; -1 for the flow's root. */
  parent: number;
  /** Set on the jobs that are parents. */
  node?: { children: number; onChildFailure: OnChildFailure; cancelChildren: boolean };
}

/** What tree_save made: the jobs' ids in order, or the job whose unique key another job holds. */
export type TreeSaveReply = { ids: number[] } | { conflict: { index: number; holder: number } };

/** Where a page of a flow's children starts (tree_read.lua): the first, after an id, or a scan cursor with members carried over. */
export type TreePosition = { start: true } | { after: number } | { scan: string; carried: number[] };

/** What the children of a parent have come to. */
export interface TreeChildCounts {
  /** How many children the parent was saved with. */
  total: number;
  /** Not yet settled. */
  pending: number;
  /** Completed: their results are kept. */
  complete: number;
  /** Failed for good, cancelled, removed or moved to failed. */
  failed: number;
}

/** One child of a page: `type` and `state` are null once the job is gone (removed after it settled). */
export interface TreeReadItem {
  id: number;
  type: string | null;
  state: string | null;
  /** The child's result as JSON text (part 'results'), its `{error, code}` JSON (part 'failed'), else null. */
  text: string | null;
  /** Set when the child is a parent itself. */
  children?: TreeChildCounts;
}

/** One job's place in a flow and a page of its children, read at one instant (tree_read.lua). */
export interface TreeRead {
  type: string;
  state: string;
  flow: FlowInfo;
  children: TreeChildCounts;
  /** The pending children read (all of them, or a sample), counted by state ('missing': no job). */
  pendingStates: Record<string, number>;
  /** How many pending children were read for pendingStates. */
  statesRead: number;
  /** The lowest id among the pending children read. */
  lowestPending: number | null;
  items: TreeReadItem[];
  /** Where the next page starts; null after the last. */
  next: TreePosition | null;
}

/** Which part of a parent's children a read pages through; '' reads the summary alone. */
export type TreeReadPart = 'pending' | 'complete' | 'failed' | 'results' | '';

/** Children a tree_cascade call handles: bounds how long one call holds Redis. */
const CASCADE_BATCH = 500;

/** The scripts and reads of flows (lua/tree_*.lua, includes/parents.lua). */
export class TreeStore {
  constructor(
    private readonly run: ScriptRunner,
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly saveRetryWindow: number,
  ) {}

  /**
   * Saves a flow in one script, all or nothing. `sends` are the tokens of earlier sends of
   * this very flow (a caller's retry); the call's own token is appended to it.
   */
  async save(jobs: TreeJob[], sends: string[]): Promise<TreeSaveReply> {
    const call = this.saveRetryWindow > 0 ? saveCallToken() : '';
    const nodes: Record<number, [number, string, number]> = {};
    const options: Record<number, unknown> = {};
    let withOptions = false;
    jobs.forEach(({ job, node }, i) => {
      if (node)
        nodes[i + 1] = [
          node.children,
          node.onChildFailure === 'fail' ? '' : node.onChildFailure,
          node.cancelChildren ? 1 : 0,
        ];
      const more = encodeJobOptions(job);
      if (more) {
        options[i + 1] = more;
        withOptions = true;
      }
    });
    const args: Array<string | number> = [
      call,
      this.saveRetryWindow,
      sends.join(' '),
      jobs.map((j) => j.parent + 1).join(','),
      JSON.stringify(nodes),
      ...jobs.flatMap((j) => encodeNewJob(j.job)),
    ];
    if (withOptions) args.push(JSON.stringify(options));
    if (call) sends.push(call);
    const what = `the flow of ${jobs.length} jobs`;
    const reply = (await this.run('tree_save', args, () => ({
      refused: `${what} was not saved`,
      uncertain: `${what} may have been saved: Redis may have received it`,
    }))) as Array<string | number>;
    if (reply[0] === 'conflict') return { conflict: { index: Number(reply[1]) - 1, holder: Number(reply[2]) } };
    return { ids: reply.map(Number) };
  }

  /** Cancels or removes the pending children of parents queued for it, until none is left. */
  async cascade(): Promise<void> {
    while (((await this.run('tree_cascade', [CASCADE_BATCH])) as number) > 0);
  }

  /**
   * After a cancel or removal that may have queued a subtree: drains the queue before the
   * caller's promise resolves. The change itself is made; should draining fail (Redis gone
   * meanwhile), the promotion sweep of any process finishes it, and reports its own errors.
   */
  async finishCascades(): Promise<void> {
    await this.cascade().catch(() => undefined);
  }

  /**
   * A job's place in a flow, its children's counts, the states of its pending children (all
   * of them up to `mostStates`, else a sample of that many) and a page of up to `limit` of one
   * part, in one read-only script; null when the job does not exist.
   */
  async read(
    id: number,
    request: { part: TreeReadPart; from: TreePosition; limit: number; mostStates: number },
  ): Promise<TreeRead | null> {
    const { from } = request;
    const where =
      'after' in from
        ? ['after', from.after, '']
        : 'scan' in from
          ? ['scan', from.scan, from.carried.join(',')]
          : ['start', '', ''];
    const reply = (await this.run('tree_read', [id, request.part, ...where, request.limit, request.mostStates])) as
      | null
      | [
          Array<string | null>,
          [number, number, number],
          Array<string | number>,
          number,
          number | null,
          Array<[string, string | null, string | null, string | null, ...Array<string | number | null>]>,
          null | [string, string, string?],
        ];
    if (!reply) return null;
    const [fields, [pending, complete, failed], states, statesRead, lowest, page, next] = reply;
    const [type, state, parent, children, onChildFailure, cancelChildren, failedChild] = fields.map(
      (f) => f ?? undefined,
    );
    const pendingStates: Record<string, number> = {};
    for (let i = 0; i + 1 < states.length; i += 2) pendingStates[String(states[i])] = Number(states[i + 1]);
    return {
      type: type!,
      state: state ?? '',
      flow: flowOf({
        parent,
        children,
        on_child_failure: onChildFailure,
        cancel_children: cancelChildren,
        failed_child: failedChild,
      }),
      children: { total: Number(children ?? 0), pending, complete, failed },
      pendingStates,
      statesRead,
      lowestPending: lowest ?? null,
      items: page.map(([child, childType, childState, text, total, ...counts]) => ({
        id: Number(child),
        type: childType,
        state: childState,
        text,
        ...(total !== null &&
          total !== undefined && {
            children: {
              total: Number(total),
              pending: Number(counts[0]),
              complete: Number(counts[1]),
              failed: Number(counts[2]),
            },
          }),
      })),
      next: !next
        ? null
        : next[0] === 'after'
          ? { after: Number(next[1]) }
          : { scan: next[1], carried: next[2] ? next[2].split(',').map(Number) : [] },
    };
  }

  /** A parent's children's results by child id (their JSON parsed; text that is not JSON stays text). */
  async results(id: number): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const [child, text] of await this.scanHash(this.keys.results(id))) results[child] = parseJson(text);
    return results;
  }

  /** The children of a parent that failed, were cancelled, removed or moved to failed, by child id. */
  async failures(id: number): Promise<Record<string, ChildFailure>> {
    const failures: Record<string, ChildFailure> = {};
    for (const [child, text] of await this.scanHash(this.keys.childErrors(id))) {
      const parsed = parseJson(text) as Partial<ChildFailure> | string;
      failures[child] =
        typeof parsed === 'object' && parsed
          ? { error: String(parsed.error ?? ''), code: String(parsed.code ?? '') }
          : { error: String(parsed), code: '' };
    }
    return failures;
  }

  /** Every field of a hash in pages (HSCAN), so a parent of 10,000 children does not block Redis. */
  private async scanHash(key: string): Promise<Array<[string, string]>> {
    const entries: Array<[string, string]> = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.client.hscan(key, cursor, 'COUNT', 1000);
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i]!, flat[i + 1]!]);
      cursor = next;
    } while (cursor !== '0');
    return entries;
  }
}
