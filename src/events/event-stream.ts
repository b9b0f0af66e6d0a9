import type { RedisClient } from '../store/connection.js';
import { compareIds, type EventLog, type StreamEntry } from '../store/event-log.js';
import { parseEvents, type JobEvent } from './job-event.js';

/** Entries per read: a reader that falls behind catches up in large steps. */
const READ_BATCH = 1_000;
/** How long one read waits for new entries (ms); the loop then reads again. */
const READ_BLOCK = 5_000;
/** Pause after a failed read before the next (ms). */
const RETRY_AFTER = 500;

/** What the reader hands on. */
export interface EventStreamHandlers {
  event: (event: JobEvent) => void;
  /**
   * Entries after `after` were trimmed before this reader got them (it was away longer than
   * the cap covers, or fell behind), or Redis lost the stream (restarted without its data, or
   * failed over to a replica that had not received them).
   */
  lost: (after: string) => void;
  error: (err: unknown) => void;
}

/**
 * Reads a queue's event stream on a connection of its own, from where it left off: after a
 * reconnection (the connection dropped, CLIENT KILL) ioredis sends the pending read again with
 * the same position, so every entry is handed on once, in order. A gap it cannot cover is
 * reported as `lost`.
 */
export class EventStream {
  /** The id of the last entry handed on (or of the stream's newest when reading began). */
  private after?: string;
  private starting?: Promise<void>;
  private closed = false;
  /** The connection broke or a read came back full: entries may have been trimmed meanwhile. */
  private suspect = false;

  constructor(
    private readonly log: EventLog,
    /** The connection that blocks in XREAD: made for this, it may still be connecting at start. */
    private readonly reader: RedisClient,
    /** The queue's command connection, usually connected already: the first position is read on it. */
    private readonly command: RedisClient,
    private readonly handlers: EventStreamHandlers,
  ) {
    reader.on('close', () => (this.suspect = true));
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
      let entries: StreamEntry[];
      try {
        entries = await this.log.read(this.reader, from, READ_BATCH, READ_BLOCK);
        if (this.suspect) await this.checkGap(from);
      } catch (err) {
        if (this.closed) return;
        this.handlers.error(err);
        await new Promise((r) => setTimeout(r, RETRY_AFTER));
        continue;
      }
      if (this.after !== from) continue; // moved back by checkGap: read again from there
      for (const entry of entries) {
        this.after = entry.id;
        for (const event of parseEvents(entry.text, entry.id)) {
          try {
            this.handlers.event(event);
          } catch (err) {
            this.handlers.error(err);
          }
        }
      }
      if (entries.length === READ_BATCH) this.suspect = true;
    }
  }

  /**
   * Whether entries after `from` were trimmed before this reader got them: the oldest entry
   * kept is past `from`. (Redis counts only XDEL in its max-deleted-entry-id, not trimming.)
   * When `from` was the last entry of the node trimmed, and the next one kept, no entry was
   * in fact missed: the report errs on that side.
   */
  private async checkGap(from: string): Promise<void> {
    const info = await this.log.info(this.reader);
    this.suspect = false;
    if (compareIds(info.lastGenerated, from) < 0) {
      // The stream went back in time: Redis lost it. Read from its present newest entry on.
      this.after = info.lastGenerated;
      this.handlers.lost(from);
      return;
    }
    if (info.first !== undefined && compareIds(info.first, from) > 0) this.handlers.lost(from);
  }
}
