// What a queue logs about its connections and its scripts (docs/logging.md). Nothing is
// attached or measured for a queue without a logger.
import { isSilent, type BoundLogger } from '../logger.js';
import type { RedisClient } from '../store/connection.js';
import type { SlowScripts } from '../store/scripts.js';

/** What a connection is, in its log entries: `role` ('command', 'subscriber', 'events', 'worker') and a worker's `type`. */
export interface ConnectionFields {
  role: string;
  type?: string;
}

/** A URL's credentials (`redis://user:password@host`) cut from a message: a log is no place for them. */
export function withoutCredentials(message: string): string {
  return message.replace(/\/\/[^/@\s]*@/g, '//');
}

/**
 * Logs each outage of a connection once: when ioredis first tries to reconnect (warn, with
 * the error that cut it, if any), the first other error of the reconnection attempts (warn:
 * why it stays down), and when it is ready again (info, with how long it was down). Messages
 * only: never the connection's options, which may hold a password. Its first connection is
 * logged at debug.
 */
export function logConnection(client: RedisClient, logger: BoundLogger, fields: ConnectionFields): RedisClient {
  if (isSilent(logger)) return client;
  let connected = false;
  let downSince: number | undefined;
  let lastError: string | undefined;
  /** The error that cut the connection, said in the outage's first entry. */
  let cutBy: string | undefined;
  let stillDownSaid = false;
  client.on('error', (err: Error) => {
    lastError = withoutCredentials(err.message);
    if (downSince === undefined || stillDownSaid || lastError === cutBy) return;
    stillDownSaid = true;
    logger.warn({ ...fields, error: lastError }, 'kue: Redis connection still down');
  });
  client.on('reconnecting', () => {
    if (downSince !== undefined) return;
    downSince = Date.now();
    cutBy = lastError;
    stillDownSaid = false;
    const entry = lastError === undefined ? fields : { ...fields, error: lastError };
    if (connected) logger.warn(entry, 'kue: Redis connection lost, reconnecting');
    else logger.warn(entry, 'kue: cannot connect to Redis, retrying');
  });
  client.on('ready', () => {
    if (downSince === undefined) logger.debug(fields, 'kue: Redis connection ready');
    else if (connected) logger.info({ ...fields, downMs: Date.now() - downSince }, 'kue: Redis connection restored');
    else logger.info({ ...fields, downMs: Date.now() - downSince }, 'kue: Redis connection ready');
    connected = true;
    downSince = undefined;
    lastError = undefined;
  });
  return client;
}

/** How often one script's slowness is logged at most (ms): a slow Redis slows every call. */
const SLOW_SCRIPT_LOG_EVERY = 1_000;

/**
 * The Store's slow-script report, as log entries: one per script name per second at most,
 * with how many more calls were slow since the last entry. Undefined for a silent logger.
 */
export function slowScriptLog(logger: BoundLogger, threshold: number): SlowScripts | undefined {
  if (isSilent(logger) || threshold <= 0) return undefined;
  const last = new Map<string, { at: number; more: number }>();
  return {
    threshold,
    report(script, ms) {
      const now = Date.now();
      const seen = last.get(script);
      if (seen && now - seen.at < SLOW_SCRIPT_LOG_EVERY) {
        seen.more++;
        return;
      }
      last.set(script, { at: now, more: 0 });
      const entry = {
        script,
        ms: Math.round(ms),
        threshold,
        ...(seen && seen.more > 0 && { moreSlowCalls: seen.more }),
      };
      logger.warn(entry, 'kue: slow script: Redis took longer than the threshold to answer');
    },
  };
}
