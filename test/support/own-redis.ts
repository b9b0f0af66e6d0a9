// A redis-server of a test file's own, for files that fill Redis with a hundred thousand
// jobs: on the shared test server those keys would slow every later key scan of every other
// file (snapshots, `kue check`), and their big scripts would hold up the files running
// beside them.
import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';

/** Starts a redis-server before the file's tests and stops it after them; read `port` and `url` in a test. */
export function ownRedis(): { readonly port: number; readonly url: string } {
  let server: RedisProcess | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): RedisProcess => {
    if (!server) throw new Error('ownRedis(): the server starts in beforeAll; read it inside a test');
    return server;
  };
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
  };
}
