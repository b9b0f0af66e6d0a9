import type { RedisClient } from './connection.js';
import type { Keys } from './keys.js';

/** One entry of the event stream: its id, and one JSON event or a JSON array of them. */
export interface StreamEntry {
  id: string;
  text: string;
}

/** What XINFO STREAM tells a reader resuming after a break. */
export interface StreamInfo {
  /** The newest id the stream gave out ('0-0' when it does not exist). */
  lastGenerated: string;
  /** The oldest id still kept, if any. */
  first?: string;
}

/** The id '0-0': before every entry. */
export const STREAM_START = '0-0';

/** Orders two stream ids ('<ms>-<seq>'). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

type XReadReply = Array<[string, Array<[string, string[]]>]> | null;

function entriesOf(pairs: Array<[string, string[]]>): StreamEntry[] {
  // Each entry has one field, 'm'; anything else is not ours and is skipped.
  return pairs.filter(([, fields]) => fields[0] === 'm').map(([id, fields]) => ({ id, text: String(fields[1]) }));
}

/**
 * The queue's event stream (B:stream): the scripts append one entry per emit, capped; each
 * process reads it from where it left off, so a reconnection loses nothing the cap still holds.
 */
export class EventLog {
  constructor(private readonly keys: Keys) {}

  /** The id of the newest entry, or STREAM_START: a new reader starts after it. */
  async tail(client: RedisClient): Promise<string> {
    const newest = (await client.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    return newest[0]?.[0] ?? STREAM_START;
  }

  /** The entries after `after`, waiting up to `blockMs` for the first; [] when none came. */
  async read(reader: RedisClient, after: string, count: number, blockMs: number): Promise<StreamEntry[]> {
    const reply = (await reader.xread(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.keys.stream,
      after,
    )) as XReadReply;
    return reply ? entriesOf(reply[0]![1]) : [];
  }

  /** The newest `count` entries at most, from `sinceMs` (Redis time) on, oldest first. */
  async recent(client: RedisClient, sinceMs: number, count: number): Promise<StreamEntry[]> {
    const pairs = (await client.xrevrange(
      this.keys.stream,
      '+',
      String(Math.max(0, Math.floor(sinceMs))),
      'COUNT',
      count,
    )) as Array<[string, string[]]>;
    return entriesOf(pairs).reverse();
  }

  /** The entries after `after`, up to `count`, oldest first (no wait). */
  async range(client: RedisClient, after: string, count: number): Promise<StreamEntry[]> {
    const pairs = (await client.xrange(this.keys.stream, `(${after}`, '+', 'COUNT', count)) as Array<
      [string, string[]]
    >;
    return entriesOf(pairs);
  }

  async info(client: RedisClient): Promise<StreamInfo> {
    let reply: unknown[];
    try {
      reply = (await client.xinfo('STREAM', this.keys.stream)) as unknown[];
    } catch (err) {
      if (err instanceof Error && /no such key/i.test(err.message)) return { lastGenerated: STREAM_START };
      throw err;
    }
    const field = (name: string) => reply[reply.indexOf(name) + 1];
    const first = field('first-entry') as [string, string[]] | null;
    return { lastGenerated: String(field('last-generated-id')), first: first?.[0] };
  }
}
