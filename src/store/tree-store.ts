import type { RedisClient } from './connection.js';
import { encodeJobOptions, encodeNewJob, parseJson, type NewJob } from './codec.js';
import type { Keys } from './keys.js';
import type { ScriptRunner } from './schedule-store.js';
import { saveCallToken } from './save-calls.js';
import type { ChildFailure, OnChildFailure } from './tree-types.js';

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
