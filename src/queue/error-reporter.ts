import type { EventEmitter } from 'node:events';
import { defaults } from '../defaults.js';
import { ConnectionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RedisClient } from '../store/connection.js';

/**
 * Where a queue's errors go: its 'error' listeners, or with none the logger and one process
 * warning. Repeats of one message are dropped for a while: during an outage every worker's
 * loop fails the same way each second, and that is one report, not a flood.
 */
export class ErrorReporter {
  private warnedNoListener = false;
  /** When each distinct message was last reported. */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly emitter: EventEmitter,
    private readonly logger: Logger,
  ) {}

  report(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    const now = Date.now();
    const last = this.recent.get(error.message);
    if (last !== undefined && now - last < defaults.errorRepeatWindow) return;
    this.recent.set(error.message, now);
    if (this.recent.size > 100) {
      for (const [message, at] of this.recent) if (now - at >= defaults.errorRepeatWindow) this.recent.delete(message);
    }
    if (this.emitter.listenerCount('error') > 0) {
      this.emitter.emit('error', error);
      return;
    }
    this.logger.error({ err: error }, 'kue error');
    if (!this.warnedNoListener) {
      this.warnedNoListener = true;
      process.emitWarning(`kue: ${error.message} (add queue.on('error') to handle Kue errors)`, 'KueWarning');
    }
  }

  /** Reports a connection's first error of each outage, not every reconnection attempt. */
  watch(client: RedisClient): RedisClient {
    let down = false;
    client.on('error', (err: Error) => {
      if (down) return;
      down = true;
      this.report(new ConnectionError(`redis connection error: ${err.message}`, err));
    });
    client.on('ready', () => (down = false));
    return client;
  }
}
