import type { RedisClient } from './connection.js';
import { decodeJob, type JobRecord } from './codec.js';
import { compareIds, EventLog, type StreamEntry } from './event-log.js';
import type { Keys } from './keys.js';
import { readError } from './redis-errors.js';
import { decodeMinute, type AttemptError, type MinuteCounters } from './replies.js';

/**
 * The plain reads of a queue's keys (single commands or pipelines of them; none changes a
 * job). A failure to reach Redis surfaces as a ConnectionError that says what could not be
 * read, never as ioredis' own error text.
 */
export abstract class StoreReads {
  constructor(
    readonly client: RedisClient,
    readonly keys: Keys,
  ) {}

  /** Sends the batched saves and progress reports, so a read after job.save() sees them. */
  protected abstract flushPending(): void;

  private async read<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw readError(err, what);
    }
  }

  /** Runs a pipeline of reads, failing as a whole when any of them failed. */
  private async pipelined(
    what: string,
    fill: (pipeline: ReturnType<RedisClient['pipeline']>) => void,
  ): Promise<unknown[]> {
    return this.read(what, async () => {
      const pipeline = this.client.pipeline();
      fill(pipeline);
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([err, raw]) => {
        if (err) throw err;
        return raw;
      });
    });
  }

  async pausedTypes(): Promise<string[]> {
    return (await this.read('the paused types', () => this.client.smembers(this.keys.paused))).sort();
  }

  /** Ids of the jobs indexed under every one of the words. */
  async search(words: string[]): Promise<number[]> {
    if (words.length === 0) return [];
    const ids = await this.read('the search index', () => this.client.sinter(...words.map((w) => this.keys.search(w))));
    return ids.map(Number).sort((a, b) => a - b);
  }

  /** Per-minute counters of each minute in [fromMinute, toMinute], by type then field. */
  async minuteStats(fromMinute: number, toMinute: number): Promise<MinuteCounters[]> {
    const replies = await this.pipelined('the minute statistics', (pipeline) => {
      for (let m = fromMinute; m <= toMinute; m++) pipeline.hgetall(this.keys.minute(m));
    });
    return replies.map((raw, i) => decodeMinute(fromMinute + i, raw as Record<string, string>));
  }

  async getJob(id: number): Promise<JobRecord | null> {
    this.flushPending();
    return decodeJob(id, await this.read(`job ${id}`, () => this.client.hgetall(this.keys.job(id))));
  }

  async getJobs(ids: number[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    this.flushPending();
    const replies = await this.pipelined(`${ids.length} jobs`, (pipeline) => {
      for (const id of ids) pipeline.hgetall(this.keys.job(id));
    });
    return replies.flatMap((raw, i) => decodeJob(ids[i]!, raw as Record<string, string>) ?? []);
  }

  /** The job's failed attempts, oldest first (the latest 50). */
  async getErrors(id: number): Promise<AttemptError[]> {
    const entries = await this.read(`the errors of job ${id}`, () => this.client.lrange(this.keys.errors(id), 0, -1));
    return entries.flatMap((text) => {
      try {
        return [JSON.parse(text) as AttemptError];
      } catch {
        return [];
      }
    });
  }

  async getLog(id: number): Promise<string[]> {
    return this.read(`the log of job ${id}`, () => this.client.lrange(this.keys.log(id), 0, -1));
  }

  async types(): Promise<string[]> {
    return (await this.read('the job types', () => this.client.smembers(this.keys.types))).sort();
  }

  /**
   * The server's maxmemory-policy, from INFO (which needs no CONFIG permission), or null when
   * INFO does not tell.
   */
  async evictionPolicy(): Promise<string | null> {
    const info = await this.read('the server memory info', () => this.client.info('memory'));
    return /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? null;
  }

  async workTime(): Promise<number> {
    return Number((await this.read('the work time', () => this.client.get(this.keys.workTime))) ?? 0);
  }

  /**
   * Up to `count` entries of the event stream after the entry `after`, oldest first, and
   * whether entries after it were trimmed already (`after` is gone: the history has a gap).
   */
  async eventsAfter(after: string, count: number): Promise<{ entries: StreamEntry[]; gap: boolean }> {
    const read = await this.read('the event stream', () => new EventLog(this.keys).readFrom(this.client, after, count));
    return { entries: read.entries, gap: !read.contiguous };
  }

  /**
   * Up to `count` entries of the event stream from `sinceMs` on (the oldest, or the newest of
   * them), oldest first, and whether the stream no longer reaches back to `sinceMs` (entries
   * were trimmed since).
   */
  async eventsSince(
    sinceMs: number,
    count: number,
    newest: boolean,
  ): Promise<{ entries: StreamEntry[]; gap: boolean }> {
    const log = new EventLog(this.keys);
    return this.read('the event stream', async () => {
      const [entries, info] = await Promise.all([
        log.since(this.client, sinceMs, count, newest),
        log.info(this.client),
      ]);
      const gap = info.trimmed && info.first !== undefined && compareIds(info.first, `${sinceMs}-0`) > 0;
      return { entries, gap };
    });
  }

  /** The last id given to a job (0 before the first save, or after Redis lost its data). */
  async lastId(): Promise<number> {
    return Number((await this.read('the last job id', () => this.client.get(this.keys.ids))) ?? 0);
  }

  /**
   * Blocks a dedicated connection until a wake marker for one of the types appears, or the
   * timeout passes. Returns the type whose marker was taken, or null on timeout.
   */
  async waitForWork(blocking: RedisClient, types: string[], seconds: number): Promise<string | null> {
    const reply = await blocking.blpop(...types.map((t) => this.keys.wake(t)), seconds);
    if (!reply) return null;
    const key = reply[0];
    return types.find((t) => this.keys.wake(t) === key) ?? null;
  }

  /** Puts a consumed wake marker back (a worker woke but will not take jobs after all). */
  async returnWake(type: string): Promise<void> {
    await this.client.rpush(this.keys.wake(type), '1');
  }
}
