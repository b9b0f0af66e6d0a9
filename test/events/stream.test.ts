// The event stream B:stream: capped, read from where each process left off, and robust to
// entries that are not Kue's.
import { describe, expect, it } from 'vitest';
import { nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

describe('the event stream', () => {
  it('keeps about events.maxLen entries however many calls emit', async () => {
    const queue = testQueue({ events: { maxLen: 200 } });
    const redis = redisClient();
    const stream = `{${queue.prefix}}:stream`;
    const lengths: number[] = [];
    // Trimmed in whole nodes of 100 entries, by the calls of one millisecond in 100: it runs
    // over the cap between trims (by the entries of 100 ms), and each trim brings it back. A
    // fast run makes 3,000 saves within a few such milliseconds, so it goes on for 1.5 s.
    const started = Date.now();
    for (let i = 0; i < 3_000 || Date.now() - started < 1_500; i++) {
      await queue.create('tick').save();
      lengths.push(await redis.xlen(stream));
    }
    expect(Math.min(...lengths.slice(1_000))).toBeGreaterThanOrEqual(200);
    const trims = lengths.filter((n, i) => i > 0 && n < lengths[i - 1]!);
    expect(trims.length).toBeGreaterThan(2);
    for (const [i, n] of lengths.entries()) if (i > 0 && n < lengths[i - 1]!) expect(n).toBeLessThanOrEqual(301);
  });

  it('holds one entry per script call: a saveAll of 500 jobs is one entry', async () => {
    const queue = testQueue();
    const redis = redisClient();
    await queue.saveAll(Array.from({ length: 500 }, (_, i) => queue.create('bulk', { i })));
    const entries = (await redis.xrange(`{${queue.prefix}}:stream`, '-', '+')) as Array<[string, string[]]>;
    expect(entries).toHaveLength(1);
    const [field, text] = entries[0]![1];
    expect(field).toBe('m');
    // Jobs of one type that share an event are one object with their ids.
    const event = JSON.parse(text!) as { e: string; ids: string[] };
    expect(event.e).toBe('enqueue');
    expect(event.ids).toHaveLength(500);
  });

  it('skips entries that are not Kue events and goes on reading', async () => {
    const queue = testQueue();
    const redis = redisClient();
    const job = await queue.create('after-junk').save();
    const stream = `{${queue.prefix}}:stream`;
    await redis.xadd(stream, '*', 'm', 'not json {');
    await redis.xadd(stream, '*', 'other', 'field');
    await redis.xadd(stream, '*', 'm', '{"e":"progress","id":"x"}');
    const removed = nextEvent(queue, 'job remove');
    await job.remove();
    expect(await removed).toEqual([job.id, 'after-junk']);
  });

  it('answers a bad events option with TypeError / RangeError', () => {
    expect(() => testQueue({ events: { maxLen: 5 } })).toThrow(RangeError);
    expect(() => testQueue({ events: { maxLen: 1.5 } })).toThrow('events.maxLen must be a whole number');
    expect(() => testQueue({ events: 'big' as unknown as { maxLen: number } })).toThrow(TypeError);
    expect(() => testQueue({ events: { maxLen: 1000, keep: 1 } as unknown as { maxLen: number } })).toThrow(
      'events takes only maxLen, got "keep"',
    );
  });

  it("reports 'events lost' when entries after the last one read are trimmed before it reads on", async () => {
    const queue = testQueue();
    const redis = redisClient();
    const lost: Array<{ after: string }> = [];
    queue.on('events lost', (e: { after: string }) => lost.push(e));
    const enqueued = nextEvent(queue, 'job enqueue');
    const first = await queue.create('first').save();
    await enqueued;
    // One call appends 250 entries and trims all but 100, as a process whose events.maxLen is
    // the least allowed would: the reader, waiting for a new entry, finds the one it read last
    // gone.
    await redis.eval(
      "for i = 1, 250 do redis.call('XADD', KEYS[1], '*', 'm', '[]') end redis.call('XTRIM', KEYS[1], 'MAXLEN', 100)",
      1,
      `{${queue.prefix}}:stream`,
    );
    await waitFor(() => lost.length === 1, 5_000, "'events lost'");
    expect(lost[0]!.after).toMatch(/^\d+-\d+$/);
    // And it reads on: the next events arrive.
    const removed = nextEvent(queue, 'job remove');
    await first.remove();
    expect(await removed).toEqual([first.id, 'first']);
    expect(lost).toHaveLength(1);
  });

  it('is trimmed even when its last id is ahead of the clock (a clock stepped back)', async () => {
    const queue = testQueue({ events: { maxLen: 100 } });
    const redis = redisClient();
    const stream = `{${queue.prefix}}:stream`;
    await redis.xadd(stream, `${Date.now() + 3_600_000}-0`, 'm', '[]');
    for (let i = 0; i < 1_000; i++) await queue.create('tick').save();
    expect(await redis.xlen(stream)).toBeLessThan(400);
  });
});
