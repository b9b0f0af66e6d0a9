// The JSON API of flow control: job type limits (list, change merging, remove) and groups
// (list, pause, resume); 400 for bad input, 403 in read-only mode, nothing written when refused.
import { describe, expect, it } from 'vitest';
import { serve } from '../support/serve.js';
import { testQueue } from '../support/setup.js';

describe('/api/limits', () => {
  it('sets, merges, lists and removes the limits of a type', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    expect((await http('/api/limits')).body).toEqual({ limits: [] });
    const set = await http('/api/limits/webhook', 'PUT', { rate: { max: 100, duration: 1000 }, concurrency: 20 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      type: 'webhook',
      rate: { max: 100, duration: 1000 },
      concurrency: 20,
      group: null,
      heldUntil: null,
      active: 0,
      recentStarts: 0,
    });
    expect((await http('/api/limits/webhook', 'PUT', { concurrency: null })).body).toMatchObject({
      rate: { max: 100, duration: 1000 },
      concurrency: null,
    });
    expect((await http('/api/limits')).body.limits.map((l: { type: string }) => l.type)).toEqual(['webhook']);
    // A type name with spaces and slashes travels encoded.
    await http(`/api/limits/${encodeURIComponent('mail / eu')}`, 'PUT', { concurrency: 2 });
    expect((await queue.limits()).map((l) => l.type)).toEqual(['mail / eu', 'webhook']);
    const removed = await http('/api/limits/webhook', 'DELETE');
    expect(removed.body).toMatchObject({ type: 'webhook', rate: null, concurrency: null });
    expect((await queue.limits()).map((l) => l.type)).toEqual(['mail / eu']);
  });

  it('answers bad input with 400 and the reason, and changes nothing', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('webhook', { concurrency: 3 });
    const http = await serve(queue);
    const cases: Array<[unknown, RegExp]> = [
      [{ concurrency: 0 }, /limit concurrency must be a whole number/],
      [{ rate: { max: 10, duration: '1s' } }, /limit rate.duration must be a number, got "1s"/],
      [{ burst: 1 }, /unknown option "burst"/],
      [[1, 2], /limit options must be an object or null/],
      ['fast', /limit options must be an object or null, got "fast"/],
    ];
    for (const [body, message] of cases) {
      const answer = await http('/api/limits/webhook', 'PUT', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(message);
    }
    expect((await queue.limits())[0]).toMatchObject({ type: 'webhook', concurrency: 3, rate: null });
  });

  it('refuses changes in read-only mode (403), and still lists', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('webhook', { concurrency: 3 });
    const http = await serve(queue, { readOnly: true });
    expect((await http('/api/limits/webhook', 'PUT', { concurrency: 9 })).status).toBe(403);
    expect((await http('/api/limits/webhook', 'DELETE')).status).toBe(403);
    expect((await http('/api/limits')).body.limits[0]).toMatchObject({ concurrency: 3 });
  });
});

describe('/api/groups', () => {
  it('lists the groups of a type largest first, pauses and resumes one', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll([
      ...[1, 2, 3].map(() => queue.create('sync', {}).group('tenant / 42')),
      queue.create('sync', {}).group('tenant-7'),
    ]);
    const http = await serve(queue);
    expect((await http('/api/groups/sync')).body).toEqual({
      groups: [
        { group: 'tenant / 42', waiting: 3, active: 0, paused: false },
        { group: 'tenant-7', waiting: 1, active: 0, paused: false },
      ],
    });
    const path = `/api/groups/sync/${encodeURIComponent('tenant / 42')}/pause`;
    expect((await http(path, 'PUT')).body).toEqual({ type: 'sync', group: 'tenant / 42', paused: true, changed: true });
    expect((await queue.groups('sync'))[0]).toMatchObject({ group: 'tenant / 42', paused: true });
    expect((await http(path, 'DELETE')).body).toMatchObject({ paused: false, changed: true });
    expect((await http(path, 'DELETE')).body).toMatchObject({ changed: false });
    expect((await http('/api/groups/nothing-here')).body).toEqual({ groups: [] });
  });

  it('refuses pausing in read-only mode (403)', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('sync', {}).group('g').save();
    const http = await serve(queue, { readOnly: true });
    expect((await http('/api/groups/sync/g/pause', 'PUT')).status).toBe(403);
    expect((await queue.groups('sync'))[0]!.paused).toBe(false);
  });
});
