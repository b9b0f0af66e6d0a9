// Edges a review found: a failed child retried in bulk is waited for again, a flow save that
// reaches Redis twice is one flow (not a conflict with itself), a grouped parent released into
// a type that never had a grouped job runs, and removing a parent overrides a cancel of its
// children queued before.
import { describe, expect, it } from 'vitest';

import { encodeNewJob } from '../../src/store/codec.js';
import { runScript } from '../../src/store/scripts.js';
import { expectConsistent } from '../support/check.js';
import { newJob } from '../support/new-job.js';
import { testQueue, waitFor } from '../support/setup.js';

describe('flow edges', () => {
  it('a failed child retried with "retry all failed" makes its waiting parent wait for it again', async () => {
    const queue = testQueue();
    const parent = queue.create('p', {});
    const [a, b] = [queue.create('c', { n: 'a' }), queue.create('c', { n: 'b' })];
    await queue.flow(parent, [a, b], { onChildFailure: 'ignore' });
    await a.failed();
    expect(Object.keys(await parent.childFailures())).toEqual([String(a.id)]);
    expect(await queue.admin.retryAll({ type: 'c' })).toBe(1);
    expect(await parent.childFailures()).toEqual({});
    await b.complete();
    expect((await queue.getJob(parent.id!)).state()).toBe('waiting');
    await a.complete();
    await waitFor(async () => (await queue.getJob(parent.id!)).state() === 'inactive');
    await expectConsistent(queue, { inactive: 1, complete: 2 });
  });

  it('the same tree_save call twice (a resend after a lost reply) answers the first reply, unique keys and all', async () => {
    const queue = testQueue();
    const job = (type: string, unique?: string) =>
      encodeNewJob(newJob(type, {}, unique ? { unique: { key: unique } } : {}));
    const base = `{${queue.prefix}}`;
    const args = [base, 'call-1', 60_000, '', '0,1', '{"1":[1,"",0]}', ...job('p'), ...job('c', 'k1')];
    args.push(JSON.stringify({ 2: { unique: 'k1' } }));
    const first = await runScript(queue.client, 'tree_save', `${base}:ids`, args);
    const again = await runScript(queue.client, 'tree_save', `${base}:ids`, args);
    expect(again).toEqual(first);
    await expectConsistent(queue, { waiting: 1, inactive: 1 });
  });

  it('a grouped parent released into a type that never had a grouped job runs', async () => {
    const queue = testQueue();
    const parent = queue.create('fresh-type', {}).group('tenant-1');
    await queue.flow(parent, [queue.create('c', {})]);
    queue.process('c', async () => 'ok');
    let ran = false;
    queue.process('fresh-type', async () => void (ran = true));
    await waitFor(() => ran, 5_000);
    await waitFor(async () => (await queue.completeCount()) === 2);
    await expectConsistent(queue, { complete: 2 });
  });

  it('a grouped job delayed first, of a fresh type, runs once promoted', async () => {
    const queue = testQueue();
    await queue.create('fresh-delayed', {}).group('g').delay(50).save();
    let ran = false;
    queue.process('fresh-delayed', async () => void (ran = true));
    await waitFor(() => ran, 5_000);
  });

  it('removing a parent whose children were queued for cancelling removes them instead', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('p', {});
    const [bad, other] = [queue.create('bad', {}), queue.create('c', {})];
    await queue.flow(parent, [bad, other], { cancelChildren: true });
    queue.process('bad', async () => {
      throw new Error('boom');
    });
    await waitFor(async () => (await queue.getJob(parent.id!)).state() === 'failed');
    // No maintenance runs here: the cancel of `other` is still queued.
    expect((await queue.getJob(other.id!)).state()).toBe('inactive');
    await (await queue.getJob(parent.id!)).remove();
    expect(await queue.loadJobs([other.id!])).toEqual([]);
    await expectConsistent(queue, { failed: 1 });
  });
});
