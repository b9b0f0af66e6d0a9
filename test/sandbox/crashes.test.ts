// A child that dies fails the attempt it was running, with the cause in the message; the pool
// replaces it, the job never stays active, and the pool's other jobs complete.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { testQueue, waitFor } from '../support/setup.js';
import { childOf, fixture, ISOLATIONS, settled, type Where } from './support.js';

describe.each(ISOLATIONS)('a sandboxed processor that crashes (isolation %s)', (isolation) => {
  it('a job that calls process.exit(1) fails that attempt with "exited with code 1", is retried, and the pool of 4 completes all 11 other jobs', async () => {
    const queue = testQueue();
    queue.process('b', 4, fixture('behaviours.cjs'), { isolation });
    const marker = join(mkdtempSync(join(tmpdir(), 'kue-sandbox-')), 'died');
    const attempts: string[] = [];
    queue.on('job failed attempt', (_id: number, message: string) => attempts.push(message));
    const others = Array.from({ length: 11 }, (_, i) => queue.create('b', { do: 'sleep', ms: 20 + (i % 4) * 10 }));
    const dying = queue.create('b', { do: 'exit-once', marker }).attempts(2);
    const jobs = await queue.saveAll([...others.slice(0, 5), dying, ...others.slice(5)]);
    const stored = await settled(queue, jobs);
    expect(stored.map((j) => j.state())).toEqual(jobs.map(() => 'complete'));
    expect(attempts).toEqual(['sandboxed processor exited with code 1']);
    const again = stored[5]!;
    // One failed attempt (the crash), then the retry completed.
    expect(again.attempts()).toEqual({ made: 1, remaining: 1, max: 2 });
    // The retry ran in a child the pool started after the crash.
    const children = new Set(stored.map((j) => childOf(j.result as Where)));
    expect(children.size).toBeGreaterThanOrEqual(2);
    await expectConsistent(queue, { complete: 12 });
  });

  it('an uncaught exception and an unhandled rejection fail the attempt with the error, never leaving it active', async () => {
    const queue = testQueue();
    queue.process('b', 2, fixture('behaviours.cjs'), { isolation });
    const thrown = await queue.create('b', { do: 'throw-later' }).save();
    const rejected = await queue.create('b', { do: 'reject-unhandled' }).save();
    const fine = await queue.create('b', { do: 'sleep' }).save();
    const [a, b, c] = await settled(queue, [thrown, rejected, fine]);
    expect(a!.toJSON().error).toBe('sandboxed processor crashed with an uncaught exception: thrown from a timer');
    expect(a!._stack).toMatch(/TypeError: thrown from a timer\n\s+at .*behaviours\.cjs/);
    expect(b!.toJSON().error).toBe(
      'sandboxed processor crashed with an unhandled rejection: nobody handles this rejection',
    );
    expect(c!.state()).toBe('complete');
    await expectConsistent(queue, { complete: 1, failed: 2 });
  });
});

describe('a sandboxed processor in a child process', () => {
  it('a child killed by a signal (SIGSEGV, SIGKILL) fails the attempt with "was killed by <signal>"', async () => {
    const queue = testQueue();
    queue.process('b', 2, fixture('behaviours.cjs'), { isolation: 'process' });
    const segv = await queue.create('b', { do: 'signal', signal: 'SIGSEGV' }).save();
    const kill = await queue.create('b', { do: 'signal', signal: 'SIGKILL' }).save();
    const after = await queue.create('b', { do: 'sleep' }).save();
    const [a, b, c] = await settled(queue, [segv, kill, after]);
    expect(a!.toJSON().error).toBe('sandboxed processor was killed by SIGSEGV');
    expect(b!.toJSON().error).toBe('sandboxed processor was killed by SIGKILL');
    expect(c!.state()).toBe('complete');
  });

  it('a child that dies between jobs is reported on the queue error event and replaced', async () => {
    const queue = testQueue();
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    queue.process('b', fixture('behaviours.cjs'), { isolation: 'process' });
    const first = await queue.create('b', { do: 'sleep' }).save();
    const [done] = await settled(queue, [first]);
    process.kill((done!.result as Where).pid, 'SIGKILL');
    await waitFor(() => errors.length > 0, 5_000, 'the idle death to be reported');
    const second = await queue.create('b', { do: 'sleep' }).save();
    const [again] = await settled(queue, [second]);
    expect(again!.state()).toBe('complete');
    expect((again!.result as Where).pid).not.toBe((done!.result as Where).pid);
    expect(errors.map((e) => e.message)).toEqual(['sandboxed processor was killed by SIGKILL while idle']);
  });

  it('a child that exits while a grandchild holds its stderr open fails the attempt at once, not when the grandchild ends', async () => {
    const queue = testQueue();
    queue.process('b', fixture('behaviours.cjs'), { isolation: 'process' });
    const job = await queue.create('b', { do: 'exit-leaving-grandchild' }).save();
    const started = Date.now();
    const [stored] = await settled(queue, [job]);
    const grandchild = Number((await queue.log(job.id!))[0]!.split(' ')[1]);
    process.kill(grandchild, 'SIGKILL');
    expect(stored!.toJSON().error).toBe('sandboxed processor exited with code 3');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
