import type { Logger } from '../logger.js';
import type { RedisClient } from '../store/connection.js';
import type { Store } from '../store/store.js';

/** The warning for a Redis whose maxmemory-policy lets it delete keys when memory runs out. */
export function evictionMessage(policy: string): string {
  return (
    `Redis maxmemory-policy is "${policy}", not "noeviction": when Redis reaches maxmemory it may ` +
    'evict job keys, and those jobs are lost. Set maxmemory-policy to noeviction ' +
    '(CONFIG SET maxmemory-policy noeviction, and in redis.conf); Kue then refuses saves with ' +
    'OutOfMemoryError instead of losing jobs.'
  );
}

/**
 * Reads the server's eviction policy once, when the connection is first ready (not on every
 * reconnection: one warning per queue), and calls `warn` unless it is noeviction. A server
 * that does not answer INFO (renamed, ACL) is not an error: nothing is said.
 */
export function checkEvictionPolicy(
  client: RedisClient,
  store: Store,
  logger: Logger,
  warn: (message: string, policy: string) => void,
): void {
  const check = () => {
    store.evictionPolicy().then(
      (policy) => {
        if (policy !== null && policy !== 'noeviction') warn(evictionMessage(policy), policy);
      },
      (err: unknown) => logger.debug({ err }, 'kue: could not read the Redis eviction policy'),
    );
  };
  if (client.status === 'ready') check();
  else client.once('ready', check);
}
