// A processor file that cannot be loaded fails the jobs it is given with the load error,
// reported once on the queue's error event; no child is started again for it until
// loadRetryMs has passed (no crash and respawn loop).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SandboxLoadError, type DoneAndContext } from '../../src/index.js';
import { sandboxedProcessor } from '../../src/sandbox/sandboxed-processor.js';
import { testQueue } from '../support/setup.js';
import { fixture, ISOLATIONS, settled } from './support.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'kue-sandbox-load-'));

afterEach(() => {
  delete process.env.KUE_TEST_LOAD_LOG;
});

describe.each(ISOLATIONS)('a sandboxed processor that cannot be loaded (isolation %s)', (isolation) => {
  it('a file that throws while loading fails each of 8 jobs with the load error, is reported once and loaded at most twice (concurrency 2)', async () => {
    const loads = join(scratch(), 'loads.txt');
    writeFileSync(loads, '');
    process.env.KUE_TEST_LOAD_LOG = loads;
    const queue = testQueue();
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    const file = fixture('throws-at-load.mjs');
    queue.process('bad', 2, file, { isolation });
    const jobs = await queue.saveAll(Array.from({ length: 8 }, () => queue.create('bad', {})));
    const stored = await settled(queue, jobs);
    const message = `sandboxed processor ${fileURLToPath(file)} could not be loaded: Error: this processor cannot start`;
    expect(stored.map((j) => j.toJSON().error)).toEqual(jobs.map(() => message));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SandboxLoadError);
    expect(errors[0]!.message).toBe(message);
    expect(errors[0]!.stack).toMatch(/Error: this processor cannot start\n\s+at .*throws-at-load\.mjs/);
    const tries = readFileSync(loads, 'utf8').split('\n').filter(Boolean).length;
    expect(tries).toBeGreaterThanOrEqual(1);
    expect(tries).toBeLessThanOrEqual(2);
  });

  it('a file that exports no function fails its jobs saying so', async () => {
    const queue = testQueue();
    queue.process('none', fixture('no-function.mjs'), { isolation });
    const job = await queue.create('none', {}).save();
    const [stored] = await settled(queue, [job]);
    expect(stored!.toJSON().error).toMatch(
      /could not be loaded: TypeError: it exports no function \(use `export default fn` or `module.exports = fn`\); its exports: answer$/,
    );
  });

  it('a file removed after process() fails its jobs with the load error; once it is back, a job after loadRetryMs completes', async () => {
    const dir = scratch();
    const file = join(dir, 'comes-and-goes.mjs');
    writeFileSync(file, 'export default async (job) => job.data.n + 1;\n');
    const queue = testQueue();
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    queue.process('flaky', file, { isolation, loadRetryMs: 300 });
    rmSync(file);
    const first = await queue.create('flaky', { n: 1 }).save();
    const [failed] = await settled(queue, [first]);
    expect(failed!.toJSON().error).toMatch(/could not be loaded: .*(Cannot find module|ERR_MODULE_NOT_FOUND)/);
    writeFileSync(file, 'export default async (job) => job.data.n + 1;\n');
    await new Promise((r) => setTimeout(r, 350));
    const second = await queue.create('flaky', { n: 41 }).save();
    const [done] = await settled(queue, [second]);
    expect(done!.result).toBe(42);
    expect(errors).toHaveLength(1);
  });

  it('a file that does not finish loading within loadTimeoutMs fails its job with the load error; an abort meanwhile ends the run at once', async () => {
    const queue = testQueue();
    const errors: Error[] = [];
    queue.on('error', (err: Error) => errors.push(err));
    queue.process('slow', fixture('hangs-at-load.mjs'), { isolation, loadTimeoutMs: 300 });
    const job = await queue.create('slow', {}).save();
    const [stored] = await settled(queue, [job]);
    expect(stored!.toJSON().error).toMatch(/could not be loaded: it did not finish loading within 300 ms$/);
    expect(errors.map((e) => e.message)).toEqual([stored!.toJSON().error]);

    const sandbox = sandboxedProcessor(fixture('hangs-at-load.mjs'), { isolation }, () => undefined);
    try {
      const job = {
        id: 1,
        type: 'slow',
        data: {},
        log: () => undefined,
        progress: () => undefined,
        childResults: () => Promise.resolve({}),
        childFailures: () => Promise.resolve({}),
      };
      const ctx = { id: 'test-worker', signal: AbortSignal.timeout(100) } as unknown as DoneAndContext;
      const started = Date.now();
      await expect(sandbox.handler(job, ctx, () => undefined) as Promise<unknown>).rejects.toThrow(/timed? ?out/i);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await sandbox.close();
    }
  });
});
