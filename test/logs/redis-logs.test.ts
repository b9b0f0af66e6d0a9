// What a queue logs about Redis, on a redis-server of this file's own (its connections are
// killed and its scripts held up): connections lost and restored per role, slow scripts.
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisClient, testQueue, waitFor } from '../support/setup.js';
import { ownRedis } from '../support/own-redis.js';
import { capturingLogger } from './capture.js';

const redis = ownRedis();
const PASSWORD = 'pa55-w0rd-never-logged';

// Whatever a test left, the next one finds a server without a password.
afterEach(async () => {
  const reset = new Redis({ port: redis.port, host: '127.0.0.1', password: PASSWORD, lazyConnect: true });
  reset.on('error', () => undefined);
  await reset.connect().catch(() => undefined);
  await reset.config('SET', 'requirepass', '').catch(() => undefined);
  reset.disconnect();
});

/** Holds Redis busy for `ms` (a script spinning on TIME): every other command waits meanwhile. */
const SPIN = `local s = redis.call('TIME')
repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) >= tonumber(ARGV[1]) * 1000
return 1`;

describe('the log of a queue about Redis', () => {
  it('each connection lost is logged at warn with its role and the error, and restored at info; never the password', async () => {
    const admin = redisClient(redis.port);
    await admin.config('SET', 'requirepass', PASSWORD);
    await admin.auth(PASSWORD);
    const logger = capturingLogger();
    const queue = testQueue({ logger, redis: { port: redis.port, auth: PASSWORD } });
    queue.on('job complete', () => undefined); // the events connection
    queue.process('idle', (_job, done) => done()); // a worker's blocking connection
    await queue.create('idle').save();
    const roles = ['command', 'subscriber', 'events', 'worker'];
    await waitFor(
      () => roles.every((role) => logger.find(/connection ready/).some((e) => e.obj.role === role)),
      5_000,
      'every connection to be ready',
    );

    // Killed, then refused until each connection said why (a wrong password): the
    // reconnections fail with an error.
    await admin.config('SET', 'requirepass', 'another-one');
    try {
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await admin.client('KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
      await waitFor(
        () => roles.every((role) => logger.find(/still down/).some((e) => e.obj.role === role)),
        10_000,
        'every connection to say why it stays down',
      );
    } finally {
      await admin.config('SET', 'requirepass', PASSWORD);
    }
    await waitFor(
      () => roles.every((role) => logger.find(/connection restored/).some((e) => e.obj.role === role)),
      15_000,
      'every connection to be restored',
    );

    const lost = logger.find(/connection lost/);
    expect(lost).toHaveLength(roles.length); // one per connection per outage
    for (const entry of lost) expect(entry).toMatchObject({ level: 'warn', obj: { queue: queue.prefix } });
    expect(lost.find((e) => e.obj.role === 'worker')!.obj.type).toBe('idle');
    // The kill came with no error; the refused reconnections did: said once per connection.
    const down = logger.find(/still down/);
    expect(down.map((e) => e.obj.role).sort()).toEqual([...roles].sort());
    for (const entry of down) {
      expect(entry).toMatchObject({
        level: 'warn',
        obj: { queue: queue.prefix, error: expect.stringMatching(/WRONGPASS/) },
      });
    }
    for (const entry of logger.find(/connection restored/)) {
      expect(entry).toMatchObject({ level: 'info', obj: { queue: queue.prefix, downMs: expect.any(Number) } });
    }
    expect(JSON.stringify(logger.entries)).not.toContain(PASSWORD);
    expect((await queue.create('after').save()).id).toBeGreaterThan(0);
  });

  it('a script answered later than slowScriptThreshold is logged at warn with its name and how long it took', async () => {
    const admin = redisClient(redis.port);
    const logger = capturingLogger();
    const queue = testQueue({ logger, redis: { port: redis.port }, slowScriptThreshold: 50 });
    await queue.create('quick').save();
    expect(logger.find(/slow script/)).toEqual([]);

    const spinning = admin.eval(SPIN, 0, 300);
    await new Promise((r) => setTimeout(r, 30));
    await queue.create('held-up').save();
    await spinning;

    const [slow] = logger.find(/slow script/);
    expect(slow).toMatchObject({ level: 'warn', obj: { queue: queue.prefix, script: 'save', threshold: 50 } });
    expect(slow!.obj.ms).toBeGreaterThanOrEqual(200);
    expect(slow!.obj.ms).toBeLessThan(5_000);
  });

  it('slowScriptThreshold: 0 logs no script, however slow', async () => {
    const admin = redisClient(redis.port);
    const logger = capturingLogger();
    const queue = testQueue({ logger, redis: { port: redis.port }, slowScriptThreshold: 0 });
    await queue.create('quick').save();
    const spinning = admin.eval(SPIN, 0, 200);
    await new Promise((r) => setTimeout(r, 30));
    await queue.create('held-up').save();
    await spinning;
    expect(logger.find(/slow script/)).toEqual([]);
  });
});
