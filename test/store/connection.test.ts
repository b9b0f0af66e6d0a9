import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ConnectionError, Queue, type QueueOptions } from '../../src/index.js';
import { freePort, startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { nextEvent, redisPort, uniquePrefix } from '../support/setup.js';

const opened: Queue[] = [];
function open(options: QueueOptions): Queue {
  const queue = new Queue({ prefix: uniquePrefix('conn'), ...options });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

/** Saves a job and reads it back through a fresh plain client on the same server. */
async function roundTrip(queue: Queue): Promise<void> {
  const job = await queue.create('ping', { ok: true }).save();
  expect((await queue.getJob(job.id!)).data).toEqual({ ok: true });
}

describe('Redis connection settings', () => {
  let secured: RedisProcess;
  let socket: string;

  beforeAll(async () => {
    socket = join(mkdtempSync(join(tmpdir(), 'kue-sock-')), 'redis.sock');
    secured = await startRedis({
      args: ['--unixsocket', socket, '--unixsocketperm', '700', '--requirepass', 's3cret'],
    });
  });

  afterAll(async () => {
    await Promise.all(opened.map((q) => q.shutdown(500).catch(() => undefined)));
    await secured.stop();
  });

  it('accepts {port, host, db}', async () => {
    const queue = open({ redis: { port: redisPort, host: '127.0.0.1', db: 3 } });
    await roundTrip(queue);
    const plain = new Redis({ port: redisPort, db: 3 });
    expect(await plain.exists(`{${queue.prefix}}:ids`)).toBe(1);
    await plain.quit();
  });

  it('accepts a redis:// URL string', async () => {
    await roundTrip(open({ redis: `redis://127.0.0.1:${redisPort}/2` }));
  });

  it('accepts {port, auth} for a password-protected server', async () => {
    await roundTrip(open({ redis: { port: secured.port, auth: 's3cret' } }));
  });

  it('accepts {socket, auth} for a unix domain socket', async () => {
    await roundTrip(open({ redis: { socket, auth: 's3cret' } }));
  });

  it('accepts a rediss:// URL (TLS), with TLS options passed through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kue-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await freePort();
    const tls = await startRedis({
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        join(dir, 'cert.pem'),
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-auth-clients',
        'no',
      ],
    });
    try {
      const queue = open({
        redis: { url: `rediss://127.0.0.1:${tlsPort}`, options: { tls: { ca: readFileSync(join(dir, 'cert.pem')) } } },
      });
      await roundTrip(queue);
      await queue.shutdown(500);
    } finally {
      await tls.stop();
    }
  });

  it.each([
    ['{port}', () => ({ port: redisPort })],
    ['a redis:// URL', () => `redis://127.0.0.1:${redisPort}`],
  ])('a socket that errs twice (%s) is not an uncaught exception; the connection comes back', async (_name, redis) => {
    const queue = open({ redis: redis() });
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    await roundTrip(queue);
    // ioredis listens for its socket's first error only (`once`), as a TLS socket that is
    // refused and then hears the server's alert would show.
    const socket = (queue.client as Redis).stream;
    expect(() => {
      socket.emit('error', new Error('first failure'));
      socket.emit('error', new Error('a second error of the same socket'));
    }).not.toThrow();
    socket.destroy();
    await roundTrip(queue);
  });

  it('accepts {createClientFactory} returning an ioredis client', async () => {
    let made = 0;
    const queue = open({
      redis: {
        createClientFactory: () => {
          made++;
          return new Redis({ port: redisPort, maxRetriesPerRequest: 3 });
        },
      },
    });
    queue.process('ping', (_j, done) => done());
    const job = await queue.create('ping').save();
    await nextEvent(job, 'complete');
    expect(made).toBeGreaterThanOrEqual(3); // commands, events, a blocking worker connection
  });

  it('a wrong password reaches queue.on("error") as a ConnectionError', async () => {
    const queue = new Queue({ prefix: uniquePrefix('conn'), redis: { port: secured.port, auth: 'wrong' } });
    opened.push(queue);
    const [err] = await nextEvent(queue, 'error', 5_000);
    expect(err).toBeInstanceOf(ConnectionError);
    expect(String((err as Error).message)).not.toContain('wrong');
  });

  it('a save while Redis is unreachable fails within bounded time instead of hanging', async () => {
    const queue = open({ redis: { port: await freePort() } });
    const started = Date.now();
    const err = await queue
      .create('lost')
      .save()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('errors during an outage', () => {
  it('reach queue.on("error") once per distinct message per window, not as a flood', async () => {
    const redis = await startRedis();
    const queue = new Queue({ prefix: uniquePrefix('flood'), redis: { port: redis.port } });
    const errors: string[] = [];
    queue.on('error', (err: Error) => errors.push(err.message));
    try {
      for (const type of ['a', 'b', 'c', 'd']) queue.process(type, () => undefined);
      await new Promise((r) => setTimeout(r, 200));
      await redis.stop();
      await new Promise((r) => setTimeout(r, 3_000));
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors).size).toBe(errors.length);
    } finally {
      await queue.shutdown(200).catch(() => undefined);
      await redis.stop();
    }
  });
});
