/**
 * The ids of the jobs Kue 0.11 wrote, read from its own indexes with ZSCAN: never KEYS, and
 * never a walk over every key of the database.
 */
import type { RedisClient } from '../connection.js';
import { KUE011_STATES, type Kue011Keys } from './keys.js';

/** A batch of ids read from one Kue 0.11 index. */
export interface IdBatch {
  /** The index read. */
  key: string;
  /** The type of a per-type index, '' for the others. */
  type: string;
  ids: string[];
  /** Members that are not `len|id`. */
  malformed: string[];
}

// Kue 0.11's createFIFO: the id's length in two digits, '|', the id.
const MEMBER = /^(\d\d)\|([1-9]\d*)$/;

/**
 * Every 0.11 index that may name a job: the index of every job, the one of each state, and
 * the one of each state of each type (Kue 0.11 lost entries between them when a process died
 * between two of its commands, so each is read).
 */
async function indexesOf(client: RedisClient, keys: Kue011Keys): Promise<Array<{ key: string; type: string }>> {
  const types = (await client.smembers(keys.types)).sort();
  return [
    { key: keys.jobs, type: '' },
    ...KUE011_STATES.map((state) => ({ key: keys.state(state), type: '' })),
    ...types.flatMap((type) => KUE011_STATES.map((state) => ({ key: keys.state(state, type), type }))),
  ];
}

/** Entries asked of each ZSCAN call: fewer round trips than one per batch of ids. */
const SCAN_COUNT = 2_000;

/**
 * Batches of at most `size` ids, index by index. ZSCAN returns every member present from the
 * start to the end of a scan at least once, while members are removed under it (the moves
 * remove them): a member may come twice, which the caller tolerates. Members added during
 * the scan may be missed; a second run picks them up.
 */
export async function* kue011IdBatches(client: RedisClient, keys: Kue011Keys, size: number): AsyncGenerator<IdBatch> {
  for (const { key, type } of await indexesOf(client, keys)) {
    let cursor = '0';
    do {
      const [next, flat] = await client.zscan(key, cursor, 'COUNT', SCAN_COUNT);
      cursor = next;
      let batch: IdBatch = { key, type, ids: [], malformed: [] };
      for (let i = 0; i < flat.length; i += 2) {
        const member = flat[i]!;
        const m = MEMBER.exec(member);
        if (m && Number(m[1]) === m[2]!.length) batch.ids.push(m[2]!);
        else batch.malformed.push(member);
        if (batch.ids.length === size) {
          yield batch;
          batch = { key, type, ids: [], malformed: [] };
        }
      }
      if (batch.ids.length || batch.malformed.length) yield batch;
    } while (cursor !== '0');
  }
}

/**
 * A set of positive integer ids: a growable bitmap (10 million ids take 1.25 MB), and a plain
 * Set for ids too large for one.
 */
export class IdSet {
  private static readonly BITMAP_LIMIT = 2 ** 31;
  private bits = new Uint8Array(1024);
  private readonly large = new Set<number>();

  has(id: number): boolean {
    if (id >= IdSet.BITMAP_LIMIT) return this.large.has(id);
    const byte = id >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (id & 7))) !== 0;
  }

  add(id: number): void {
    if (id >= IdSet.BITMAP_LIMIT) {
      this.large.add(id);
      return;
    }
    const byte = id >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte]! |= 1 << (id & 7);
  }
}
