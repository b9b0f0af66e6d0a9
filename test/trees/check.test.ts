// kue check knows flows: their keys are not unknown, and a parent that would wait forever, or
// a child its parent does not know, is reported.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisClient, testQueue } from '../support/setup.js';

describe('kue check and flows', () => {
  it('finds parents waiting on finished children, waiting on nothing, children unknown to their parent, orphan flow keys', async () => {
    const queue = testQueue();
    const parent = queue.create('p', {});
    const children = [queue.create('c', {}), queue.create('c', {}), queue.create('c', {})];
    await queue.flow(parent, children);
    const done = await queue.create('other', {}).save();
    await done.complete();
    await expectConsistent(queue, { waiting: 1, inactive: 3, complete: 1 });

    const client = redisClient();
    const base = `{${queue.prefix}}`;
    const [p, c0] = [parent.id!, children[0]!.id!];
    await client.sadd(`${base}:job:${p}:pending`, String(done.id));
    await client.srem(`${base}:job:${p}:pending`, String(c0));
    await client.hset(`${base}:job:999999:results`, '1', 'null');
    const findings = (await queue.admin.check()).findings.map((f) => [f.code, f.id]);
    expect(findings).toEqual(
      expect.arrayContaining([
        ['tree-waits-on-finished', done.id],
        ['tree-child-unlisted', c0],
        ['orphan-key', 999999],
      ]),
    );
    expect(findings).toHaveLength(3);

    await client.del(`${base}:job:${p}:pending`, `${base}:job:999999:results`);
    expect((await queue.admin.check()).findings.map((f) => [f.code, f.id])).toEqual(
      expect.arrayContaining([
        ['tree-waiting-empty', p],
        ['tree-child-unlisted', c0],
      ]),
    );
  });
});
