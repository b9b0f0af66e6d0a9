import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaults } from '../defaults.js';
import { describe } from '../describe.js';

/** Where a sandboxed processor runs. */
export type SandboxIsolation = 'thread' | 'process';

/**
 * Options of a sandboxed processor: `queue.process(type, n, file, options)`. Unknown names and
 * bad values throw (TypeError or RangeError naming the value) and nothing is started.
 *
 * @example
 * queue.process('pdf', 4, new URL('./render-pdf.js', import.meta.url), {
 *   isolation: 'process', maxMemoryMb: 512, recycleAfterJobs: 100,
 * });
 */
export interface SandboxOptions {
  /**
   * `'thread'`: a pool of worker threads (cheap to start, shares the process); `'process'`: a
   * pool of child processes (survives native crashes; takes `execArgv` and `env`).
   * @default 'thread'
   */
  isolation?: SandboxIsolation;
  /** Replace a child after it has run this many jobs. @default 0 (never) */
  recycleAfterJobs?: number;
  /**
   * The V8 heap limit of each child, MB (threads: `resourceLimits.maxOldGenerationSizeMb`;
   * processes: `--max-old-space-size`): a job that outgrows it fails with "ran out of
   * memory". A child whose heap plus Buffers exceed it after a job is also replaced.
   * @default no limit (V8's own)
   */
  maxMemoryMb?: number;
  /** A child idle this long (ms) exits; a new one starts when jobs come. @default 0 (stay) */
  idleTimeout?: number;
  /**
   * After the parent aborts an attempt (cancel, ttl, shutdown timeout, lost lock), how long
   * the child may take to settle before it is killed and replaced (ms).
   * @default 2000
   */
  abortGraceMs?: number;
  /**
   * After the file failed to load, jobs fail at once with that error for this long (ms)
   * before a child tries to load it again.
   * @default 5000
   */
  loadRetryMs?: number;
  /**
   * How long a child may take to load the file (its top-level code, a model it reads) before
   * that counts as a failed load (ms).
   * @default 60000
   */
  loadTimeoutMs?: number;
  /**
   * Node options of each child process (`isolation: 'process'` only).
   * @default the parent's `process.execArgv`, without `-e`/`-p` code, `--input-type`, the
   * inspector, watch and test modes (a child given those would run something else, or clash)
   */
  execArgv?: string[];
  /** Environment of each child process (`isolation: 'process'` only). @default process.env */
  env?: Record<string, string>;
}

/** The options with their defaults, checked. */
export interface ResolvedSandboxOptions {
  isolation: SandboxIsolation;
  recycleAfterJobs: number;
  /** 0: no limit. */
  maxMemoryMb: number;
  idleTimeout: number;
  abortGraceMs: number;
  loadRetryMs: number;
  loadTimeoutMs: number;
  killAfterMs: number;
  /** Of child processes (threads inherit the parent's, see sandbox-child.ts). */
  execArgv: string[];
  env: NodeJS.ProcessEnv;
}

const OPTION_NAMES = [
  'isolation',
  'recycleAfterJobs',
  'maxMemoryMb',
  'idleTimeout',
  'abortGraceMs',
  'loadRetryMs',
  'loadTimeoutMs',
  'execArgv',
  'env',
] as const;

/** Options of the parent a child must not get, and which of them take the next argument as value. */
const NOT_INHERITED =
  /^(-e|--eval|-p|--print|-pe|--input-type|-i|--interactive|-c|--check|--(inspect|debug)(-brk|-port|-wait)?|--watch(-path|-preserve-output)?|--test(-[a-z-]+)?)$/;
const TAKES_VALUE =
  /^(-e|--eval|-p|--print|-pe|--input-type|--(inspect|debug)-port|--watch-path|--test-(name-pattern|skip-pattern|reporter|reporter-destination|concurrency|timeout|shard|coverage-[a-z-]+))$/;

/**
 * The parent's Node options fit for a child: `node -e code` has the code in execArgv (a child
 * forked with it would run that code instead of its own program, which may start children in
 * turn), `--input-type` refuses a file entry, and the inspector, watch and test modes would
 * clash with the parent's.
 */
export function inheritableExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name] = arg.split('=', 1);
    if (!NOT_INHERITED.test(name!)) {
      kept.push(arg);
      continue;
    }
    if (!arg.includes('=') && TAKES_VALUE.test(name!)) i++;
  }
  return kept;
}

