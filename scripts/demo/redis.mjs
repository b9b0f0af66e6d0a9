// The demo's own redis-server, started by the launcher `kue dev` uses, with its data under
// `.kue/redis` (RDB snapshots + AOF) so that the demo's jobs survive a restart of the demo.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, isAlive, isRedisOn, startRedis } from '../redis-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
// KUE_DEMO_DIR lets a test run the demo on a data folder of its own.
export const REDIS_DIR = process.env.KUE_DEMO_DIR ? resolve(process.env.KUE_DEMO_DIR) : join(root, '.kue', 'redis');
/** How the data folder is named in messages (relative: no path of this machine is printed). */
export const REDIS_DIR_SHOWN = process.env.KUE_DEMO_DIR ? REDIS_DIR : '.kue/redis';
/** Who runs the demo's redis-server: lets a later run find a server an earlier run left behind. */
const STATE_FILE = join(REDIS_DIR, 'demo-redis.json');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A demo killed with SIGKILL leaves its redis-server running on `.kue/redis`; two servers
 * must not share one data folder. Stops such a leftover (only when the state file says an
 * earlier demo started it and the process still is that redis-server), and refuses to run
 * next to a demo or a `kue dev` that is still alive.
 */
async function clearLeftoverRedis() {
  // `kue dev` run from the repository uses the same data folder and records itself here.
  const dev = readJson(join(REDIS_DIR, 'kue-dev.json'));
  if (dev && isRedisOn(dev.redisPid, dev.port)) {
    throw new Error(`a redis-server of \`kue dev\` (pid ${dev.redisPid}) is using ${REDIS_DIR_SHOWN}: stop it first`);
  }
  if (!existsSync(STATE_FILE)) return;
  const info = readJson(STATE_FILE);
  if (!info) {
    rmSync(STATE_FILE, { force: true });
    return;
  }
  if (info.demoPid !== process.pid && isAlive(info.demoPid) && commandLine(info.demoPid).includes('demo.mjs')) {
    throw new Error(`another demo (pid ${info.demoPid}) is using ${REDIS_DIR_SHOWN}: stop it first`);
  }
  if (isRedisOn(info.redisPid, info.port)) {
    console.log(
      `Stopping the redis-server (pid ${info.redisPid}, port ${info.port}) that an earlier demo left running...`,
    );
    process.kill(info.redisPid, 'SIGTERM');
    for (let i = 0; i < 200 && isAlive(info.redisPid); i++) await sleep(50);
    if (isAlive(info.redisPid)) throw new Error(`redis-server pid ${info.redisPid} did not stop`);
  }
  rmSync(STATE_FILE, { force: true });
}

/**
 * Starts the demo's redis-server on a free 127.0.0.1 port. It runs in a process group of its
 * own, so the Ctrl-C a terminal sends to the whole foreground group does not stop Redis
 * before the queue has finished its active jobs: the demo stops it last. Resolves the
 * launcher's handle, whose stop() also forgets the state file.
 */
export async function startDemoRedis() {
  mkdirSync(REDIS_DIR, { recursive: true });
  await clearLeftoverRedis();
  const record = (fields) => writeFileSync(STATE_FILE, `${JSON.stringify({ demoPid: process.pid, ...fields })}\n`);
  // Claimed before the start, so that another demo refuses to share the folder meanwhile.
  record({});
  let server;
  try {
    server = await startRedis({
      dir: REDIS_DIR,
      shownDir: REDIS_DIR_SHOWN,
      persist: true,
      ownProcessGroup: true,
      args: ['--save', '60 1'],
    });
  } catch (err) {
    rmSync(STATE_FILE, { force: true });
    throw err;
  }
  record({ redisPid: server.pid, port: server.port });
  const stop = server.stop;
  return Object.assign(server, {
    async stop() {
      await stop();
      rmSync(STATE_FILE, { force: true });
    },
  });
}
