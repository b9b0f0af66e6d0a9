/**
 * Moves a queue Kue 0.11 wrote into this package's layout (`queue.admin.migrateFromKue011`,
 * `kue migrate`). The ids come from Kue 0.11's own indexes, and each batch of them moves in
 * one `migrate` script, every job whole or not at all, so a run stopped anywhere is finished
 * by running it again and a run after a complete one changes nothing.
 */
import { MigrationRefusedError } from '../../errors.js';
import { isCluster } from '../connection.js';
import { scriptError } from '../redis-errors.js';
import { runScript } from '../scripts.js';
import type { Store } from '../store.js';
import { kue011Queues, otherSpelling } from './detect.js';
import { hashTag, Kue011Keys } from './keys.js';
import {
  emptyReport,
  movedCount,
  noteMalformed,
  tally,
  type Kue011MigrationProgress,
  type Kue011MigrationReport,
} from './report.js';
import { IdSet, kue011IdBatches } from './sources.js';

/**
 * Ids per script call. Moving one job cost Redis about 40 to 60 us in the 100,000-job test,
 * so a call holds Redis for about 10 to 15 ms, and other clients are served between calls.
 */
export const MIGRATE_BATCH = 250;

/** Options already validated (see queue/admin.ts). */
export interface Kue011Migration {
  /** The Kue 0.11 prefix as in its key names: `q`, or `{q}` when Kue 0.11 ran on ioredis. */
  from: string;
  dryRun: boolean;
  /** What replaces a stored backoff function: a strategy's name, or a fixed delay (ms); none: fixed, the job's delay. */
  functionBackoff?: string | number;
  /** Ids left free above Kue 0.11's counter for its producers still saving. */
  reserveIds: number;
  onProgress?: (progress: Kue011MigrationProgress) => void;
}

/** The conflicting ids named in a refusal, at most. */
const NAMED_CONFLICTS = 10;

/**
 * On Redis Cluster a script may touch the keys of one slot only. Kue 0.11 on ioredis wrote
 * every key as `{q}:…`, in the slot of this package's `{q}`; keys without a hash tag (Kue 0.11
 * on node_redis, which never ran on a Cluster) lie all over the slots.
 */
function assertOneSlot(store: Store, keys: Kue011Keys): void {
  if (!isCluster(store.client)) return;
  const theirs = hashTag(keys.ids);
  if (theirs !== hashTag(store.keys.ids)) {
    throw new MigrationRefusedError(
      `on Redis Cluster the Kue 0.11 keys (${keys.ids}, …) must carry the hash tag of the queue's keys ` +
        `(${store.keys.ids}), so that one script can move each job atomically; ` +
        `${theirs === null ? 'they carry none and lie in other slots' : `they carry {${theirs}}`}. ` +
        `Nothing was written. Migrate on a single Redis (or Sentinel) first, or into a queue whose prefix has their tag.`,
    );
  }
}

function backoffArgs(replacement: string | number | undefined): [string, string] {
  if (replacement === undefined) return ['fixed', ''];
  return typeof replacement === 'number' ? ['fixed', String(replacement)] : [replacement, ''];
}

/**
 * One pass over every Kue 0.11 index. 'dry' reads every job and says what a run would do;
 * 'conflicts' only looks for ids this queue holds another job under; 'run' moves.
 */
type Mode = 'dry' | 'conflicts' | 'run';

