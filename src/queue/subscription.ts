import { subscribe, type JobEvent } from '../events/job-event.js';
import { EventStream } from '../events/event-stream.js';
import { EventLog } from '../store/event-log.js';
import { defaults } from '../defaults.js';
import type { Maintenance } from '../maintenance/maintenance.js';
import type { RedisClient } from '../store/connection.js';
import type { Store } from '../store/store.js';
import type { JobEvents } from './job-events.js';

/** What the subscription needs from its queue. */
export interface SubscriptionDeps {
  store: Store;
  /** The queue's command connection (its state tells whether waiting for events is worth it). */
  client: RedisClient;
  /** The queue's subscriber connection. */
  subscriber: RedisClient;
  /** Makes the connection the event stream is read on (once, when events are first wanted). */
  createReader: () => RedisClient;
  watchers: JobEvents;
  dispatch: (e: JobEvent) => void;
  /** The stream lost entries after `after` before this process read them. */
  eventsLost: (after: string) => void;
  reportError: (err: unknown) => void;
  shuttingDown: () => boolean;
}

/**
 * What a queue hears from Redis: the job events (read from the event stream once something in
 * the process wants them), the due-time and cancel hints (pub/sub), and the check, after the
 * event connection comes back, that Redis kept the jobs whose Job objects are watched.
 */
export class QueueSubscription {
  private stream?: EventStream;
  /** Settles once the due-time hints are subscribed to (this process runs maintenance). */
  private dueTimes?: Promise<unknown>;
  private eventsStarting?: Promise<void>;
  private ready = false;
  private wait?: Promise<void>;
  private verifying = false;

  constructor(private readonly deps: SubscriptionDeps) {}

  /** Whether job events are subscribed to, or on their way. */
  get wanted(): boolean {
    return this.eventsStarting !== undefined;
  }

  /**
   * Starts reading the job events (once); settles when the reading position is known. A failure
   * (Redis refusing the read, not an outage: that is waited out) goes to reportError.
   */
  listenForEvents(): Promise<void> {
    return this.startEvents().catch((err: unknown) => {
      // Shutting down before the position is read is not an error.
      if (!this.deps.shuttingDown()) this.deps.reportError(err);
    });
  }

  /** `listenForEvents`, rejecting when the start failed; a later call starts again. */
  startEvents(): Promise<void> {
    this.eventsStarting ??= this.openStream()
      .start()
      .then(
        () => {
          this.ready = true;
        },
        (err: unknown) => {
          this.eventsStarting = undefined;
          this.stream?.close();
          this.stream = undefined;
          throw err;
        },
      );
    return this.eventsStarting;
  }

  /**
   * Waits for the event stream's position so a job's first events reach it; bounded, and cut short
   * when a connection fails: then the subscription is not coming soon and the save must fail
   * (or succeed) on its own. Saves made together share one wait (and one 'error' listener).
   */
  subscribed(): Promise<void> {
    if (this.ready) return Promise.resolve();
    this.wait ??= this.waitForEvents().finally(() => (this.wait = undefined));
    return this.wait;
  }

  private async waitForEvents(): Promise<void> {
    const starting = this.listenForEvents();
    const { client, subscriber } = this.deps;
    if (client.status === 'reconnecting' || subscriber.status === 'reconnecting') return;
    let timer: NodeJS.Timeout | undefined;
    let failed: (() => void) | undefined;
    await Promise.race([
      // The due-time hints too: a job delayed by this very save must reach this process's timer.
      Promise.all([starting, this.dueTimes]),
      new Promise((r) => (timer = setTimeout(r, defaults.subscribeWait))),
      new Promise<void>((r) => subscriber.once('error', (failed = r))),
    ]);
    clearTimeout(timer);
    subscriber.off('error', failed!);
  }

  /**
   * The promotion timer hears of every job delayed by any process, the schedule timer of every
   * schedule made or resumed (a due time after an 's').
   */
  listenForDueTimes(maintenance: Maintenance): void {
    const channel = this.deps.store.keys.timers;
    this.deps.subscriber.on('message', (ch: string, text: string) => {
      if (ch !== channel) return;
      if (text.startsWith('s')) maintenance.hintSchedule(Number(text.slice(1)));
      else maintenance.hintDelayed(Number(text));
    });
    this.dueTimes = subscribe(this.deps.subscriber, channel).catch((err: unknown) => {
      if (!this.deps.shuttingDown()) this.deps.reportError(err);
    });
  }

  /**
   * The workers of this process hear of every running job cancelled anywhere (cancel.lua
   * publishes {id, lock, reason}); a message that is not such JSON is ignored, never run.
   */
  listenForCancels(cancelled: (id: number, lock: string, reason: string) => void): void {
    const channel = this.deps.store.keys.cancel;
    this.deps.subscriber.on('message', (ch: string, text: string) => {
      if (ch !== channel) return;
      let message: { id?: unknown; lock?: unknown; reason?: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        return;
      }
      const { id, lock, reason } = message ?? {};
      if (typeof id === 'string' && typeof lock === 'string' && typeof reason === 'string')
        cancelled(Number(id), lock, reason);
    });
    subscribe(this.deps.subscriber, channel).catch((err: unknown) => {
      if (!this.deps.shuttingDown()) this.deps.reportError(err);
    });
  }

  private openStream(): EventStream {
    const { deps } = this;
    const reader = deps.createReader();
    reader.on('close', () => deps.watchers.connectionLost());
    reader.on('ready', () => void this.verifyWatchers());
    this.stream = new EventStream(new EventLog(deps.store.keys), reader, deps.client, {
      event: deps.dispatch,
      lost: deps.eventsLost,
      error: (err) => {
        if (!deps.shuttingDown()) deps.reportError(err);
      },
    });
    return this.stream;
  }

  close(): void {
    this.stream?.close();
    // QUIT after what is in flight: ioredis re-subscribes on each reconnection without handling
    // the reply, and a disconnect under that SUBSCRIBE rejected it unhandled (a crash).
    const { subscriber } = this.deps;
    if (subscriber.status === 'ready') subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  /**
   * After the event subscription comes back: did Redis keep the jobs whose Job objects were
   * watched before? Its id counter below one of their ids means it restarted without its
   * data, and the new jobs reusing those ids must not look like them.
   */
  private async verifyWatchers(): Promise<void> {
    if (this.verifying) return;
    this.verifying = true;
    try {
      while (this.deps.watchers.unverified) {
        try {
          this.deps.watchers.verified(await this.deps.store.lastId());
        } catch {
          // Redis went away again: the next answer decides.
          if (this.deps.shuttingDown()) return;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } finally {
      this.verifying = false;
    }
  }
}
