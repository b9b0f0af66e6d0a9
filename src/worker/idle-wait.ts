import type { RedisClient } from '../store/connection.js';
import type { Store } from '../store/store.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * An idle worker's wait for work: blocks on its type's wake marker over a connection of its
 * own, made on first use, for the idle timeout or as long as the limits said, with a watchdog
 * for a connection that never answers.
 */
export class IdleWait {
  private blocking?: RedisClient;

  constructor(
    private readonly deps: {
      store: Store;
      createBlocking: () => RedisClient;
      idleBlockSeconds: number;
      onError: (err: unknown) => void;
    },
    private readonly type: string,
  ) {}

  /** Blocks until a wake marker (or `ms`, else the idle timeout); `stillWanted` says whether an error matters. */
  async wait(ms: number | undefined, stillWanted: () => boolean): Promise<void> {
    const seconds = ms === undefined ? this.deps.idleBlockSeconds : Math.max(ms, 1) / 1_000;
    if (!this.blocking) {
      this.blocking = this.deps.createBlocking();
      // Its failures surface through the blocking call itself.
      this.blocking.on('error', () => undefined);
    }
    const client = this.blocking;
    let watchdog: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.deps.store.waitForWork(client, [this.type], seconds),
        // A half-open connection never answers: replace it rather than wait forever.
        new Promise<void>((r) => {
          watchdog = setTimeout(
            () => {
              if (this.blocking === client) this.drop();
              r();
            },
            seconds * 1_000 + 3_000,
          );
        }),
      ]);
    } catch (err) {
      if (stillWanted() && this.blocking === client) {
        this.deps.onError(err);
        await sleep(1_000);
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  /** Closes the connection, which also ends a wait in progress. */
  drop(): void {
    const client = this.blocking;
    this.blocking = undefined;
    client?.disconnect();
  }
}
