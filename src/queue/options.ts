import type { Logger } from '../logger.js';
import type { RedisSetting } from '../store/connection.js';
import type { RetentionOption } from '../store/retention.js';

/**
 * Options of `kue.createQueue()` / `new kue.Queue()`. A bad value throws a TypeError or
 * RangeError naming the option before anything connects; `null` means the default, and
 * unknown keys are ignored. Millisecond options are whole numbers up to 2^31-1.
 */
export interface QueueOptions {
  /**
   * Names this queue's keys in Redis (wrapped in a `{hash tag}` so a queue lives in one
   * cluster slot). Two prefixes are two independent queues in one Redis.
   * @default 'q'
   */
  prefix?: string;
  /**
   * Where Redis is: `{port, host, auth, db, options}`, a URL, `{socket}`, `{cluster: [nodes]}`,
   * `{sentinels: [nodes], name}` or `{createClientFactory}`.
   */
  redis?: RedisSetting;
  /**
   * How long a command may wait for Redis (ms) before it fails with a ConnectionError: a save
   * while Redis is unreachable or frozen rejects within this time. Blocking waits of idle
   * workers are not cut by it. Ignored with `createClientFactory`.
   * @default 10000
   */
  commandTimeout?: number;
  /**
   * Acknowledge a save only once replicas hold it (`WAIT` after the save script, on the same
   * connection): a failover right after then cannot lose it. `true` waits for 1 replica for up
   * to 1,000 ms. A save no replica confirms in time rejects with `NotReplicatedError` (it may
   * have been saved); set `min-replicas-to-write` on the masters too, so that a master cut off
   * from its replicas refuses saves outright (also `NotReplicatedError`, nothing written).
   * @default false
   */
  durableSaves?: boolean | { replicas?: number; timeout?: number };
  /**
   * How long Redis remembers each save (ms), so that the same save reaching it again makes no
   * second job: ioredis resending it after a reconnection that lost its reply, or your retry of
   * the same Job object after a ConnectionError "may have been saved". Each save call's reply
   * costs Redis about 130 bytes for this long (a `saveAll` of 1,000 jobs is one call per 1,000).
   * 0 keeps nothing (a resent save may then make its jobs twice). See docs/reliability.md.
   * @default 60000
   */
  saveRetryWindow?: number;
  /**
   * Prometheus metrics of the queue (`queue.metrics`, `GET /metrics`; docs/metrics.md).
   * `maxTypes`: how many job types are exported under their own `type` label; the others are
   * summed as `type="_other"` (a type once named stays named). `lease` (ms): how long after a
   * scrape the scripts that end jobs keep counting; nothing is counted before the first scrape.
   * @default { maxTypes: 200, lease: 3600000 }
   * @example createQueue({ metrics: { maxTypes: 50 } })
   */
  metrics?: { maxTypes?: number; lease?: number };
  /**
   * Keep saved Job objects in memory to emit job-level events on them. Queue-level events
   * (`job complete`, ...) fire either way.
   * @default true
   */
  jobEvents?: boolean;
  /**
   * `false` indexes each job's `searchKeys` (default: its whole data), and always its string
   * `data.title`, for `queue.admin.search` and `GET /job/search`. Off by default, as in
   * Kue >= 0.9: each distinct word costs a save one more write.
   * @default true
   */
  disableSearch?: boolean;
  /**
   * Priority names and numbers; replaces Kue's default map when given. (TypeScript: declare
   * new names by augmenting `PriorityNames`.)
   */
  priorities?: Record<string, number>;
  /** How long a worker's lock on an active job lasts without renewal (ms). @default 20000 */
  lockDuration?: number;
  /** How many times a job may stall (its worker vanished) and still run again. @default 2 */
  maxStalls?: number;
  /** Longest pause of the promotion and stall timers when nothing is due (ms). @default 5000 */
  maintenanceInterval?: number;
  /** Run promotion of delayed jobs and recovery of stalled ones in this process. @default true */
  maintenance?: boolean;
  /**
   * The event stream (docs/events.md): `maxLen` is how many entries Redis keeps (one per
   * script call that emits, about 70 bytes each with small results), so how long a listener
   * may be disconnected and still receive every event. Give every process the same value:
   * each trims the stream to its own.
   * @default { maxLen: 100000 }
   */
  events?: { maxLen?: number };
  /**
   * Where Kue logs its own messages (worker started, attempts failed, locks lost, stalled jobs
   * recovered, connections lost and restored, slow scripts): a pino logger, or any object with
   * `debug`, `warn` and `error` (and optionally `info` and `child`) called as pino's are,
   * `(fields, message)`. Each entry carries `queue` (the prefix). See docs/logging.md.
   * @default silent
   * @example createQueue({ logger: pino({ level: 'info' }) })
   */
  logger?: Logger;
  /**
   * `removeOnComplete` of every job saved through this queue that sets none itself: `true`,
   * a count of completed jobs to keep per type, or `{age (seconds), count}`.
   * @default false
   * @example createQueue({ removeOnComplete: { age: 24 * 3600, count: 1000 } })
   */
  removeOnComplete?: RetentionOption;
  /** `removeOnFail` of every job saved through this queue that sets none itself. @default false */
  removeOnFail?: RetentionOption;
  /**
   * Make OpenTelemetry spans (a producer span per save, a consumer span per run) when the
   * application has `@opentelemetry/api` installed and a tracer provider registered
   * (docs/tracing.md). `false` skips the API altogether. @default true
   */
  tracing?: boolean;
  // --- logs (docs/logging.md) ---
  /**
   * A script call whose round trip takes longer than this (ms) logs a warning with the
   * script's name and the time it took. 0 logs none.
   * @default 1000
   */
  slowScriptThreshold?: number;
  // --- end of logs ---
}
