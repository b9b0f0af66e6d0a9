// `kue limits`, `kue limit <type>` and `kue groups <type>` in real processes (the BUILT
// dist/cli.js: run `npm run build` after changing src/): listing, setting, merging,
// removing, pausing a group, bad values.
import { describe, expect, it } from 'vitest';
import { runCli, testRedisUrl } from '../migrate/kue011.js';
import { testQueue } from '../support/setup.js';

describe('kue limit, kue limits', () => {
  it('sets, merges and removes limits, and lists them with what is in use', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    expect((await runCli(['limits', ...where])).stdout).toBe(
      `Queue "${queue.prefix}" on ${testRedisUrl}: no limits.\n`,
    );

    const set = await runCli(['limit', 'webhook', '--rate', '100/1s', '--concurrency', '20', ...where]);
    expect(set.code).toBe(0);
    expect(set.stdout.split('\n').slice(1, 3)).toEqual([
      'TYPE     RATE    CONCURRENCY  ACTIVE  STARTS IN WINDOW  HELD UNTIL',
      'webhook  100/1s  20           0       0                 -',
    ]);
    expect(await queue.limits()).toMatchObject([
      { type: 'webhook', rate: { max: 100, duration: 1000 }, concurrency: 20 },
    ]);

    await runCli(['limit', 'webhook', '--no-rate', ...where]);
    await runCli(['limit', 'email', '--rate', '5/1m', ...where]);
    const listed = await runCli(['limits', ...where, '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { type: 'email', rate: { max: 5, duration: 60_000 }, concurrency: null },
      { type: 'webhook', rate: null, concurrency: 20 },
    ]);

    const cleared = await runCli(['limit', 'webhook', '--clear', ...where]);
    expect(cleared.stdout).toBe(`Queue "${queue.prefix}" on ${testRedisUrl}: "webhook" has no limits.\n`);
    expect((await queue.limits()).map((l) => l.type)).toEqual(['email']);
  });

  it('answers a bad value with a usage error (2) or the API reason (1), and changes nothing', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const badRate = await runCli(['limit', 'webhook', '--rate', '1s', ...where]);
    expect(badRate.code).toBe(2);
    expect(badRate.stderr).toMatch(
      /option '--rate <max\/duration>' argument '1s' is invalid\. Expected <max>\/<duration>/,
    );
    const zero = await runCli(['limit', 'webhook', '--concurrency', '0', ...where]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/^kue: limit concurrency must be a whole number from 1 to 1000000000, got 0/);
    expect(await queue.limits()).toEqual([]);
  });

  it("kue groups lists a type's groups largest first, and pauses and resumes one", async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    await queue.saveAll([
      ...[1, 2].map(() => queue.create('sync', {}).group('tenant-42')),
      queue.create('sync', {}).group('tenant-7'),
    ]);
    const paused = await runCli(['groups', 'sync', '--pause', 'tenant-7', ...where]);
    expect(paused.code).toBe(0);
    expect(paused.stdout.split('\n')).toEqual([
      `Queue "${queue.prefix}" on ${testRedisUrl}: "sync" has 2 groups.`,
      'GROUP      WAITING  ACTIVE  STATUS',
      'tenant-42  2        0       running',
      'tenant-7   1        0       paused',
      '',
    ]);
    await runCli(['groups', 'sync', '--resume', 'tenant-7', ...where]);
    expect((await queue.groups('sync')).every((g) => !g.paused)).toBe(true);
    const none = await runCli(['groups', 'other', ...where]);
    expect(none.stdout).toBe(`Queue "${queue.prefix}" on ${testRedisUrl}: "other" has no groups with jobs.\n`);
  });
});
