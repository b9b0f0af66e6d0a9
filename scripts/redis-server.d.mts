// The launcher's own declarations, so that these cannot drift from what dist/ is built from.
export {
  commandLine,
  freePort,
  hasRedisServer,
  isAlive,
  isRedisOn,
  killStartedRedisNow,
  ping,
  startRedis,
  stopStartedRedis,
  type RedisExit,
  type RedisOptions,
  type RedisProcess,
} from '../src/cli/redis-process.js';
export function ensureRedisServer(log?: (line: string) => void): boolean;
