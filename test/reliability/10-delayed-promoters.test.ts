// Scenario 10: 1,000 delayed jobs fall due at the same moment while five processes run the
// promotion sweep, and one of them is SIGKILLed right then. Each job is promoted exactly once,
// none before its due time, none left behind.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { startWorker } from '../process/worker-process.js';

const JOBS = 1_000;
const PROMOTERS = 5;

describe('scenario 10: 1,000 delayed jobs due at once, five promoters, one killed', () => {
  it('promotes each job exactly once, never early, none stuck', { timeout: 60_000 }, async () => {
    const prefix = uniquePrefix('s10');
    // This process only watches and works: the promoters are the child processes.
    const queue = testQueue({ prefix, maintenance: false, jobEvents: false });
    const redis = redisClient();
    const promotions = new Map<number, number>();
    queue.on('job promotion', (id: number) => promotions.set(id, (promotions.get(id) ?? 0) + 1));
    const promoters = await Promise.all(
      Array.from({ length: PROMOTERS }, () => startWorker({ KUE_PREFIX: prefix, KUE_CONCURRENCY: 0 })),
    );

    const due = new Date(Date.now() + 2_000);
    const jobs = await queue.saveAll(Array.from({ length: JOBS }, (_, i) => queue.create('work', { i }).delay(due)));
    expect(await queue.delayedCount()).toBe(JOBS);
    queue.process('work', 50, (_job, done) => done());

    await new Promise((r) => setTimeout(r, due.getTime() - Date.now()));
    promoters[0]!.child.kill('SIGKILL');
    await waitFor(
      async () => (await queue.completeCount()) === JOBS,
      15_000,
      `all ${JOBS} jobs to be promoted and completed`,
    );
    expect((await promoters[0]!.exited).signal).toBe('SIGKILL');

    await waitFor(() => promotions.size === JOBS, 2_000, `${JOBS} promotion events`);
    const twice = [...promotions].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    // All times come from the Redis server's clock; a job entered inactive (was promoted)
    // `waited` ms before it started.
    let latest = 0;
    for (const job of jobs) {
      const [promoteAt, startedAt, waited] = (
        await redis.hmget(`{${prefix}}:job:${job.id}`, 'promote_at', 'started_at', 'waited')
      ).map(Number) as [number, number, number];
      const promotedAt = startedAt - waited;
      expect(promotedAt).toBeGreaterThanOrEqual(promoteAt);
      latest = Math.max(latest, promotedAt - promoteAt);
    }
    console.log(
      `scenario 10: ${JOBS} jobs promoted once each by ${PROMOTERS - 1} surviving promoters; none early, the latest ${latest} ms after its due time`,
    );
    for (const p of promoters.slice(1)) expect(p.stderr()).toBe('');
    await expectConsistent(queue, { complete: JOBS });
  });
});
