// Parsers for the CLI's option values. Each throws commander's InvalidArgumentError, so a bad
// value is reported as a usage error (exit code 2) naming the option, before anything starts.
import { InvalidArgumentError } from 'commander';
import * as check from '../queue/validate.js';
import { checkTraceUrl } from '../http/trace-url.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.js';

/** A TCP port: a whole number from 0 to 65535 (0: any free port). */
export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new InvalidArgumentError('The port must be a whole number from 0 to 65535 (0: any free port).');
  }
  return port;
}

/** A `redis://` or `rediss://` (TLS) URL with a host; kept as written, ioredis reads it. */
export function parseRedisUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new InvalidArgumentError(
      'Expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379 or redis://:password@host:6379/0.',
    );
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new InvalidArgumentError(`The path of a Redis URL is a database number (e.g. /0), not "/${db}".`);
  }
  return value;
}

/** A queue prefix: the name the queue's keys start with, checked as createQueue checks it. */
export function parsePrefix(value: string): string {
  try {
    return check.prefix(value);
  } catch (err) {
    throw new InvalidArgumentError(`The ${(err as Error).message}.`);
  }
}

/** HTTP basic auth credentials written `user:password` (the password may contain colons). */
export function parseAuth(value: string): { username: string; password: string } {
  const cut = value.indexOf(':');
  if (cut <= 0 || cut === value.length - 1) {
    // The value is not echoed back: it is meant to hold a password.
    throw new InvalidArgumentError('Expected user:password, a user name and a password separated by a colon.');
  }
  return { username: value.slice(0, cut), password: value.slice(cut + 1) };
}

/** A host name or address to listen on. */
export function parseHost(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('The host must not be empty (e.g. 127.0.0.1 or 0.0.0.0).');
  return value;
}

/** `--trace-url`: an http(s) URL template with {traceId} in it (see createApp's traceUrl). */
export function parseTraceUrl(value: string): string {
  try {
    return checkTraceUrl(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message.replace(/^traceUrl/, 'The trace URL')}.`);
  }
}

/** What replaces a stored backoff function: a delay in whole milliseconds, or a strategy's name. */
export function parseBackoff(value: string): string | number {
  if (/^\d+$/.test(value)) {
    try {
      return check.milliseconds('the delay', Number(value));
    } catch (err) {
      throw new InvalidArgumentError(`${(err as Error).message}.`);
    }
  }
  if (value.trim() === '' || /^\d/.test(value)) {
    throw new InvalidArgumentError("Expected a backoff strategy's name or a delay in milliseconds, e.g. 60000.");
  }
  return value;
}

/** A whole number of things, 0 or more. */
export function parseCount(value: string): number {
  const n = /^\d{1,13}$/.test(value) ? Number(value) : NaN;
  if (!(n <= 2 ** 40)) throw new InvalidArgumentError('Expected a whole number from 0 to 2^40.');
  return n;
}

/** `--log-level`: one of pino's levels. */
export function parseLogLevel(value: string): LogLevel {
  if (!isLogLevel(value)) throw new InvalidArgumentError(`The log level must be one of ${LOG_LEVELS.join(', ')}.`);
  return value;
}
