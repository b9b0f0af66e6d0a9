// `kue cancel` in real processes (the BUILT dist/cli.js: run `npm run build` after changing
// src/): by id, every matching job, and bad input answered as usage errors.
import { describe, expect, it } from 'vitest';
import { runCli, testRedisUrl } from '../migrate/kue011.js';
import { testQueue } from '../support/setup.js';

describe('kue cancel', () => {
  it('cancels jobs by id with a reason, says which had finished or do not exist (exit 1)', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const [a, b] = await queue.saveAll([queue.create('t', {}), queue.create('t', {})]);
    await (await queue.getJob(b!.id)).complete();
    const run = await runCli(['cancel', String(a!.id), String(b!.id), '4242', '--reason', 'bad batch', ...where]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `Cancelled 1 job: ${a!.id}.\nAlready finished, left as they were: ${b!.id}.\nNo such job: 4242.\n`,
    );
    expect((await queue.getJob(a!.id)).cancelled).toBe('bad batch');
  });

  it("a flow's parent takes its pending children along, unless --keep-children", async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const [p1, p2] = [queue.create('p', {}), queue.create('p', {})];
    await queue.flow(p1, [queue.create('c', {}), queue.create('c', {})]);
    await queue.flow(p2, [queue.create('c', {})]);
    expect((await runCli(['cancel', String(p1.id), ...where])).code).toBe(0);
    expect(await queue.card('failed', 'c')).toBe(2);
    expect((await runCli(['cancel', String(p2.id), '--keep-children', ...where])).code).toBe(0);
    expect(await queue.card('inactive', 'c')).toBe(1);
    expect(await queue.card('failed', 'p')).toBe(2);
  });

  it('--all cancels what matches --state and --type', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    await queue.saveAll([queue.create('t', {}), queue.create('t', {}).delay(60_000), queue.create('u', {})]);
    const typed = await runCli(['cancel', '--all', '--type', 't', '--state', 'delayed', '--json', ...where]);
    expect(JSON.parse(typed.stdout)).toEqual({ count: 1 });
    expect((await runCli(['cancel', '--all', ...where])).stdout).toBe('Cancelled 2 jobs.\n');
    expect(await queue.card('failed')).toBe(3);
  });

  it('answers bad input with a usage error (2), changing nothing', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    await queue.create('t', {}).save();
    const cases: Array<[string[], RegExp]> = [
      [['cancel'], /Name the jobs to cancel by id, or use --all/],
      [['cancel', 'abc'], /value 'abc' is invalid for argument 'ids'\. Expected a job id/],
      [['cancel', '--all', '--state', 'complete'], /Expected one of inactive, delayed, active/],
      [['cancel', '1', '--type', 't'], /--state and --type go with --all/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...args, ...where]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(await queue.card('inactive')).toBe(1);
  });
});