/** The longest delay setTimeout honours. */
const MAX_MS = 2 ** 31 - 1;

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`sandbox option ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`sandbox option ${name} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** Checks a sandboxed processor's options and fills in the defaults. */
export function resolveSandboxOptions(options: unknown): ResolvedSandboxOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`sandbox options must be an object, got ${describe(options)}`);
  }
  const o = options as Record<string, unknown>;
  for (const name of Object.keys(o)) {
    if (!(OPTION_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(`unknown sandbox option ${describe(name)}; the options are ${OPTION_NAMES.join(', ')}`);
    }
  }
  const d = defaults.sandbox;
  // Only a missing option takes its default: null is a bad value like any other.
  const given = (name: (typeof OPTION_NAMES)[number], fallback: unknown): unknown =>
    o[name] === undefined ? fallback : o[name];
  const isolation = given('isolation', d.isolation);
  if (isolation !== 'thread' && isolation !== 'process') {
    throw new RangeError(`sandbox option isolation must be 'thread' or 'process', got ${describe(isolation)}`);
  }
  if (isolation === 'thread') {
    for (const name of ['execArgv', 'env'] as const) {
      if (o[name] !== undefined) {
        throw new TypeError(`sandbox option ${name} applies to isolation 'process' only, got it with 'thread'`);
      }
    }
  }
  const execArgv = given('execArgv', inheritableExecArgv());
  if (!Array.isArray(execArgv) || !execArgv.every((a) => typeof a === 'string')) {
    throw new TypeError(`sandbox option execArgv must be an array of strings, got ${describe(execArgv)}`);
  }
  const replacesProgram = execArgv.find((a: string) => /^(-e|--eval|-p|--print|-pe|--input-type)(=|$)/.test(a));
  if (replacesProgram !== undefined) {
    throw new RangeError(
      `sandbox option execArgv must not hold ${describe(replacesProgram)}: the child would not run its program`,
    );
  }
  const env = given('env', process.env);
  if (
    typeof env !== 'object' ||
    env === null ||
    Array.isArray(env) ||
    Object.values(env).some((v) => typeof v !== 'string')
  ) {
    throw new TypeError(`sandbox option env must be an object of strings, got ${describe(env)}`);
  }
  return {
    isolation,
    recycleAfterJobs: wholeNumber(
      'recycleAfterJobs',
      given('recycleAfterJobs', d.recycleAfterJobs),
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    // Below about 16 MB V8 cannot even start a Node child.
    maxMemoryMb: o.maxMemoryMb === undefined ? 0 : wholeNumber('maxMemoryMb', o.maxMemoryMb, 16, 2 ** 20),
    idleTimeout: wholeNumber('idleTimeout', given('idleTimeout', d.idleTimeout), 0, MAX_MS),
    abortGraceMs: wholeNumber('abortGraceMs', given('abortGraceMs', d.abortGraceMs), 0, MAX_MS),
    loadRetryMs: wholeNumber('loadRetryMs', given('loadRetryMs', d.loadRetryMs), 0, MAX_MS),
    loadTimeoutMs: wholeNumber('loadTimeoutMs', given('loadTimeoutMs', d.loadTimeoutMs), 1, MAX_MS),
    killAfterMs: d.killAfterMs,
    execArgv: execArgv as string[],
    env: env as NodeJS.ProcessEnv,
  };
}

/** Whether `process()` was given a processor file (a path or a file: URL) rather than a function. */
export function isProcessorFile(value: unknown): value is string | URL {
  return typeof value === 'string' || value instanceof URL;
}

/**
 * The absolute path of a processor file, checked to be an existing file: a `file:` URL, an
 * absolute path, or a path relative to the working directory. Throws a TypeError naming it
 * otherwise, so a typo fails at `process()` and not at the first job.
 */
export function processorPath(file: string | URL): string {
  let path: string;
  if (file instanceof URL || file.startsWith('file:')) {
    const url = file instanceof URL ? file : new URL(file);
    if (url.protocol !== 'file:') {
      throw new TypeError(`a sandboxed processor must be a file path or a file: URL, got ${url.href}`);
    }
    path = fileURLToPath(url);
  } else {
    if (file === '') throw new TypeError('a sandboxed processor must be a file path or a file: URL, got "" (string)');
    path = isAbsolute(file) ? file : resolve(file);
  }
  const relative = typeof file === 'string' && !file.startsWith('file:') && !isAbsolute(file);
  const where = relative ? ` (${JSON.stringify(file)} resolved against the working directory ${process.cwd()})` : '';
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new TypeError(`sandboxed processor file ${path} does not exist${where}`);
  }
  if (!stats.isFile()) throw new TypeError(`sandboxed processor ${path} is not a file${where}`);
  return path;
}
