// `kue migrate` in real processes (the BUILT dist/cli.js: run `npx tsup` after changing src/):
// usage errors, a dry run's table, a run's report, a refusal.
import { describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix } from '../support/setup.js';
import { runCli, testRedisUrl, writeKue011Jobs } from '../migrate/kue011.js';

describe('kue migrate', () => {
  it.each([
    [['migrate'], /^kue migrate: required option '--from <prefix>' not specified\. See 'kue migrate --help'\.$/],
    [
      ['migrate', '--from', 'q', '-r', 'http://localhost:6379'],
      /^kue migrate: option '-r, --redis <url>' is invalid\. Expected a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [['migrate', '--from', 'q', '--bogus'], /^kue migrate: unknown option '--bogus'\. See 'kue migrate --help'\.$/],
    [['migrate', '--from', ''], /^kue migrate: option '--from <prefix>' argument '' is invalid\. The prefix must be/],
    [
      ['migrate', '--from', 'q', '--function-backoff', '5s'],
      /^kue migrate: option '--function-backoff <name\|ms>' argument '5s' is invalid\. Expected a backoff strategy's name or a delay in milliseconds/,
    ],
  ])('%j is a usage error: one line on stderr, exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(message);
  });

  it('says when Redis cannot be reached, with exit code 1', async () => {
    const { code, stderr } = await runCli(['migrate', '--from', 'q', '-r', 'redis://127.0.0.1:1']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^kue: The migration did not finish: .*ECONNREFUSED.*run the same command again/);
  });

  it('--dry-run prints what would move per type and state, and a run moves it', async () => {
    const prefix = uniquePrefix('mcli');
    const now = Date.now();
    await writeKue011Jobs(redisClient(), prefix, [
      { id: 1, type: 'email', state: 'inactive' },
      { id: 2, type: 'email', state: 'delayed', fields: { promote_at: String(now + 60_000) } },
      { id: 3, type: 'sms', state: 'active', fields: { max_attempts: '2' } },
      { id: 4, type: 'sms', state: 'failed', fields: { error: 'boom' } },
      { id: 5, type: 'sms', state: 'inactive', data: 'nope' },
    ]);
    const dry = await runCli(['migrate', '--from', prefix, '-r', testRedisUrl, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const lines = dry.stdout.split('\n');
    expect(lines[0]).toBe(
      `Kue 0.11 queue "${prefix}" to queue "${prefix}" on ${testRedisUrl}: dry run, nothing was written.`,
    );
    expect(lines.slice(1, 6)).toEqual([
      'Would move 4 jobs, by their Kue 0.11 state:',
      '  type   inactive  delayed  active  failed',
      '  email         1        1       0       0',
      '  sms           0        0       1       1',
      '  all           1        1       1       1',
    ]);
    expect(dry.stdout).toMatch(/1 back to inactive, 0 failed/);
    expect(dry.stdout).toMatch(/^ {2}job 5 \(sms, inactive\): data is not JSON$/m);

    const run = await runCli(['migrate', '--from', prefix, '-r', testRedisUrl]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Moved 4 jobs, by their Kue 0\.11 state:$/m);
    expect(run.stdout).toMatch(/Left in Kue 0\.11's indexes: 1 \(the skipped/);
    const queue = testQueue({ prefix, maintenance: false });
    expect(await queue.inactiveCount()).toBe(2);
  });

  it('names the other spelling of the prefix when the jobs are there', async () => {
    const prefix = uniquePrefix('mcli');
    await writeKue011Jobs(redisClient(), `{${prefix}}`, [{ id: 1, type: 'email', state: 'inactive' }]);
    const run = await runCli(['migrate', '--from', prefix, '-r', testRedisUrl]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      `No Kue 0.11 job under "${prefix}", but 1 job under "{${prefix}}" (Kue 0.11 on ioredis): use --from '{${prefix}}'.`,
    );
  });

  it('is refused with exit code 1 when the queue holds another job under a needed id', async () => {
    const prefix = uniquePrefix('mcli');
    const queue = testQueue({ prefix, maintenance: false });
    await queue.create('mine', {}).save();
    await writeKue011Jobs(redisClient(), prefix, [{ id: 1, type: 'email', state: 'inactive' }]);
    const run = await runCli(['migrate', '--from', prefix, '-r', testRedisUrl]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^kue: Refused: the queue \{.*\} already holds other jobs under ids the Kue 0\.11 jobs keep \(1\)\. Nothing was written\./,
    );
  });
});
