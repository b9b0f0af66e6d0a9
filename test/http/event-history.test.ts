// The event stream's history over HTTP: GET /api/events/history, and GET /api/events resumed
// with Last-Event-ID by a client that reconnects (also to a restarted dashboard).
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type Queue } from '../../src/index.js';
import { serve } from '../support/serve.js';
import { redisClient, testQueue, waitFor } from '../support/setup.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(queue: Queue): Promise<string> {
  const app = createApp({ queue });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** Opens the event stream with a Last-Event-ID and reads it until `until` holds of the text. */
async function readEvents(base: string, lastEventId: string, until: (text: string) => boolean): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/events`, {
    headers: { 'Last-Event-ID': lastEventId },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  let text = '';
  try {
    await waitFor(
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return until(text);
      },
      5_000,
      'the events',
    );
  } finally {
    controller.abort();
  }
  return text;
}

describe('the event history', () => {
  it('GET /api/events/history pages through the events the stream holds', async () => {
    const queue = testQueue();
    for (const n of [1, 2, 3]) await queue.create('paged', { n }).save();
    const http = await serve(queue);
    const first = await http('/api/events/history?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.gap).toBe(false);
    expect(first.body.events.map((e: { event: string; id: number }) => [e.event, e.id])).toEqual([
      ['enqueue', 1],
      ['enqueue', 2],
    ]);
    expect(first.body.next).toBe(first.body.events[1].entry);
    const rest = await http(`/api/events/history?after=${first.body.next}`);
    expect(rest.body.events.map((e: { id: number }) => e.id)).toEqual([3]);
    const later = await http(`/api/events/history?since=${Date.now() + 60_000}`);
    expect(later.body.events).toEqual([]);
  });

  it('answers bad parameters with 400', async () => {
    const http = await serve(testQueue());
    for (const query of ['after=abc', 'limit=0', 'limit=1001', 'since=-5', 'since=soon', 'after=1-0&since=5']) {
      const answer = await http(`/api/events/history?${query}`);
      expect([query, answer.status]).toEqual([query, 400]);
      expect(answer.body.error).toEqual(expect.any(String));
    }
  });

  it('reports a gap when the stream no longer holds the events after the one asked for', async () => {
    const queue = testQueue();
    for (let i = 0; i < 5; i++) await queue.create('old').save();
    const { events } = await queue.admin.events();
    await redisClient().xtrim(`{${queue.prefix}}:stream`, 'MAXLEN', 1);
    const page = await queue.admin.events({ after: events[0]!.entry });
    expect(page.gap).toBe(true);
    expect(page.events.map((e) => e.id)).toEqual([5]);
  });

  it('a client reconnecting with Last-Event-ID to a restarted dashboard gets the events it missed', async () => {
    const queue = testQueue();
    await queue.create('before').save();
    const { next } = await queue.admin.events();
    // The dashboard is down while these happen.
    const missed = await queue.create('while-away').save();
    await missed.remove();
    const restarted = testQueue({ prefix: queue.prefix });
    const text = await readEvents(await listen(restarted), next, (t) => t.includes('event: jobs'));
    expect(text).toContain('event: resumed\ndata: {"replayed":2}');
    const jobs = /id: (\d+-\d+)\nevent: jobs\ndata: (.*)\n/.exec(text)!;
    const entry = expect.stringMatching(/^\d+-\d+$/) as unknown;
    expect(JSON.parse(jobs[2]!)).toEqual([
      { event: 'enqueue', id: missed.id, type: 'while-away', args: ['while-away'], entry },
      { event: 'remove', id: missed.id, type: 'while-away', args: ['while-away'], entry },
    ]);
    // Its id is the last entry sent: the next reconnection resumes after it.
    expect(jobs[1]).toBe((await queue.admin.events({ after: next })).next);
  });

  it('tells a client that missed more than the stream holds to reload (overflow)', async () => {
    const queue = testQueue();
    for (let i = 0; i < 3; i++) await queue.create('gone').save();
    const { events } = await queue.admin.events();
    await redisClient().xtrim(`{${queue.prefix}}:stream`, 'MAXLEN', 1);
    const text = await readEvents(await listen(queue), events[0]!.entry!, (t) => t.includes('event: overflow'));
    expect(text).not.toContain('event: resumed');
  });

  it('newest=true gives the newest entries from `since` on, still oldest first', async () => {
    const queue = testQueue();
    for (const n of [1, 2, 3, 4]) await queue.create('recent', { n }).save();
    const http = await serve(queue);
    const page = await http('/api/events/history?since=0&newest=true&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { id: number }) => e.id)).toEqual([3, 4]);
    expect(page.body.gap).toBe(false);
    expect((await http('/api/events/history?newest=maybe')).status).toBe(400);
    expect((await http('/api/events/history?after=1-0&newest=true')).status).toBe(400);
  });

  it("tells the browser to reload when this process missed events ('events lost')", async () => {
    const queue = testQueue();
    const base = await listen(queue);
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    await waitFor(
      async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        if (text.includes('event: counts')) queue.emit('events lost', { after: '1-0' });
        return text.includes('event: overflow');
      },
      5_000,
      'overflow',
    );
    controller.abort();
  });
});
