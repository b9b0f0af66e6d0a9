/**
 * The logger Kue writes to: silent unless one is given in `createQueue({logger})`. pino fits,
 * and so does any object with pino's call shape, `logger.warn({jobId: 3}, 'message')`
 * (docs/logging.md).
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  /** Optional: without it, Kue's info messages go to `debug`. */
  info?(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /**
   * Optional, as in pino: a logger that adds `bindings` to every entry. Without it, Kue adds
   * them to the object of each call itself.
   */
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger with every method: what Kue's modules write to (see bindLogger). */
export interface BoundLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = () => undefined;
export const silentLogger: Logger & BoundLogger = { debug: noop, info: noop, warn: noop, error: noop };

/** Whether entries given to `logger` go nowhere: callers then skip building them. */
export function isSilent(logger: Logger | BoundLogger | undefined): boolean {
  return logger === undefined || logger === silentLogger;
}

/** `logger` with an `info` of its own or, lacking one, its `debug` in its place. */
function withInfo(logger: Logger): BoundLogger {
  if (typeof logger.info === 'function') return logger as BoundLogger;
  return {
    debug: (obj, msg) => logger.debug(obj, msg),
    info: (obj, msg) => logger.debug(obj, msg),
    warn: (obj, msg) => logger.warn(obj, msg),
    error: (obj, msg) => logger.error(obj, msg),
  };
}

/**
 * A logger whose every entry carries `bindings` (e.g. `{queue: 'q'}`): the logger's own
 * `child(bindings)` when it has one (pino), else a wrapper that merges them into the object
 * of each call. The silent logger stays itself, so a queue without a logger pays nothing.
 */
export function bindLogger(logger: Logger | BoundLogger, bindings: Record<string, unknown>): BoundLogger {
  if (logger === silentLogger) return silentLogger;
  if (typeof (logger as Logger).child === 'function') return withInfo((logger as Logger).child!(bindings));
  const target = withInfo(logger);
  return {
    debug: (obj, msg) => target.debug({ ...bindings, ...obj }, msg),
    info: (obj, msg) => target.info({ ...bindings, ...obj }, msg),
    warn: (obj, msg) => target.warn({ ...bindings, ...obj }, msg),
    error: (obj, msg) => target.error({ ...bindings, ...obj }, msg),
  };
}
