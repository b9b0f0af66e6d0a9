import type { RedisClient } from '../store/connection.js';
import type { EventLog, StreamEntry } from '../store/event-log.js';
import { defaults } from '../defaults.js';
import { parseEvents, type JobEvent } from './job-event.js';

/** Entries per read at most: no more than any process's cap keeps (see EventStream). */
const READ_BATCH = defaults.eventsMinLen;
/** How long one read waits for new entries (ms); the loop then reads again. */
const READ_BLOCK = 5_000;
/** Pause after a failed read before the next (ms). */
const RETRY_AFTER = 500;
/**
 * Under a heavy flow (more than GATHER_RATE entries per ms, over windows of GATHER_WINDOW ms)
 * each read waits GATHER_MS first, so it takes several entries, not one: Redis then serves a
 * fraction of the reads. A lighter flow is read at once, with no added delay.
 */
const GATHER_RATE = 2;
const GATHER_WINDOW = 20;
const GATHER_MS = 2;

/** What the reader hands on. */
export interface EventStreamHandlers {
  event: (event: JobEvent) => void;
  /**
   * The entry `after`, the last this reader handed on, is gone: the entries after it may have
   * been trimmed before this reader got them, or Redis lost the stream.
   */
  lost: (after: string) => void;
  error: (err: unknown) => void;
}

/**
 * Reads a queue's event stream on a connection of its own, from where it left off: after a
 * reconnection (the connection dropped, CLIENT KILL) it reads on from the same entry, so every
 * entry is handed on once, in order.
 *
 * A gap (entries trimmed before this reader got them, or a stream Redis lost) shows as the
 * entry read last being gone. Looking for it costs Redis a command, so it is looked for only
 * where a gap can hide. Scripts trim approximately, which always keeps at least the cap of the
 * process that trims, and no process's cap is under READ_BATCH. So a trim that cut an entry
 * after this reader's position left at least READ_BATCH entries, all after that position, and
 * the next read comes back full: a read that does not is contiguous, and only full reads are
 * checked (after the fact: the position gone then is reported as a gap). Redis restarted from
 * an older snapshot or failed over to a replica behind lose entries too, and both come with a
 * reconnection: the first read and the first after a failed read or a reconnection are checked
 * in the same round trip (a pipelined XRANGE of the position), and a read answered across a
 * reconnection (ioredis sends it again) after the fact. On Redis Cluster every read is
 * checked (see checkAll). A stream trimmed by hand to fewer entries than READ_BATCH, or
 * deleted, while this reader stays connected, goes unnoticed.
 */
export class EventStream {
  /** The id of the last entry handed on (or of the stream's newest when reading began). */
  private after?: string;
  private starting?: Promise<void>;
  private closed = false;
  /** The entries read since `windowAt` (performance.now()), and whether the last window was heavy. */
  private windowAt = 0;
  private windowEntries = 0;
  private heavyFlow = false;
  /** Whether the next read is checked (the first, and the first after a failure or a reconnection). */
  private checkNext = true;
  /**
   * Whether every read is checked: a cluster client follows a failover (a MOVED reply, a
   * node's connection replaced) without a 'ready' of its own, so no read can be known safe.
   */
  private readonly checkAll: boolean;
  /** Counts the reader's connections: a read sent on one and answered on the next spans a reconnection. */
  private connection = 0;

  constructor(
    private readonly log: EventLog,
    /** The connection that blocks in XREAD: made for this, it may still be connecting at start. */
    private readonly reader: RedisClient,
    /** The queue's command connection, usually connected already: the first position is read on it. */
    private readonly command: RedisClient,
    private readonly handlers: EventStreamHandlers,
  ) {
    this.checkAll = (reader as { isCluster?: boolean }).isCluster === true;
    reader.on('ready', () => {
      this.connection++;
      this.checkNext = true;
    });
  }

  /**
   * Begins reading after the stream's newest entry (once): settles when the position is known,
   * so that every event of a job saved afterwards is read (a save by this process waits for
   * it: the position is read on the connected command connection, not the new reader's).
   * Waits while Redis is unreachable.
   */
  start(): Promise<void> {
    this.starting ??= this.log
      .tail(this.command)
      // The command connection gives up on an unreachable Redis; the reader waits for it.
      .catch(() => this.log.tail(this.reader))
      .then((id) => {
        this.after = id;
        void this.loop();
      });
    return this.starting;
  }

  close(): void {
    this.closed = true;
    this.reader.disconnect();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const from = this.after!;
      try {
        const check = this.checkNext || this.checkAll;
        const connection = this.connection;
        const read = await this.log.readAfter(this.reader, from, READ_BATCH, READ_BLOCK, check);
        this.checkNext = false;
        // ioredis sends a read again on the new connection: what happened meanwhile is unknown.
        const unsure = read.full || this.connection !== connection;
        const contiguous = read.contiguous && (check || !unsure || (await this.log.holds(this.reader, from)));
        if (!contiguous) await this.gap(from, read.last);
        if (read.last !== undefined) this.after = read.last;
        this.hand(read.entries);
        if (this.heavy(read.entries.length)) await new Promise((r) => setTimeout(r, GATHER_MS));
      } catch (err) {
        if (this.closed) return;
        this.checkNext = true;
        this.handlers.error(err);
        await new Promise((r) => setTimeout(r, RETRY_AFTER));
      }
    }
  }

  /** Whether the flow of entries is heavy enough to gather them (see GATHER_RATE). */
  private heavy(read: number): boolean {
    this.windowEntries += read;
    const at = performance.now();
    if (at - this.windowAt >= GATHER_WINDOW) {
      this.heavyFlow = this.windowEntries / (at - this.windowAt) > GATHER_RATE;
      this.windowAt = at;
      this.windowEntries = 0;
    }
    return this.heavyFlow && read > 0;
  }

  private hand(entries: StreamEntry[]): void {
    for (const entry of entries) {
      for (const event of parseEvents(entry.text, entry.id)) {
        try {
          this.handlers.event(event);
        } catch (err) {
          this.handlers.error(err);
        }
      }
    }
  }

  /**
   * The entry read last is gone: the entries after it were trimmed before this reader got
   * them (it was away, or blocked, longer than the cap covers), or Redis lost the stream
   * (restarted from an older snapshot or without data, failed over to a replica behind).
   * When `from` itself was the only entry trimmed, no event was in fact missed: the report
   * errs on that side. With nothing after it, reading goes on from the stream's newest entry.
   */
  private async gap(from: string, next: string | undefined): Promise<void> {
    if (next === undefined) this.after = await this.log.tail(this.reader);
    this.handlers.lost(from);
  }
}
