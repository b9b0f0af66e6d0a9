// The CLI's logger: pino, JSON lines on stderr (stdout keeps the lines meant for people).
import { pino } from 'pino';
import type { Logger } from '../logger.js';

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What `--log-level` gives when it is not given. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * A pino logger writing JSON lines to stderr, synchronously: a line written just before the
 * process exits (a signal, a failed start) is not lost.
 */
export function cliLogger(level: LogLevel): Logger {
  return pino({ name: 'kue', level }, pino.destination({ fd: 2, sync: true }));
}
