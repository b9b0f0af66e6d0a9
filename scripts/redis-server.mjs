// Starts and stops a private redis-server on a free loopback port, for the tests, the demo
// and the benchmarks. Only processes started here are ever stopped.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Resolves a TCP port that is free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when redis-server is on PATH. */
export function hasRedisServer() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs redis-server with apt-get when it is missing and we are root; otherwise explains
 * what to install. Returns true when redis-server is available.
 */
export function ensureRedisServer(log = console.log) {
  if (hasRedisServer()) return true;
  if (process.getuid?.() !== 0) {
    log('redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server) and run again.');
    return false;
  }
  log('redis-server is missing: installing it with apt-get...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
  return hasRedisServer();
}

/** True when a redis-server answers on 127.0.0.1:port within a second. */
export function ping(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) {
        socket.destroy();
        // Any answer means the server is up (a password-protected one answers -NOAUTH).
        resolve(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
      }
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts redis-server. Options: port (default: a free one), dir (data folder; default a new
 * temporary one, removed on stop), args (extra redis-server arguments, e.g.
 * ['--appendonly', 'yes']). Resolves {port, dir, process, stop()}.
 */
export async function startRedis(options = {}) {
  const port = options.port ?? (await freePort());
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'kue-redis-'));
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'warning',
    ...(options.args ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 200 && !exited; i++) {
    if (await ping(port)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  if (exited || !(await ping(port))) throw new Error(`redis-server did not start on port ${port}`);
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };
  return { port, dir, process: child, stop };
}
