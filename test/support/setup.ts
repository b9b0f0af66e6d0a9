import { afterAll, afterEach } from 'vitest';
import { Redis } from 'ioredis';
import { Queue } from '../../src/index.js';
import type { QueueOptions } from '../../src/index.js';

/** Port of the redis-server `npm test` started (6379 when run by hand against a local one). */
export const redisPort = Number(process.env.KUE_TEST_REDIS_PORT ?? 6379);

let counter = 0;
const prefixes = new Set<string>();
/** A prefix no other test uses, so tests never see each other's keys. */
export function uniquePrefix(name = 't'): string {
  const prefix = `${name}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  prefixes.add(prefix);
  return prefix;
}

/** The prefix a key of either layout belongs to: `{prefix}:...` (Kue's), `prefix:...` (Kue 0.11's). */
function prefixOf(key: string): string {
  if (key.startsWith('{')) return key.slice(1, key.indexOf('}'));
  const colon = key.indexOf(':');
  return colon === -1 ? key : key.slice(0, colon);
}

// The keys of the file's prefixes go when the file ends (after its own hooks): left on the
// shared server, they would slow every later key scan of every other file (snapshotOf, `kue
// check`), and the suite runs files side by side.
afterAll(async () => {
  if (prefixes.size === 0) return;
  const client = new Redis({ port: redisPort, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', `*-${process.pid}-*`, 'COUNT', 1000);
      cursor = next;
      const ours = batch.filter((key) => prefixes.has(prefixOf(key)));
      if (ours.length > 0) await client.unlink(...ours);
    } while (cursor !== '0');
  } catch {
    // No shared server to clean (a file that only used servers of its own, run by hand).
  } finally {
    client.disconnect();
  }
}, 60_000);

const opened: Queue[] = [];
const clients: Redis[] = [];

/** An independent queue on the test Redis, shut down after the test. */
export function testQueue(options: QueueOptions = {}): Queue {
  const queue = new Queue({ prefix: uniquePrefix(), redis: { port: redisPort }, ...options });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

/** A plain ioredis client on the test Redis (or the one on `port`), closed after the test. */
export function redisClient(port = redisPort): Redis {
  const client = new Redis({ port, host: '127.0.0.1' });
  clients.push(client);
  return client;
}

afterEach(async () => {
  const queues = opened.splice(0);
  await Promise.all(queues.map((q) => q.shutdown(1_000).catch(() => undefined)));
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => undefined)));
});

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the arguments of the next `event` on `emitter`. */
export function nextEvent(emitter: NodeJS.EventEmitter, event: string, timeoutMs = 5_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" event within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Every key of a queue prefix (test-only: SCAN is fine here). */
export async function keysOf(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys.sort();
}

/** Every key of a queue prefix with its whole content, to compare before and after a request. */
export async function snapshotOf(client: Redis, prefix: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of await keysOf(client, prefix)) {
    const type = await client.type(key);
    if (type === 'hash') out[key] = await client.hgetall(key);
    else if (type === 'zset') out[key] = await client.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') out[key] = await client.lrange(key, 0, -1);
    else if (type === 'set') out[key] = (await client.smembers(key)).sort();
    else if (type === 'string') out[key] = await client.get(key);
    else out[key] = type;
  }
  return out;
}
