// A redis-server that `kue dev` starts, owns and stops: on a free loopback port, with its
// data (AOF) in a folder of the user's project.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CliError } from './cli-error.js';
import { freePort } from './free-port.js';

const HOST = '127.0.0.1';
const LOG_FILE = 'redis.log';
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

export interface RedisProcess {
  readonly port: number;
  readonly pid: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
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

/** Redis refused to start because another process took the port first. */
class PortTakenError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when a Redis answers PING on the port (a server still loading its data answers -LOADING: not yet). */
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
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
  });
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
 * Starts redis-server with its data in `dir` (which must exist; `shownDir` names it in
 * messages) and resolves once it answers PING. The port is a free one; if another process takes it first, start-up is retried on
 * another port.
 */
export async function startRedisProcess(dir: string, shownDir = dir): Promise<RedisProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(HOST), dir, shownDir);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === 3) throw err;
    }
  }
}

async function startOn(port: number, dir: string, shownDir: string): Promise<RedisProcess> {
  const logFile = join(dir, LOG_FILE);
  const logStart = fileSize(logFile);
  const args = [
    '--port', String(port), '--bind', HOST, '--protected-mode', 'yes', '--daemonize', 'no',
    '--dir', dir, '--appendonly', 'yes', '--loglevel', 'warning', '--logfile', logFile,
  ];
  // A process group of its own: the Ctrl-C a terminal sends to the whole foreground group must
  // not stop Redis before the dashboard's queue has shut down; the CLI stops it afterwards.
  const child: ChildProcess = spawn('redis-server', args, { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
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

  const server: RedisProcess = {
    port,
    pid: child.pid ?? 0,
    url: `redis://${HOST}:${port}`,
    get running() {
      return running;
    },
    exited,
    async stop() {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT);
      await exited;
      clearTimeout(timer);
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
  await server.stop();
  if (spawnError?.code === 'ENOENT') throw new CliError(REDIS_SERVER_MISSING);
  if (spawnError) throw new CliError(`Cannot start redis-server: ${spawnError.message}`);
  const output = [stderr.trim(), logSince(logFile, logStart)].filter(Boolean).join('\n');
  if (/address already in use/i.test(output)) throw new PortTakenError(output);
  const why = timedOut ? `did not answer within ${READY_TIMEOUT / 1000} s` : 'exited during start-up';
  throw new CliError(`redis-server ${why} (port ${port}, data in ${shownDir}).${output ? `\n${output}` : ''}`);
}
