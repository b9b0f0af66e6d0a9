// Issue 17: a save that reaches Redis twice makes one job. A producer process's save runs, and
// its reply is lost: Redis is held busy (a spinning script) while the save and then a CLIENT
// KILL of the producer's connection queue up behind it, so Redis runs the save, then kills the
// connection before the reply is written. ioredis reconnects and sends the save again; the
// save's record in Redis answers it with the first reply. And a producer whose save timed out
// ("may have been saved") saves the same Job object again: one job. With saveRetryWindow 0 the
// same faults make two jobs, which is what the record prevents.
// The queue's Redis is a private redis-server: holding it and killing connections touches
// nobody else. The test's own queue runs no maintenance: the save is the only script counted.
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { expectConsistent } from '../support/check.js';
import { holdRedis } from '../support/hold-redis.js';
import { testQueue, uniquePrefix } from '../support/setup.js';
import { startSaver, type SaveOutcome, type SaverProcess } from '../process/saver-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RedisProcess | undefined;
const controls: Redis[] = [];
afterEach(async () => {
  for (const c of controls.splice(0)) c.disconnect();
  await server?.stop();
  server = undefined;
});

async function privateRedis(): Promise<{ port: number; control: () => Redis }> {
  server = await startRedis();
  const port = server.port;
  return {
    port,
    control: () => {
      const client = new Redis({ port, host: '127.0.0.1' });
      controls.push(client);
      return client;
    },
  };
}

/**
 * Scripts the server ran so far: EVAL and EVALSHA (ioredis sends a script's text with EVAL on
 * each new connection, then its hash). The producers send no script but save; the test sends
 * the scripts that hold Redis.
 */
async function scriptRuns(control: Redis): Promise<number> {
  const stats = await control.info('commandstats');
  const calls = (command: string) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  return calls('eval') + calls('evalsha');
}

/**
 * One save of `saver` whose reply is lost after it ran: Redis is held, the save and then a
 * CLIENT KILL of its connection queue up, and Redis runs them in that order when it is free.
 * Returns what the save resolved to and how many times the script ran for it.
 */
async function saveWithLostReply(
  saver: SaverProcess,
  control: () => Redis,
  type: string,
): Promise<{ outcome: SaveOutcome; runs: number }> {
  const [holder, killer, stats] = [control(), control(), control()];
  await Promise.all([holder.ping(), killer.ping()]);
  const before = await scriptRuns(stats);
  const held = holdRedis(holder, 400);
  await sleep(50);
  const { sent, saved } = saver.save({ type, data: { once: true } });
  await sent;
  await killer.client('KILL', 'ID', String(saver.clientId));
  await held;
  const outcome = await saved;
  // The hold was one script too.
  return { outcome, runs: (await scriptRuns(stats)) - before - 1 };
}

describe('a save whose reply was lost', () => {
  it('resent by ioredis after CLIENT KILL makes one job, and resolves to it', { timeout: 60_000 }, async () => {
    const { port, control } = await privateRedis();
    const prefix = uniquePrefix('s23');
    const queue = testQueue({ prefix, redis: { port }, maintenance: false });
    let caught = 0;
    for (let round = 0; round < 5 && caught < 2; round++) {
      const saver = await startSaver({ KUE_REDIS_PORT: port, KUE_PREFIX: prefix });
      await saver.save({ type: 'warm-up' }).saved;
      const type = `resent-${round}`;
      const { outcome, runs } = await saveWithLostReply(saver, control, type);
      // Every round makes one job, whether Redis ran the save before the kill (and the resend
      // found its record) or dropped it with the connection (and ran the resend only).
      expect(outcome.error).toBeUndefined();
      expect(await queue.card('inactive', type)).toBe(1);
      expect((await queue.inactive(type))[0]).toBe(outcome.id);
      expect(outcome.duplicate).toBe(false);
      if (runs === 2) caught++;
    }
    // The lost reply was caught: the script ran twice for one save, and made one job.
    expect(caught).toBeGreaterThanOrEqual(1);
    await expectConsistent(queue);
  });

  it('with saveRetryWindow 0, the same lost reply makes the job twice', { timeout: 60_000 }, async () => {
    const { port, control } = await privateRedis();
    const prefix = uniquePrefix('s23');
    const queue = testQueue({ prefix, redis: { port }, maintenance: false });
    let twice = false;
    for (let round = 0; round < 5 && !twice; round++) {
      const saver = await startSaver({ KUE_REDIS_PORT: port, KUE_PREFIX: prefix, KUE_SAVE_RETRY_WINDOW: 0 });
      await saver.save({ type: 'warm-up' }).saved;
      const type = `twice-${round}`;
      const { runs } = await saveWithLostReply(saver, control, type);
      if (runs === 2) {
        expect(await queue.card('inactive', type)).toBe(2);
        twice = true;
      }
    }
    expect(twice).toBe(true);
  });
});

describe('a save that timed out, saved again by the caller with the same Job object', () => {
  it.each([
    ['makes one job', undefined, 1],
    ['makes two with saveRetryWindow 0', 0, 2],
  ] as const)('%s', { timeout: 30_000 }, async (_name, window, jobs) => {
    const { port, control } = await privateRedis();
    const prefix = uniquePrefix('s23');
    const queue = testQueue({ prefix, redis: { port }, maintenance: false });
    const saver = await startSaver({
      KUE_REDIS_PORT: port,
      KUE_PREFIX: prefix,
      KUE_COMMAND_TIMEOUT: 300,
      ...(window !== undefined && { KUE_SAVE_RETRY_WINDOW: window }),
    });
    await saver.save({ type: 'warm-up' }).saved;
    const stats = control();
    const before = await scriptRuns(stats);
    // The first send times out after 300 of the 500 ms Redis is held; the second queues
    // behind it, and Redis runs both in order.
    const held = holdRedis(control(), 500);
    await sleep(50);
    const { saved } = saver.save({ type: 'retried', data: { once: true } }, true);
    expect(await saver.next<string>('retried')).toMatch(/may have been saved/);
    const outcome = await saved;
    await held;
    expect(outcome.error).toBeUndefined();
    // Both sends ran (the hold was a script too).
    expect((await scriptRuns(stats)) - before - 1).toBe(2);
    expect(await queue.card('inactive', 'retried')).toBe(jobs);
    expect(await queue.inactive('retried')).toContain(outcome.id);
    if (jobs === 1) await expectConsistent(queue, { inactive: 2 });
  });
});
