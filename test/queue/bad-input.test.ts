import { describe, expect, it } from 'vitest';
import { JobNotFoundError } from '../../src/index.js';
import { keysOf, redisClient, testQueue } from '../support/setup.js';

describe('bad input gets a clear error and writes nothing', () => {
  it('an unknown priority name is a RangeError naming the value', () => {
    const queue = testQueue();
    // A type error in TypeScript (PriorityName); JavaScript callers get the RangeError.
    expect(() => queue.create('t').priority('urgent' as never)).toThrow(RangeError);
    expect(() => queue.create('t').priority('urgent' as never)).toThrow(/"urgent"/);
    expect(() => queue.create('t').priority({} as never)).toThrow(TypeError);
    expect(() => queue.create('t').priority(Number.NaN)).toThrow(RangeError);
  });

  it('a non-finite or negative delay or ttl is a RangeError', () => {
    const queue = testQueue();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => queue.create('t').delay(bad)).toThrow(RangeError);
      expect(() => queue.create('t').ttl(bad)).toThrow(RangeError);
    }
    expect(() => queue.create('t').delay('soon' as never)).toThrow(TypeError);
    expect(() => queue.create('t').delay(new Date('nope'))).toThrow(RangeError);
  });

  it('attempts below 1 or not an integer is a RangeError', () => {
    const queue = testQueue();
    expect(() => queue.create('t').attempts(0)).toThrow(RangeError);
    expect(() => queue.create('t').attempts(1.5)).toThrow(RangeError);
    expect(() => queue.create('t').attempts('3' as never)).toThrow(TypeError);
  });

  it('a type that is not a non-empty string is a TypeError', () => {
    const queue = testQueue();
    expect(() => queue.create('')).toThrow(TypeError);
    expect(() => queue.create(42 as never)).toThrow(TypeError);
    expect(() => queue.process('', () => undefined)).toThrow(TypeError);
    expect(() => queue.process('t', 0, () => undefined)).toThrow(RangeError);
  });

  it('data that cannot be serialised rejects the save and nothing reaches Redis', async () => {
    const queue = testQueue();
    const reported: Error[] = [];
    queue.on('error', (e: Error) => reported.push(e));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(queue.create('t', cyclic).save()).rejects.toThrow(TypeError);
    // The caller got the error: it is not reported a second time as a queue error.
    const awaited = await Promise.resolve(queue.create('t', cyclic).save()).catch((e: unknown) => e);
    expect(awaited).toBeInstanceOf(TypeError);
    await new Promise((r) => setTimeout(r, 20));
    expect(reported).toEqual([]);
    await expect(queue.create('t', { n: 10n }).save()).rejects.toThrow(/JSON/);
    const err = await new Promise<Error | null>((resolve) => void queue.create('t', cyclic).save((e) => resolve(e)));
    expect(err).toBeInstanceOf(TypeError);
    expect(await keysOf(redisClient(), queue.prefix)).toEqual([]);
  });

  it('a backoff that is neither true, an object nor a function is a TypeError', () => {
    const queue = testQueue();
    expect(() => queue.create('t').backoff('exponential' as never)).toThrow(TypeError);
    expect(() => queue.create('t').backoff({ type: 'fixed', delay: -5 })).toThrow(RangeError);
  });

  it('a unique key that is not a non-empty string, a ttl that is not a whole number of ms from 1, or an unknown option throws, naming the value; nothing is written', async () => {
    const queue = testQueue();
    const bad: Array<[() => unknown, typeof TypeError | typeof RangeError, RegExp]> = [
      [
        () => queue.create('t').unique(7 as never),
        TypeError,
        /^unique key must be a non-empty string, got 7 \(number\)$/,
      ],
      [() => queue.create('t').unique(undefined as never), TypeError, /got undefined$/],
      [() => queue.create('t').unique(''), RangeError, /^unique key must be a non-empty string, got "" \(string\)$/],
      [
        () => queue.create('t').unique('k', { ttl: 0 }),
        RangeError,
        /^unique ttl must be a whole number .*, got 0 \(number\)$/,
      ],
      [() => queue.create('t').unique('k', { ttl: 1.5 }), RangeError, /got 1\.5 \(number\)$/],
      [() => queue.create('t').unique('k', { ttl: -1 }), RangeError, /got -1 \(number\)$/],
      [() => queue.create('t').unique('k', { ttl: 2 ** 45 }), RangeError, /got 35184372088832 \(number\)$/],
      [
        () => queue.create('t').unique('k', { ttl: '5s' as never }),
        TypeError,
        /^unique ttl must be a number of milliseconds, got "5s" \(string\)$/,
      ],
      [
        () => queue.create('t').unique('k', { replace: 'yes' as never }),
        TypeError,
        /^unique replace must be true or false, got "yes" \(string\)$/,
      ],
      [
        () => queue.create('t').unique('k', { lock: true } as never),
        TypeError,
        /^unique options take ttl and replace; got unknown option "lock" \(string\)$/,
      ],
      [
        () => queue.create('t').unique('k', 5000 as never),
        TypeError,
        /^unique options must be an object \{ttl, replace\}, got 5000 \(number\)$/,
      ],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    expect(await keysOf(redisClient(), queue.prefix)).toEqual([]);
    // A job left as it was by a refused call saves without a key.
    const job = queue.create('t');
    expect(() => job.unique('')).toThrow(RangeError);
    expect(job.unique()).toBeUndefined();
  });

  it('Job.get of an id that does not exist errors with a message naming the id', async () => {
    const queue = testQueue();
    const err = await queue.getJob(987654).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobNotFoundError);
    expect((err as Error).message).toContain('987654');
    await expect(queue.getJob('abc')).rejects.toThrow(TypeError);
  });

  it('Job.get with a type checks the job is of that type', async () => {
    const queue = testQueue();
    const job = await queue.create('email').save();
    expect((await queue.getJob(job.id!, 'email')).id).toBe(job.id);
    await expect(queue.getJob(job.id!, 'sms')).rejects.toThrow(/email/);
  });

  it('an invalid state or order is a RangeError', async () => {
    const queue = testQueue();
    await expect(queue.rangeByState('stuck' as never, 0, 10)).rejects.toThrow(RangeError);
    await expect(queue.rangeByState('inactive', 0, 10, 'up' as never)).rejects.toThrow(RangeError);
    await expect(queue.rangeByState('inactive', -1, 10)).rejects.toThrow(RangeError);
  });
});
