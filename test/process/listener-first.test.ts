/**
 * The README's order in a worker process that has just started, `queue.on('job complete', fn)`
 * then `queue.process(...)`: the listener hears every completion, the first ones included,
 * although the event subscription it starts is still on its way when process() is called.
 * (Before the fix, 3 of 8 fresh processes missed the first 50 events.)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { redisPort, testQueue, uniquePrefix } from '../support/setup.js';

const fixture = fileURLToPath(new URL('./fixtures/listener-first.mjs', import.meta.url));
const JOBS = 3_000;

describe('a queue-level listener registered right before process() in a fresh worker process', () => {
  it(`hears all ${JOBS} completions, in each of 8 fresh processes`, { timeout: 120_000 }, async () => {
    const heard: number[] = [];
    for (let round = 0; round < 8; round++) {
      const prefix = uniquePrefix('listener-first');
      const producer = testQueue({ prefix, jobEvents: false });
      await producer.saveAll(Array.from({ length: JOBS }, (_, i) => producer.create('mail', { i })));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [fixture, String(redisPort), prefix, String(JOBS)],
        {
          timeout: 30_000,
        },
      );
      heard.push(Number(stdout.trim()));
      expect(await producer.completeCount('mail')).toBe(JOBS);
    }
    expect(heard).toEqual(Array(8).fill(JOBS));
  });
});