async function pass(
  store: Store,
  keys: Kue011Keys,
  options: Kue011Migration,
  mode: Mode,
  report: Kue011MigrationReport,
): Promise<void> {
  const { client } = store;
  const [kind, delay] = backoffArgs(options.functionBackoff);
  // Ids with a final outcome this pass are not sent again when another index names them.
  const settled = new IdSet();
  const counted = new IdSet();
  const progress: Kue011MigrationProgress = {
    pass: mode === 'run' ? 'move' : 'check',
    handled: 0,
    moved: 0,
    skipped: 0,
    total: await client.zcard(keys.jobs),
  };
  for await (const batch of kue011IdBatches(client, keys, MIGRATE_BATCH)) {
    for (const member of batch.malformed) noteMalformed(report, batch.key, member);
    const ids = batch.ids.filter((id) => !settled.has(Number(id)));
    if (ids.length === 0) continue;
    let reply: string[];
    try {
      reply = (await runScript(client, 'migrate', store.keys.ids, [
        store.keys.base,
        keys.prefix,
        mode,
        kind,
        delay,
        batch.type,
        ...ids,
      ])) as string[];
    } catch (err) {
      throw scriptError(err, {
        refused: 'this batch of jobs was not moved; run the migration again',
        uncertain: 'this batch of jobs may have moved; run the migration again to finish',
      });
    }
    for (let i = 0; i < reply.length; i += 6) {
      const one = reply.slice(i, i + 6);
      const id = Number(one[0]);
      const outcome = one[1];
      // A job moved or found moved may still be named by another 0.11 index (an entry Kue 0.11
      // left behind): sent again, its entry there goes too. Kept ones are not sent again.
      if (mode !== 'run' || outcome === 'skipped' || outcome === 'conflict') settled.add(id);
      if (counted.has(id)) continue;
      counted.add(id);
      tally(report, one);
      progress.handled += 1;
      if (outcome === 'moved') progress.moved += 1;
      if (outcome === 'skipped') progress.skipped += 1;
    }
    options.onProgress?.({ ...progress });
  }
}

async function finish(store: Store, keys: Kue011Keys, options: Kue011Migration, report: Kue011MigrationReport) {
  const mode = options.dryRun ? 'dry' : 'run';
  const [nextId, left, carried, removed] = (await runScript(store.client, 'migrate_finish', store.keys.ids, [
    store.keys.base,
    keys.prefix,
    mode,
    options.reserveIds,
  ])) as number[];
  report.nextId = nextId!;
  report.left = left!;
  report.workTimeCarried = carried!;
  report.keysRemoved = removed!;
}

function refusal(store: Store, conflicts: number[]): MigrationRefusedError {
  const sorted = [...conflicts].sort((a, b) => a - b);
  const named = sorted.slice(0, NAMED_CONFLICTS).join(', ');
  const more = sorted.length > NAMED_CONFLICTS ? ` and ${sorted.length - NAMED_CONFLICTS} more` : '';
  return new MigrationRefusedError(
    `the queue ${store.keys.base} already holds other jobs under ids the Kue 0.11 jobs keep (${named}${more}). ` +
      'Nothing was written. Remove those jobs, or migrate into a queue of another prefix.',
    sorted,
  );
}

/** When nothing was found under `from`: whether the other spelling of the prefix has jobs. */
async function lookElsewhere(store: Store, keys: Kue011Keys, report: Kue011MigrationReport): Promise<void> {
  const found =
    movedCount(report) + report.skippedCount + report.conflicts.length + report.alreadyMoved + report.dangling;
  if (found > 0) return;
  const [other] = await kue011Queues(store.client, [otherSpelling(keys.prefix)]);
  if (other) report.elsewhere = { prefix: other.prefix, jobs: other.jobs };
}

/**
 * Moves every job of the Kue 0.11 queue under `options.from` into `store`'s queue. A real run
 * first looks at every id, writing nothing, and refuses when the queue holds another job
 * under one of them; a dry run reads every job and writes nothing.
 */
export async function migrateFromKue011(store: Store, options: Kue011Migration): Promise<Kue011MigrationReport> {
  const started = Date.now();
  const keys = new Kue011Keys(options.from);
  assertOneSlot(store, keys);
  const mode = options.dryRun ? 'dry' : 'run';
  if (mode === 'run') {
    const look = emptyReport(keys.prefix, store.keys.base, true);
    await pass(store, keys, options, 'conflicts', look);
    if (look.conflicts.length > 0) throw refusal(store, look.conflicts);
  }
  const report = emptyReport(keys.prefix, store.keys.base, mode === 'dry');
  await pass(store, keys, options, mode, report);
  await lookElsewhere(store, keys, report);
  await finish(store, keys, options, report);
  report.durationMs = Date.now() - started;
  return report;
}
