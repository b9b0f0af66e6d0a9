// A flow that cannot be saved as given is refused before anything is written: the message
// says which job (by its place in the flow) and why.
import { describe, expect, it } from 'vitest';
import type { FlowChild } from '../../src/index.js';
import { MAX_FLOW_DEPTH, MAX_FLOW_JOBS } from '../../src/queue/flows.js';
import { keysOf, redisClient, testQueue } from '../support/setup.js';

describe('queue.flow refuses bad input and writes nothing', () => {
  it('answers each mistake with a TypeError or RangeError naming the job', async () => {
    const queue = testQueue();
    const other = testQueue();
    const saved = await queue.create('x', {}).save();
    const client = redisClient();
    const before = await keysOf(client, queue.prefix);
    const c = (type = 'child') => queue.create(type, {});
    const deep = (levels: number): FlowChild => (levels === 0 ? c() : { job: c('mid'), children: [deep(levels - 1)] });
    const twice = c();
    const cases: Array<[string, () => Promise<unknown>, ErrorConstructor, RegExp]> = [
      ['a saved parent', () => queue.flow(saved, [c()]), TypeError, /the parent \(type "x"\) is already saved/],
      [
        'a saved child',
        () => queue.flow(c('p'), [c(), saved]),
        TypeError,
        /children\[1\] \(type "x"\) is already saved/,
      ],
      ['a job twice', () => queue.flow(c('p'), [twice, twice]), TypeError, /children\[1\] .* appears twice/],
      ['a job of another queue', () => queue.flow(c('p'), [other.create('y', {})]), TypeError, /another queue/],
      ['no children', () => queue.flow(c('p'), []), TypeError, /non-empty array/],
      ['children not a list', () => queue.flow(c('p'), 'x' as never), TypeError, /non-empty array/],
      ['a child that is not a job', () => queue.flow(c('p'), ['x' as never]), TypeError, /children\[0\] must be a Job/],
      [
        'a nested node without children',
        () => queue.flow(c('p'), [{ job: c(), children: [] }]),
        TypeError,
        /children\[0\]: children must be a non-empty array/,
      ],
      [
        'an unknown option',
        () => queue.flow(c('p'), [c()], { onFailure: 'x' } as never),
        TypeError,
        /unknown key\(s\) onFailure/,
      ],
      [
        'an unknown node key',
        () => queue.flow(c('p'), [{ job: c(), children: [c()], priority: 1 } as never]),
        TypeError,
        /children\[0\] has unknown key\(s\) priority/,
      ],
      [
        'a bad policy',
        () => queue.flow(c('p'), [c()], { onChildFailure: 'retry' as never }),
        RangeError,
        /onChildFailure must be one of fail, ignore, remove-parent/,
      ],
      [
        'a bad cancelChildren',
        () => queue.flow(c('p'), [c()], { cancelChildren: 'yes' as never }),
        TypeError,
        /cancelChildren must be a boolean/,
      ],
      [
        'a unique key with replace',
        () => queue.flow(c('p'), [c().unique('k', { replace: true })]),
        TypeError,
        /replace cannot be in a flow/,
      ],
      [
        'one unique key twice',
        () => queue.flow(c('p'), [c().unique('k'), c().unique('k')]),
        TypeError,
        /children\[1\] .* has the unique key "k" of children\[0\]/,
      ],
      ['too deep', () => queue.flow(c('p'), [deep(MAX_FLOW_DEPTH + 1)]), RangeError, /at most 32 levels/],
      [
        'too many jobs',
        () =>
          queue.flow(
            c('p'),
            Array.from({ length: MAX_FLOW_JOBS }, () => c()),
          ),
        RangeError,
        /at most 20000 jobs/,
      ],
    ];
    for (const [what, save, type, message] of cases) {
      const err = await save().catch((e: unknown) => e);
      expect(err, what).toBeInstanceOf(type);
      expect((err as Error).message, what).toMatch(message);
    }
    expect(await keysOf(client, queue.prefix)).toEqual(before);
    expect(await client.get(`{${queue.prefix}}:ids`)).toBe(String(saved.id));
    // A job refused with a flow is still free to be saved.
    expect((await twice.save()).id).toBe(saved.id + 1);
    await other.shutdown(1_000);
  });

  it('rejects a bad children option of remove and cancel', async () => {
    const queue = testQueue();
    const job = await queue.create('x', {}).save();
    await expect(job.remove({ children: 'drop' as never })).rejects.toThrow(/children must be 'remove' or 'keep'/);
    await expect(job.cancel('r', { kids: 'keep' } as never)).rejects.toThrow(/unknown option\(s\) kids/);
    expect((await queue.getJob(job.id)).state()).toBe('inactive');
  });
});
