// `kue dev`: a redis-server of its own (unless given one) and the dashboard, for development.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaults } from '../defaults.js';
import { startDashboard, type Dashboard, type DashboardOptions } from './dashboard.js';
import { lockDataDir } from './data-dir-lock.js';
import { CliError } from './cli-error.js';
import {
  hasRedisServer,
  REDIS_SERVER_MISSING,
  startRedis,
  type RedisExit,
  type RedisProcess,
} from './redis-process.js';

/** Where the managed redis-server keeps its data, relative to the working directory. */
export const DATA_DIR = join('.kue', 'redis');

export interface DevOptions extends Omit<DashboardOptions, 'host' | 'anyPortIfTaken'> {
  /** The folder `.kue/redis` is created in. @default process.cwd() */
  cwd?: string;
  /** Called when the managed redis-server exits while the dashboard still runs. */
  onRedisExit?: (exit: RedisExit) => void;
}

export interface Dev {
  readonly dashboard: Dashboard;
  /** The Redis the dashboard uses: the managed one, or the one given. */
  readonly redisUrl: string;
  /** The redis-server started by `startDev`, when no Redis was given. */
  readonly redis?: RedisProcess;
  /** Closes the dashboard, then stops the managed redis-server. Safe to call more than once. */
  close(): Promise<void>;
  /** Signals the managed redis-server to stop, without waiting: for a forced exit. */
  killNow(): void;
}

/**
 * Starts the managed redis-server (when `options.redis` is not given) with its data in
 * `.kue/redis`, then the dashboard: on the port asked for, or on 3000 or else any free port.
 */
export async function startDev(options: DevOptions = {}): Promise<Dev> {
  const { cwd = process.cwd(), onRedisExit, ...dashboardOptions } = options;
  let redis: RedisProcess | undefined;
  let release = () => {};
  if (options.redis === undefined) {
    // Checked first so that a failed start leaves no .kue folder behind.
    if (!hasRedisServer()) throw new CliError(REDIS_SERVER_MISSING);
    const dir = resolve(cwd, DATA_DIR);
    mkdirSync(dir, { recursive: true });
    const lock = lockDataDir(dir, DATA_DIR);
    release = () => lock.release();
    try {
      redis = await startRedis({ dir, shownDir: DATA_DIR, persist: true, ownProcessGroup: true });
    } catch (err) {
      release();
      throw err;
    }
    lock.record(redis.pid, redis.port);
  }
  const stopRedis = async () => {
    await redis?.stop();
    release();
  };

  let dashboard: Dashboard;
  try {
    dashboard = await startDashboard({
      ...dashboardOptions,
      redis: redis?.url ?? options.redis,
      port: options.port ?? defaults.port,
      // Only the default port gives way: a port the user asked for is theirs or an error.
      anyPortIfTaken: options.port === undefined,
    });
  } catch (err) {
    await stopRedis();
    throw err;
  }

  let closing: Promise<void> | undefined;
  void redis?.exited.then((exit) => {
    if (!closing) onRedisExit?.(exit);
  });
  return {
    dashboard,
    redisUrl: redis?.url ?? options.redis!,
    redis,
    close() {
      closing ??= dashboard.close().then(stopRedis);
      return closing;
    },
    killNow() {
      redis?.killNow();
    },
  };
}
