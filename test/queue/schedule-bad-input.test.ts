// Bad input to queue.schedule: a RangeError or TypeError naming the value, and nothing written.
import { describe, expect, it } from 'vitest';
import { redisClient, snapshotOf, testQueue } from '../support/setup.js';

describe('queue.schedule refuses bad input, naming it, and writes nothing', () => {
  const cases: Array<[string, unknown, RegExp, ErrorConstructor]> = [
    ['an invalid cron expression', { cron: '61 * * * *' }, /invalid cron expression "61 \* \* \* \*"/, RangeError],
    ['a cron expression of four fields', { cron: '* * * *' }, /invalid cron expression "\* \* \* \*"/, RangeError],
    [
      'an unknown time zone',
      { cron: '0 3 * * *', tz: 'Mars/Olympus' },
      /unknown time zone "Mars\/Olympus"/,
      RangeError,
    ],
    ['every 0', { every: 0 }, /every must be .* > 0, got 0/, RangeError],
    ['every below 0', { every: -5 }, /got -5/, RangeError],
    ['every as text', { every: '30s' }, /every must be a number .* "30s"/, TypeError],
    ['an unknown option', { every: 1_000, repeat: 3 }, /unknown schedule option "repeat"/, TypeError],
    ['both cron and every', { every: 1_000, cron: '* * * * *' }, /either cron or every/, TypeError],
    ['neither cron nor every', { tz: 'UTC' }, /either cron or every/, TypeError],
    ['an unknown missed policy', { every: 1_000, missed: 'some' }, /missed must be .* "some"/, RangeError],
    ['an unknown overlap policy', { every: 1_000, overlap: 'queue' }, /overlap must be .* "queue"/, RangeError],
    ['a limit of 0', { every: 1_000, limit: 0 }, /limit must be .* got 0/, RangeError],
    ['an invalid startAt', { every: 1_000, startAt: new Date('nope') }, /startAt must be a valid time/, RangeError],
    [
      'endAt before startAt',
      { every: 1_000, startAt: 2_000, endAt: 1_000 },
      /endAt must not be before startAt/,
      RangeError,
    ],
    ['a rule that is not an object', 'every day', /must be an object .* "every day"/, TypeError],
  ];

  it.each(cases)('%s', async (_what, rule, message, kind) => {
    const queue = testQueue({ maintenance: false });
    const before = await snapshotOf(redisClient(), queue.prefix);
    const error = await queue.schedule('s', rule as never, queue.create('t')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(kind);
    expect((error as Error).message).toMatch(message);
    expect(await snapshotOf(redisClient(), queue.prefix)).toEqual(before);
  });

  it('a schedule id that is empty, too long or holds control characters', async () => {
    const queue = testQueue({ maintenance: false });
    await expect(queue.schedule('', { every: 1_000 }, queue.create('t'))).rejects.toThrow(TypeError);
    await expect(queue.schedule('x'.repeat(65), { every: 1_000 }, queue.create('t'))).rejects.toThrow(
      /at most 64 bytes/,
    );
    await expect(queue.schedule('a\nb', { every: 1_000 }, queue.create('t'))).rejects.toThrow(RangeError);
    expect(await queue.schedules()).toEqual([]);
  });

  it('a job that is saved already, delayed, has a backoff function or a unique key', async () => {
    const queue = testQueue({ maintenance: false });
    const saved = await queue.create('t').save();
    await expect(queue.schedule('s', { every: 1_000 }, saved)).rejects.toThrow(/unsaved job/);
    await expect(queue.schedule('s', { every: 1_000 }, queue.create('t').delay(5))).rejects.toThrow(/delay/);
    await expect(
      queue.schedule(
        's',
        { every: 1_000 },
        queue.create('t').backoff(() => 1),
      ),
    ).rejects.toThrow(/backoff function/);
    await expect(queue.schedule('s', { every: 1_000 }, queue.create('t').unique('k'))).rejects.toThrow(
      /cannot have a unique key \(got "k"\): use the rule's overlap: 'skip'/,
    );
    expect(await queue.schedules()).toEqual([]);
  });

  it('pause, resume and runNow of a schedule that does not exist reject with ScheduleNotFoundError', async () => {
    const queue = testQueue({ maintenance: false });
    for (const call of [
      queue.pauseSchedule('x'),
      queue.resumeSchedule('x'),
      queue.runNow('x'),
      queue.getSchedule('x'),
    ]) {
      await expect(call).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND', scheduleId: 'x' });
    }
  });
});
