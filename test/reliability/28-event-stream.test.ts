// Issue 20: job events ride a capped stream that each process reads from where it left off.
// A listener whose connection Redis kills again and again still gets every completion once;
// one that was away longer than the cap covers is told ('events lost'), and its
// job.finished() waiters read the jobs' records again. The queue's Redis is a private
// redis-server: CLIENT KILL and XTRIM there touch nobody else.
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import { Queue } from '../../src/index.js';
import { uniquePrefix, waitFor } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RedisProcess | undefined;
const opened: Queue[] = [];
const controls: Redis[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.shutdown(500).catch(() => undefined)));
  for (const c of controls.splice(0)) c.disconnect();
  await server?.stop();
  server = undefined;
});

function queueOn(port: number, prefix: string, options: Record<string, unknown> = {}): Queue {
  const { redisOptions, ...rest } = options;
  const queue = new Queue({ prefix, redis: { port, options: redisOptions ?? {} }, ...rest });
  queue.on('error', () => undefined);
  opened.push(queue);
  return queue;
}

/** Kills the event readers' connections (their last command XREAD or XRANGE); returns how many. */
async function killReaders(control: Redis): Promise<number> {
  const list = (await control.client('LIST')) as string;
  const ids = list
    .split('\n')
    .filter((line) => / cmd=(xread|xrange) /.test(line))
    .map((line) => /(?:^| )id=(\d+)/.exec(line)![1]!);
  const replies = await Promise.all(ids.map((id) => control.client('KILL', 'ID', id).catch(() => 0)));
  return replies.reduce<number>((n, r) => n + Number(r), 0);
}

describe('the event stream', () => {
  it(
    'a listener whose connection is killed 20 times during 10,000 completions sees each exactly once',
    { timeout: 120_000 },
    async () => {
      server = await startRedis();
      const { port } = server;
      const control = new Redis({ port, host: '127.0.0.1' });
      controls.push(control);
      const prefix = uniquePrefix('stream');
      const JOBS = 10_000;

      const listener = queueOn(port, prefix, { jobEvents: false });
      const seen = new Map<number, number>();
      const lost: unknown[] = [];
      listener.on('job complete', (id: number) => seen.set(id, (seen.get(id) ?? 0) + 1));
      listener.on('events lost', (e: unknown) => lost.push(e));
      // Saved through the listening queue: its saves wait until the stream's position is known.
      const jobs = Array.from({ length: JOBS }, (_, i) => listener.create('n', { i }));
      await listener.saveAll(jobs);

      const worker = queueOn(port, prefix, { jobEvents: false });
      worker.process('n', 10, (_job, done) => setTimeout(done, 4));
      let kills = 0;
      while (kills < 20) {
        await sleep(120);
        expect(seen.size, 'the kills must happen while jobs complete').toBeLessThan(JOBS);
        kills += await killReaders(control);
      }
      await waitFor(() => seen.size === JOBS, 60_000, 'every completion');
      await sleep(300);
      const ids = jobs.map((j) => j.id!);
      expect(ids.filter((id) => seen.get(id) !== 1)).toEqual([]);
      expect(seen.size).toBe(JOBS);
      expect(kills).toBe(20);
      expect(lost).toEqual([]);
    },
  );

  it(
    "reports 'events lost' when entries it had not read were trimmed, and job.finished() still settles",
    { timeout: 60_000 },
    async () => {
      server = await startRedis();
      const { port } = server;
      const control = new Redis({ port, host: '127.0.0.1' });
      controls.push(control);
      const prefix = uniquePrefix('gap');
      // The listener comes back 1.5 s after its connection is killed.
      const listener = queueOn(port, prefix, { redisOptions: { retryStrategy: () => 1_500 } });
      const lost: Array<{ after: string }> = [];
      listener.on('events lost', (e: { after: string }) => lost.push(e));
      const job = await listener.create('slow', { n: 1 }).save();
      const finished = job.finished();
      const before = await listener.create('probe').save();
      await waitFor(async () => (await killReaders(control)) === 1, 5_000, 'a reader to kill');

      // Meanwhile: the job completes, 50 more entries come (one per save), and the stream is
      // cut to 10 entries.
      const other = queueOn(port, prefix, { jobEvents: false });
      other.process('slow', (_j, done) => done(null, { answer: 42 }));
      for (let i = 0; i < 50; i++) await other.create('filler').save();
      await waitFor(async () => (await other.completeCount('slow')) === 1, 5_000, 'the job to complete');
      await control.xtrim(`{${prefix}}:stream`, 'MAXLEN', 10);

      expect(await finished).toEqual({ answer: 42 });
      await waitFor(() => lost.length === 1, 10_000, "'events lost'");
      expect(lost[0]!.after).toMatch(/^\d+-\d+$/);
      expect(before.id).toBeGreaterThan(job.id);
    },
  );

  it(
    'a listener that started on an empty stream reports no gap after a reconnection',
    { timeout: 30_000 },
    async () => {
      server = await startRedis();
      const { port } = server;
      const control = new Redis({ port, host: '127.0.0.1' });
      controls.push(control);
      const listener = queueOn(port, uniquePrefix('fresh'));
      const lost: unknown[] = [];
      listener.on('events lost', (e: unknown) => lost.push(e));
      await listener.listenForEvents();
      await waitFor(async () => (await killReaders(control)) === 1, 5_000, 'a reader to kill');
      const job = await listener.create('first').save();
      await job.remove();
      await waitFor(() => listener.listenerCount('job remove') >= 0 && lost.length === 0, 1_000);
      const removed = await new Promise((resolve) => listener.once('job remove', resolve).once('error', resolve));
      expect(removed).toBeDefined();
      expect(lost).toEqual([]);
    },
  );
});
