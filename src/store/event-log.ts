import type { RedisClient } from './connection.js';
import type { Keys } from './keys.js';

/** One entry of the event stream: its id, and one JSON event or a JSON array of them. */
export interface StreamEntry {
  id: string;
  text: string;
}

/** What XINFO STREAM tells of the stream. */
export interface StreamInfo {
  /** The oldest id still kept, if any. */
  first?: string;
  /** Whether entries were ever trimmed from it (Redis 7 counts what was added; on 6.2, assumed). */
  trimmed: boolean;
}

/** A read that checks it follows on from where the reader was. */
export interface ContiguousRead {
  /** The id of the last entry read, if any. */
  last?: string;
  /** The entries after `from`, oldest first. */
  entries: StreamEntry[];
  /** Whether `from` was still there: then nothing after it was trimmed unread. */
  contiguous: boolean;
  /** Whether the read returned as many entries as it asked for (more may follow). */
  full?: boolean;
}

/** The id '0-0': before every entry. */
export const STREAM_START = '0-0';

/** Whether `text` has the shape of a stream entry id ('<ms>-<seq>'). */
export function isEntryId(text: unknown): text is string {
  return typeof text === 'string' && /^\d{1,20}-\d{1,20}$/.test(text);
}

/** Orders two stream ids ('<ms>-<seq>'). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

type Pairs = Array<[string, string[]]>;
type XReadReply = Array<[string, Pairs]> | null;

function entriesOf(pairs: Pairs): StreamEntry[] {
  // Each entry has one field, 'm'; anything else is not ours and is skipped.
  return pairs.filter(([, fields]) => fields[0] === 'm').map(([id, fields]) => ({ id, text: String(fields[1]) }));
}

/** An XREAD of up to `count` entries as a ContiguousRead. */
function readOf(reply: XReadReply, count: number, contiguous: boolean): ContiguousRead {
  const pairs = reply?.[0]?.[1] ?? [];
  return { entries: entriesOf(pairs), contiguous, last: pairs.at(-1)?.[0], full: pairs.length >= count };
}

/** Whether `id` is still in the stream, from an XRANGE of it (STREAM_START always is). */
function stillThere(id: string, kept: Pairs): boolean {
  return id === STREAM_START || kept.length > 0;
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

  /**
   * Up to `count` entries after `from`, read from `from` itself: trimming removes the oldest
   * entries first, so while `from` is there nothing after it was trimmed. One command, so the
   * check and the read see one instant. (From STREAM_START nothing can be checked.)
   */
  async readFrom(client: RedisClient, from: string, count: number): Promise<ContiguousRead> {
    if (from === STREAM_START) {
      const pairs = (await client.xrange(this.keys.stream, '-', '+', 'COUNT', count)) as Pairs;
      return { entries: entriesOf(pairs), contiguous: true, last: pairs.at(-1)?.[0] };
    }
    const pairs = (await client.xrange(this.keys.stream, from, '+', 'COUNT', count + 1)) as Pairs;
    const contiguous = pairs[0]?.[0] === from;
    const after = contiguous ? pairs.slice(1) : pairs;
    return { entries: entriesOf(after), contiguous, last: after.at(-1)?.[0] };
  }

  /**
   * Waits up to `blockMs` for entries after `from` and reads up to `count` of them. With
   * `check`, then looks at `from` in the same round trip (XRANGE, pipelined): there after the
   * read means it was there when the read was served, so nothing after it had been trimmed
   * unread; gone, a gap is assumed (it may have been trimmed only just after). Without, the read
   * is taken as contiguous: see EventStream for when that holds.
   */
  async readAfter(
    reader: RedisClient,
    from: string,
    count: number,
    blockMs: number,
    check: boolean,
  ): Promise<ContiguousRead> {
    const xread = ['COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.keys.stream, from] as const;
    if (!check) return readOf((await reader.xread(...xread)) as XReadReply, count, true);
    const replies = await reader
      .pipeline()
      .xread(...xread)
      .xrange(this.keys.stream, from, from)
      .exec();
    const [[readError, read], [checkError, kept]] = replies as Array<[Error | null, unknown]> as [
      [Error | null, XReadReply],
      [Error | null, Pairs],
    ];
    if (readError ?? checkError) throw readError ?? checkError;
    return readOf(read, count, stillThere(from, kept));
  }

  /** Whether the entry `id` is still in the stream (STREAM_START always is). */
  async holds(client: RedisClient, id: string): Promise<boolean> {
    if (id === STREAM_START) return true;
    return stillThere(id, (await client.xrange(this.keys.stream, id, id)) as Pairs);
  }

  /** Up to `count` entries from `sinceMs` (Redis time) on, oldest first: the oldest of them, or the newest. */
  async since(client: RedisClient, sinceMs: number, count: number, newest: boolean): Promise<StreamEntry[]> {
    const since = String(Math.max(0, Math.floor(sinceMs)));
    if (!newest) return entriesOf((await client.xrange(this.keys.stream, since, '+', 'COUNT', count)) as Pairs);
    return entriesOf((await client.xrevrange(this.keys.stream, '+', since, 'COUNT', count)) as Pairs).reverse();
  }

  async info(client: RedisClient): Promise<StreamInfo> {
    let reply: unknown[];
    try {
      reply = (await client.xinfo('STREAM', this.keys.stream)) as unknown[];
    } catch (err) {
      if (err instanceof Error && /no such key/i.test(err.message)) return { trimmed: false };
      throw err;
    }
    const field = (name: string) => (reply.includes(name) ? reply[reply.indexOf(name) + 1] : undefined);
    const first = field('first-entry') as [string, string[]] | null;
    const added = field('entries-added');
    return { first: first?.[0], trimmed: added === undefined || Number(added) > Number(field('length')) };
  }
}
