// The scripts' way to the one redis-server launcher, src/cli/redis-process.ts (the one
// `kue dev` uses), as built into dist/: run `npm run build` before importing this. Adds what
// only a developer's checkout wants: installing redis-server when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const built = new URL('../dist/redis-process.js', import.meta.url);
if (!existsSync(built)) throw new Error('dist/redis-process.js is missing: run `npm run build` first.');
const launcher = await import(built.href);

export const {
  freePort,
  ping,
  hasRedisServer,
  startRedis,
  stopStartedRedis,
  killStartedRedisNow,
  isAlive,
  commandLine,
  isRedisOn,
} = launcher;

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
