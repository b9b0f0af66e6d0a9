// `kue flow <id>` in real processes (the BUILT dist/cli.js: run `npm run build` after changing
// src/): a parent's policy, counts and why it waits, a page of each part as a table, a child's
// parent, JSON, and bad input answered as usage errors.
import { describe, expect, it } from 'vitest';
import { runCli, testRedisUrl } from '../migrate/kue011.js';
import { testQueue, waitFor } from '../support/setup.js';

describe('kue flow', () => {
  it('prints a parent: policy, children settled and what it waits for, and a page of a part as a table', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const parent = queue.create('report', {});
    const mid = queue.create('section', {});
    const kids = [
      queue.create('quick', {}),
      queue.create('quick', {}),
      queue.create('bad', {}),
      queue.create('slow', {}).delay(60_000),
      queue.create('slow', {}),
    ];
    await queue.flow(parent, [...kids, { job: mid, children: [queue.create('leaf', {})] }], {
      onChildFailure: 'ignore',
    });
    queue.process('quick', async () => 'ok');
    queue.process('bad', async () => {
      throw new Error('disk full');
    });
    await waitFor(async () => (await queue.admin.flowTree(parent.id!)).children.pending === 3);
    // A queue of its own: its ids start at 1.
    const p = parent.id!;
    expect(p).toBe(1);

    const pending = await runCli(['flow', String(p), ...where]);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toBe(
      [
        `Queue "${queue.prefix}" on ${testRedisUrl}: job ${p} "report" is waiting.`,
        'Policy: onChildFailure ignore, cancelChildren false.',
        `Children 3/6 settled: 2 complete, 1 failed; waiting for 3: 1 inactive, 1 delayed, 1 waiting; oldest pending: ${p + 4}.`,
        '',
        'Pending children (3 of 3):',
        'ID  TYPE     STATE     CHILDREN',
        '5   slow     delayed   -',
        '6   slow     inactive  -',
        '7   section  waiting   0/1 settled',
        '',
      ].join('\n'),
    );

    const failed = await runCli(['flow', String(p), '--part', 'failed', ...where]);
    expect(failed.stdout).toContain('Failed children (1 of 1):\n');
    expect(failed.stdout).toMatch(new RegExp(`\\n${p + 3} +bad +failed +- +FAILED +disk full\\n`));

    const paged = await runCli(['flow', String(p), '--part', 'complete', '--limit', '1', ...where]);
    expect(paged.stdout).toContain('Complete children (1 of 2):\n');
    const next = /More: the same command with --cursor (\S+)\n$/.exec(paged.stdout)![1]!;
    const rest = await runCli(['flow', String(p), '--part', 'complete', '--cursor', next, '--json', ...where]);
    expect(JSON.parse(rest.stdout)).toMatchObject({ items: [{ id: p + 2, type: 'quick' }], next: null });

    const child = await runCli(['flow', String(p + 7), ...where]);
    expect(child.stdout).toBe(
      `Queue "${queue.prefix}" on ${testRedisUrl}: job ${p + 7} "leaf" is inactive.\nParent: job ${p + 6}.\n`,
    );
    const json = JSON.parse((await runCli(['flow', String(p + 6), '--json', ...where])).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({ id: p + 6, flow: { parentId: p }, children: { total: 1, pending: 1 } });
  });

  it('answers bad input with a usage error (2) and an unknown job with exit code 1', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const cases: Array<[string[], RegExp]> = [
      [['flow', 'abc'], /Expected a job id/],
      [['flow', '1', '--part', 'done', '--limit', '501'], /Expected one of pending, complete, failed/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli([...args, ...where]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const missing = await runCli(['flow', '4242', ...where]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/The flow could not be read: job 4242 does not exist/);
  });
});
