// The one way this project starts a redis-server of its own, on a free loopback port: for
// `kue dev` (data kept in the user's project), and, loaded from dist/ or imported by the
// tests, for `npm run demo`, `npm test`, the benchmarks and the cluster and sentinel sets.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { freePort } from './free-port.js';

export { freePort };

const HOST = '127.0.0.1';
const LOG_FILE = 'redis.log';
const CONFIG_FILE = 'redis.conf';
/** Loading a big AOF takes a while: how long to wait for the first PONG. */
const READY_TIMEOUT = 30_000;
/** How long Redis may take to write its data and exit after SIGTERM before it is killed. */
const STOP_TIMEOUT = 15_000;

export const REDIS_SERVER_MISSING =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install redis-server; ' +
  'macOS: brew install redis) or pass -r redis://host:port to use a Redis that is already running.';

export interface RedisExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RedisOptions {
  /** A port taken meanwhile is an error. @default a free one, and another if that is taken before Redis binds it */
  port?: number;
  /** The data folder, created when missing. @default a new temporary folder, removed by `stop()` */
  dir?: string;
  /** How messages name `dir`, e.g. relative to the user's project. @default dir */
  shownDir?: string;
  /** Append-only file and Redis's default snapshots, so the data outlives a restart. @default false: nothing is written to disk */
  persist?: boolean;
  /**
   * A process group of its own: the Ctrl-C a terminal sends to the whole foreground group then
   * reaches only the parent, which stops Redis after its own graceful shutdown. Only for a
   * parent that stops Redis on every exit; a test runner interrupted mid-run would leave it behind.
   * @default false
   */
  ownProcessGroup?: boolean;
  /**
   * Lines of a config file, written to `redis.conf` in the data folder and named first on the
   * command line: Sentinel takes its settings only from a config file, which it rewrites.
   */
  config?: string[];
  /** Further redis-server arguments; they come last, so they win over the ones above. */
  args?: string[];
}

export interface RedisProcess {
  readonly port: number;
  readonly pid: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Its data folder (and log file, `redis.log`). */
  readonly dir: string;
  readonly process: ChildProcess;
  readonly running: boolean;
  /** Settles when the process exits, whoever stopped it. */
  readonly exited: Promise<RedisExit>;
  /** SIGTERM (Redis writes its data and exits), SIGKILL if it takes too long; resolves once it is gone. */
  stop(): Promise<void>;
  /** SIGTERM without waiting: the last resort from a synchronous 'exit' handler. */
  killNow(): void;
}

/** True when redis-server is on PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Every redis-server started here that is still running, ready or not: a Ctrl-C during
 * start-up (loading a big AOF takes seconds) must stop it too, and nothing else.
 */
const started = new Set<RedisProcess>();

/** Stops every redis-server this process started and waits until they are gone. */
export async function stopStartedRedis(): Promise<void> {
  await Promise.all([...started].map((server) => server.stop()));
}

/** Signals every redis-server this process started to stop, without waiting. */
export function killStartedRedisNow(): void {
  for (const server of started) server.killNow();
}

/** Redis refused to start because another process took the port first: worth another port. */
class PortTakenError extends CliError {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * True when a Redis answers on the port: PONG, or NOAUTH from one that wants a password. A
 * server still loading its data answers LOADING: not yet.
 */
export function ping(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    let reply = '';
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

/** True when `pid` is a live process (one of another user counts). */
export function isAlive(pid: unknown): pid is number {
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or '' when it cannot be read. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
    return ps.status === 0 ? ps.stdout : '';
  }
}

/** True when `pid` still is the redis-server recorded on `port` (not a process that reused the pid). */
export function isRedisOn(pid: unknown, port: unknown): pid is number {
  if (!isAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd.includes('redis-server') && cmd.includes(`:${String(port)}`);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What redis-server wrote to its log file since `from` (the end of it). */
function logSince(path: string, from: number): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const length = Math.min(Math.max(0, fileSize(path) - from), 64 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, Math.max(from, fileSize(path) - length));
      return buffer.toString('utf8').trim().split('\n').slice(-10).join('\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

/**
 * Starts redis-server on 127.0.0.1 (protected mode on) and resolves once it answers PING;
 * throws a CliError with what Redis said when it does not start.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kue-redis-'));
  mkdirSync(dir, { recursive: true });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOn(options.port ?? (await freePort(HOST)), dir, ownDir, options);
      } catch (err) {
        if (!(err instanceof PortTakenError) || options.port !== undefined || attempt === 3) throw err;
      }
    }
  } catch (err) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startOn(port: number, dir: string, ownDir: boolean, options: RedisOptions): Promise<RedisProcess> {
  const shownDir = options.shownDir ?? dir;
  const logFile = join(dir, LOG_FILE);
  const logStart = fileSize(logFile);
  const configFile = join(dir, CONFIG_FILE);
  if (options.config) writeFileSync(configFile, `${options.config.join('\n')}\n`);
  const args = [
    ...(options.config ? [configFile] : []),
    '--port',
    String(port),
    '--bind',
    HOST,
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--dir',
    dir,
    '--loglevel',
    'warning',
    '--logfile',
    logFile,
    ...(options.persist ? ['--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no']),
    ...(options.args ?? []),
  ];
  const child: ChildProcess = spawn('redis-server', args, {
    cwd: dir,
    detached: options.ownProcessGroup ?? false,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => (stderr = (stderr + d).slice(-4_000)));

  let running = true;
  let spawnError: NodeJS.ErrnoException | undefined;
  const exited = new Promise<RedisExit>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // Failing to spawn emits 'error' and no 'exit'.
      if (child.pid === undefined) {
        spawnError = err;
        running = false;
        resolve({ code: null, signal: null });
      }
    });
  });

  const terminate = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT);
    await exited;
    clearTimeout(timer);
  };
  const server: RedisProcess = {
    port,
    pid: child.pid ?? 0,
    url: `redis://${HOST}:${port}`,
    dir,
    process: child,
    get running() {
      return running;
    },
    exited,
    async stop() {
      await terminate();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    killNow() {
      if (running) child.kill('SIGTERM');
    },
  };
  started.add(server);
  void exited.then(() => started.delete(server));

  const deadline = Date.now() + READY_TIMEOUT;
  while (running && Date.now() < deadline) {
    if (await ping(port)) return server;
    await sleep(50);
  }
  const timedOut = running;
  // Not stop(): a retry on another port reuses the folder.
  await terminate();
  if (spawnError?.code === 'ENOENT') throw new CliError(REDIS_SERVER_MISSING);
  if (spawnError) throw new CliError(`Cannot start redis-server: ${spawnError.message}`);
  const output = [stderr.trim(), logSince(logFile, logStart)].filter(Boolean).join('\n');
  const why = timedOut ? `did not answer within ${READY_TIMEOUT / 1000} s` : 'exited during start-up';
  const message = `redis-server ${why} (port ${port}, data in ${shownDir}).${output ? `\n${output}` : ''}`;
  throw /address already in use/i.test(output) ? new PortTakenError(message) : new CliError(message);
}
