/**
 * Whether a queue Kue 0.11 wrote is still there: a few ZCARDs of its indexes, cheap enough
 * for `kue check` and for a migration that found nothing to say where to look instead.
 */
import type { RedisClient } from '../connection.js';
import { KUE011_STATES, Kue011Keys } from './keys.js';

export interface Kue011Presence {
  /** The Kue 0.11 prefix as in its key names. */
  prefix: string;
  /** Its index of every job. */
  key: string;
  /** Jobs in that index (or, when it is empty, in its state indexes). */
  jobs: number;
}

/**
 * The spellings a Kue 0.11 queue of the same prefix may have: this package's base `{q}` is
 * also what Kue 0.11 on ioredis wrote, and Kue 0.11 on node_redis wrote plain `q`.
 */
export function kue011Candidates(base: string): string[] {
  const plain = /^\{([^{}]+)\}$/.exec(base)?.[1];
  return plain === undefined ? [base] : [plain, base];
}

/** The other spelling of a Kue 0.11 prefix: `q` for `{q}` and `{q}` for `q`. */
export function otherSpelling(prefix: string): string {
  return /^\{[^{}]+\}$/.test(prefix) ? prefix.slice(1, -1) : `{${prefix}}`;
}

/** The Kue 0.11 queues among `prefixes` that hold jobs (one command per index: the keys may lie in several Cluster slots). */
export async function kue011Queues(client: RedisClient, prefixes: readonly string[]): Promise<Kue011Presence[]> {
  const found: Kue011Presence[] = [];
  for (const prefix of prefixes) {
    const keys = new Kue011Keys(prefix);
    let jobs = await client.zcard(keys.jobs);
    if (jobs === 0) {
      const counts = await Promise.all(KUE011_STATES.map((state) => client.zcard(keys.state(state))));
      jobs = counts.reduce((a, b) => a + b, 0);
    }
    if (jobs > 0) found.push({ prefix, key: keys.jobs, jobs });
  }
  return found;
}

/**
 * Whether a key name (what follows `P:`) is one only Kue 0.11 writes: its indexes `jobs…`, its
 * type set, its wake-up lists `<type>:jobs`. When Kue 0.11 ran on ioredis they share this
 * layout's `{q}:` base, and `kue check` leaves them to the kue011-queue finding.
 */
export function isKue011Key(name: string): boolean {
  return /^jobs(?::.+)?$/.test(name) || name === 'job:types' || (/:jobs$/.test(name) && !name.startsWith('search:'));
}

/** The ids among `ids` that Kue 0.11's index of every job under `prefix` lists. */
export async function listedByKue011(
  client: RedisClient,
  prefix: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const key = new Kue011Keys(prefix).jobs;
  const listed = new Set<string>();
  for (let i = 0; i < ids.length; i += 1_000) {
    const chunk = ids.slice(i, i + 1_000);
    const scores = await client.zmscore(key, ...chunk.map((id) => `${String(id.length).padStart(2, '0')}|${id}`));
    chunk.forEach((id, n) => scores[n] !== null && listed.add(id));
  }
  return listed;
}
