import type { Redis } from 'ioredis';

/**
 * Holds a redis-server busy for `ms` with a script that spins on TIME: every command that
 * reaches it meanwhile waits in its socket, and runs, in arrival order, once the script ends.
 * DEBUG SLEEP would do the same, but Redis 7 refuses DEBUG unless enable-debug-command is on.
 * Use a server of the test's own: every client of it waits.
 */
export function holdRedis(client: Redis, ms: number): Promise<unknown> {
  return client.eval(
    `local t = redis.call('TIME')
     local start = tonumber(t[1]) * 1000000 + tonumber(t[2])
     repeat t = redis.call('TIME') until tonumber(t[1]) * 1000000 + tonumber(t[2]) - start >= tonumber(ARGV[1]) * 1000
     return 1`,
    0,
    ms,
  );
}
