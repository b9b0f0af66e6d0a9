// A logger that keeps what it is given, for the tests of Kue's log entries.
import type { Logger } from '../../src/index.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Entry {
  level: Level;
  obj: Record<string, unknown>;
  msg?: string;
}

export interface CapturingLogger extends Logger {
  entries: Entry[];
  /** The entries whose message matches `msg`. */
  find(msg: RegExp): Entry[];
}

/** A logger with debug, info, warn and error and no `child`: Kue merges its bindings into each call. */
export function capturingLogger(): CapturingLogger {
  const entries: Entry[] = [];
  const at =
    (level: Level) =>
    (obj: object, msg?: string): void =>
      void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return {
    entries,
    find: (msg) => entries.filter((e) => e.msg !== undefined && msg.test(e.msg)),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
