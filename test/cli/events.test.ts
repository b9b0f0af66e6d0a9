// `kue events` in real processes (the BUILT dist/cli.js: run `npm run build` after changing
// src/): the history as lines or JSON, --follow printing new events, bad input as usage errors.
import { describe, expect, it } from 'vitest';
import { runCli, startCli, testRedisUrl } from '../migrate/kue011.js';
import { testQueue, waitFor } from '../support/setup.js';

describe('kue events', () => {
  it('prints the events the stream holds, one line each, or JSON', async () => {
    const queue = testQueue({ maintenance: false });
    const where = ['-r', testRedisUrl, '-q', queue.prefix];
    const job = await queue.create('email', { to: 'a' }).save();
    await job.remove();
    const lines = await runCli(['events', ...where]);
    expect(lines.code).toBe(0);
    expect(lines.stdout).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z {2}enqueue {8}#1 email \["email"\]\n\S+ {2}remove {9}#1 email \["email"\]\n$/,
    );
    const json = await runCli(['events', '--json', '--since', '1h', ...where]);
    const events = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; entry: string });
    expect(events.map((e) => e.event)).toEqual(['enqueue', 'remove']);
    expect(events[0]!.entry).toMatch(/^\d+-\d+$/);
  });

  it('--follow prints the history, then new events as they happen', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('old').save();
    const run = startCli(['events', '--follow', '-r', testRedisUrl, '-q', queue.prefix]);
    let out = '';
    run.child.stdout!.on('data', (d: Buffer) => (out += d));
    await waitFor(() => out.includes('#1 old'), 10_000, 'the history');
    await queue.create('new').save();
    await waitFor(() => out.includes('#2 new'), 10_000, 'a new event');
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => l.includes('#1 old'))).toHaveLength(1);
  });

  it('answers a bad --since as a usage error', async () => {
    const run = await runCli(['events', '--since', 'yesterday', '-r', testRedisUrl]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Expected a duration like 30s, 10m, 2h or 1d.');
  });
});
