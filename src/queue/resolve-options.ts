import { defaults } from '../defaults.js';
import { silentLogger, type Logger } from '../logger.js';
import type { RedisSetting } from '../store/connection.js';
import type { RetentionOption } from '../store/retention.js';
import type { QueueOptions } from './options.js';
import * as check from './validate.js';

/** The options of a queue, checked, with every default filled in. */
export interface ResolvedQueueOptions {
  prefix: string;
  /** Checked by the connection factory, which knows its many shapes. */
  redis: RedisSetting | undefined;
  /**
   * Unset unless given: the connection factory then applies its default, and a
   * `redis.options.commandTimeout` of the user's still holds.
   */
  commandTimeout: number | undefined;
  /** What a save waits for; undefined: nothing. */
  durableSaves: { replicas: number; timeout: number } | undefined;
  saveRetryWindow: number;
  metrics: { maxTypes: number; lease: number };
  jobEvents: boolean;
  /** The event stream: how many entries it keeps. */
  events: { maxLen: number };
  disableSearch: boolean;
  priorities: Record<string, number>;
  lockDuration: number;
  maxStalls: number;
  maintenanceInterval: number;
  maintenance: boolean;
  logger: Logger;
  removeOnComplete: RetentionOption;
  removeOnFail: RetentionOption;
  tracing: boolean;
  // --- logs (docs/logging.md) ---
  /** A script call answered later than this logs a warning (ms); 0: never. */
  slowScriptThreshold: number;
  // --- end of logs ---
}

const LOGGER_METHODS = ['debug', 'warn', 'error'] as const;
const OPTIONAL_LOGGER_METHODS = ['info', 'child'] as const;

function logger(value: unknown): Logger {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `logger must be an object with debug, warn and error functions (pino and console fit), got ${check.describe(value)}`,
    );
  }
  const methods = value as Record<string, unknown>;
  const missing = LOGGER_METHODS.filter((m) => typeof methods[m] !== 'function');
  if (missing.length > 0) {
    // Its JSON would not show its functions: say which are missing.
    throw new TypeError(
      `logger must have debug, warn and error functions (pino and console fit): it has no ${missing.join(', ')}`,
    );
  }
  for (const m of OPTIONAL_LOGGER_METHODS) {
    if (methods[m] !== undefined && typeof methods[m] !== 'function')
      throw new TypeError(`logger.${m} must be a function when given, got ${check.describe(methods[m])}`);
  }
  return value as Logger;
}

/** A map of priority names to numbers; each number as `job.priority(n)` takes it. */
function priorities(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`priorities must be an object of names and numbers, got ${check.describe(value)}`);
  }
  for (const [name, level] of Object.entries(value)) {
    if (typeof level !== 'number')
      throw new TypeError(`priorities.${name} must be a number, got ${check.describe(level)}`);
    try {
      check.priority(level);
    } catch (err) {
      throw new RangeError(`priorities.${name}: ${(err as Error).message}`);
    }
  }
  return value as Record<string, number>;
}

/**
 * Applies an option's check when it is given, else takes its default. Null counts as not
 * given, as it always did (Kue 0.11 read its options with `||`).
 */
function given<T>(value: unknown, fallback: T, validate: (value: unknown) => T): T {
  return value === undefined || value === null ? fallback : validate(value);
}

function eventsMaxLen(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`events must be an object like {maxLen: 100000}, got ${check.describe(value)}`);
  for (const key of Object.keys(value))
    if (key !== 'maxLen') throw new TypeError(`events takes only maxLen, got "${key}"`);
  const { maxLen } = value as { maxLen?: unknown };
  return given(maxLen, defaults.eventsMaxLen, (v) =>
    check.integer('events.maxLen', v, defaults.eventsMinLen, 100_000_000),
  );
}

/**
 * Checks the options of `createQueue` / `new Queue` and fills in the defaults: a bad option
 * throws a TypeError (wrong type) or RangeError (bad value) naming it, before anything
 * connects to Redis. Keys it does not know are ignored: Kue 0.11 programs pass some.
 */
export function resolveQueueOptions(options: QueueOptions | null | undefined): ResolvedQueueOptions {
  // Kue 0.11 took `createQueue(null)` for the defaults.
  if (options === null || options === undefined) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`queue options must be an object, got ${check.describe(options)}`);
  }
  const o = options as Record<keyof QueueOptions, unknown>;
  return {
    prefix: given(o.prefix, defaults.prefix, check.prefix),
    redis: options.redis ?? undefined,
    commandTimeout: given(o.commandTimeout, undefined, (v) => check.timerSpan('commandTimeout', v, 1)),
    durableSaves: given(o.durableSaves, undefined, check.durableSaves),
    saveRetryWindow: given(o.saveRetryWindow, defaults.saveRetryWindow, (v) =>
      check.integer('saveRetryWindow', v, 0, 2 ** 31 - 1),
    ),
    metrics: given(o.metrics, { ...defaults.metrics }, check.metrics),
    jobEvents: given(o.jobEvents, defaults.jobEvents, (v) => check.boolean('jobEvents', v)),
    events: { maxLen: given(o.events, defaults.eventsMaxLen, eventsMaxLen) },
    disableSearch: given(o.disableSearch, defaults.disableSearch, (v) => check.boolean('disableSearch', v)),
    priorities: given(o.priorities, defaults.priorities, priorities),
    lockDuration: given(o.lockDuration, defaults.lockDuration, (v) => check.timerSpan('lockDuration', v, 1)),
    maxStalls: given(o.maxStalls, defaults.maxStalls, (v) => check.integer('maxStalls', v, 0, Number.MAX_SAFE_INTEGER)),
    maintenanceInterval: given(o.maintenanceInterval, defaults.maintenanceInterval, (v) =>
      check.timerSpan('maintenanceInterval', v, 1),
    ),
    maintenance: given(o.maintenance, defaults.maintenance, (v) => check.boolean('maintenance', v)),
    logger: given(o.logger, silentLogger, logger),
    removeOnComplete: given(o.removeOnComplete, defaults.removeOnComplete, (v) =>
      check.retention('removeOnComplete', v),
    ),
    removeOnFail: given(o.removeOnFail, defaults.removeOnFail, (v) => check.retention('removeOnFail', v)),
    tracing: given(o.tracing, defaults.tracing, (v) => check.boolean('tracing', v)),
    // --- logs ---
    slowScriptThreshold: given(o.slowScriptThreshold, defaults.slowScriptThreshold, (v) =>
      check.timerSpan('slowScriptThreshold', v, 0),
    ),
    // --- end of logs ---
  };
}
