// Issue 19: a flow survives a worker's death. Three worker processes run the 1,000 children
// of one parent; one of them is SIGKILLed mid-job after ~400 completions. Its jobs come back
// by stall recovery, and the parent runs exactly once, after its last child, with every
// child's result.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';
import { fixture, startWorker } from '../process/worker-process.js';

const CHILDREN = 1_000;
const KILL_AFTER = 400;
/** Short, so the killed worker's jobs come back quickly; long enough for a loaded machine's renewals. */
const LOCK_MS = 1_500;

describe('a flow whose worker process is SIGKILLed mid-job', () => {
  it(
    `runs the parent of ${CHILDREN} children once, after the last child, with all ${CHILDREN} results`,
    { timeout: 30_000 },
    async () => {
      const prefix = uniquePrefix('f26');
      const runsKey = `${prefix}:test:parent-runs`;
      const redis = redisClient();
      const queue = testQueue({ prefix, lockDuration: LOCK_MS, maintenanceInterval: 500 });
      const stalled: number[] = [];
      queue.on('job stalled', (id: number) => stalled.push(Number(id)));

      const env = {
        KUE_PREFIX: prefix,
        KUE_RUNS_KEY: runsKey,
        KUE_LOCK_DURATION: LOCK_MS,
        KUE_CONCURRENCY: 4,
        KUE_WORK_MS: 10,
      };
      const script = fixture('flow-worker.mjs');
      const workers = await Promise.all([0, 1, 2].map(() => startWorker(env, [], script)));

      const parent = queue.create('assemble', {});
      const children = Array.from({ length: CHILDREN }, (_, n) => queue.create('part', { n }));
      const saved = await queue.flow(parent, children);
      expect(saved.state()).toBe('waiting');

      await waitFor(
        async () => (await queue.completeCount('part')) >= KILL_AFTER,
        20_000,
        `${KILL_AFTER} children to complete`,
      );
      // Four slots of 10 ms jobs, each refilled by the script that completes the last: the
      // victim holds active jobs at any instant.
      const victim = workers[0]!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      const completeAtKill = await queue.completeCount('part');
      expect(completeAtKill).toBeLessThan(CHILDREN);

      await waitFor(async () => (await queue.completeCount('assemble')) === 1, 20_000, 'the parent to complete');
      // The killed worker's jobs were recovered and run again by the others.
      expect(stalled.length).toBeGreaterThan(0);
      expect(stalled.every((id) => id > saved.id && id <= saved.id + CHILDREN)).toBe(true);

      expect(await redis.get(runsKey)).toBe('1');
      const done = await queue.getJob(saved.id);
      expect(done.state()).toBe('complete');
      expect(done.result).toBe(CHILDREN);

      const parts: Job[] = await queue.rangeByType('part', 'complete', 0, -1);
      expect(parts).toHaveLength(CHILDREN);
      const lastChildAt = Math.max(...parts.map((p) => Number(p.completed_at)));
      expect(Number(done.started_at)).toBeGreaterThanOrEqual(lastChildAt);

      const results = await done.childResults();
      expect(Object.keys(results)).toHaveLength(CHILDREN);
      expect(results).toEqual(
        Object.fromEntries(children.map((c) => [String(c.id), { n: c.data.n, square: c.data.n * c.data.n }])),
      );
      // What each child's own record says it returned.
      for (const part of parts) expect(results[String(part.id)]).toEqual(part.result);

      await expectConsistent(queue, { complete: CHILDREN + 1 });
      for (const w of workers.slice(1)) expect(w.stderr()).toBe('');
      console.log(
        `flow SIGKILL: killed 1 of 3 workers at ${completeAtKill}/${CHILDREN} children complete; ${stalled.length} jobs recovered by stall; parent ran once`,
      );
    },
  );
});
