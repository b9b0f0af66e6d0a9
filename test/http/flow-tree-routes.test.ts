// The JSON API of flows: save a flow (POST /api/flows), read a job's place in one (GET
// /api/job/:id/flow) and a parent's results (GET /api/job/:id/results); 400 for bad input
// (nothing written), 404 for an unknown job, 409 for a held unique key, 403 in read-only mode.
import { describe, expect, it } from 'vitest';
import { serve } from '../support/serve.js';
import { redisClient, snapshotOf, testQueue, waitFor } from '../support/setup.js';

describe('flow routes', () => {
  it('POST /api/flows saves a nested flow built as POST /job builds jobs, and answers every id', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    const answer = await http('/api/flows', 'POST', {
      parent: { type: 'report', data: { month: 5 }, options: { priority: 'high' } },
      children: [
        { type: 'fetch', data: { n: 1 }, options: { attempts: 3 } },
        {
          job: { type: 'section', data: {} },
          children: [{ type: 'fetch', data: { n: 2 }, options: { delay: 60_000 } }],
          onChildFailure: 'ignore',
        },
      ],
      onChildFailure: 'remove-parent',
      cancelChildren: true,
    });
    expect(answer.status).toBe(200);
    const { id } = answer.body as { id: number };
    expect(answer.body).toEqual({
      message: 'flow created',
      id,
      children: [id + 1, { id: id + 2, children: [id + 3] }],
    });
    const parent = await queue.getJob(id);
    expect(parent.state()).toBe('waiting');
    expect(parent.flow).toEqual({ children: 2, onChildFailure: 'remove-parent', cancelChildren: true });
    expect(parent.toJSON().priority).toBe(-10);
    expect((await queue.getJob(id + 1)).toJSON().attempts.max).toBe(3);
    expect((await queue.getJob(id + 2)).flow).toMatchObject({ parentId: id, onChildFailure: 'ignore' });
    expect((await queue.getJob(id + 3)).state()).toBe('delayed');
  });

  it('GET /api/job/:id/flow answers the FlowTree with a page of the part asked for; /results a page of results', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    const { body } = await http('/api/flows', 'POST', {
      parent: { type: 'report' },
      children: [{ type: 'fetch' }, { type: 'fetch' }, { type: 'slow' }],
    });
    const id = (body as { id: number }).id;
    queue.process('fetch', async (job) => ({ got: job.id }));
    await waitFor(async () => (await queue.completeCount('fetch')) === 2);

    const tree = await http(`/api/job/${id}/flow`);
    expect(tree.status).toBe(200);
    expect(tree.body).toEqual({
      id,
      type: 'report',
      state: 'waiting',
      flow: { children: 3, onChildFailure: 'fail', cancelChildren: false },
      children: { total: 3, pending: 1, complete: 2, failed: 0 },
      pendingStates: { inactive: 1 },
      pendingStatesExact: true,
      oldestPending: id + 3,
      part: 'pending',
      items: [{ id: id + 3, type: 'slow', state: 'inactive' }],
      next: null,
    });
    const first = await http(`/api/job/${id}/flow?part=complete&limit=1`);
    expect(first.body.items).toEqual([{ id: id + 1, type: 'fetch', state: 'complete' }]);
    const second = await http(`/api/job/${id}/flow?part=complete&limit=1&cursor=${first.body.next}`);
    expect(second.body.items).toEqual([{ id: id + 2, type: 'fetch', state: 'complete' }]);
    expect(second.body.next).toBeNull();
    expect((await http(`/api/job/${id + 1}/flow`)).body).toMatchObject({ flow: { parentId: id }, items: [] });

    const results = await http(`/api/job/${id}/results?limit=1`);
    expect(results.body).toEqual({ results: [{ id: id + 1, result: { got: id + 1 } }], next: expect.any(String) });
    const more = await http(`/api/job/${id}/results?cursor=${results.body.next}`);
    expect(more.body).toEqual({ results: [{ id: id + 2, result: { got: id + 2 } }], next: null });
  });

  it('answers bad input with 400 and writes nothing, an unknown job with 404, a held unique key with 409', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    const holder = await queue.create('sync', {}).unique('account-7').save();
    const before = await snapshotOf(redisClient(), queue.prefix);
    const posts: Array<[unknown, RegExp]> = [
      [[1], /the body must be a JSON object/],
      [{ parent: { type: 'r' }, children: [{ type: 'c' }], extra: 1 }, /unknown key\(s\) extra; known: parent/],
      [{ children: [{ type: 'c' }] }, /the parent must be a JSON object like \{"type"/],
      [{ parent: { type: 'r' }, children: ['c'] }, /children\[0\] must be a JSON object like .*got "c"/],
      [{ parent: { type: 'r' } }, /the parent: children must be a non-empty array .*got undefined/],
      [{ parent: { type: 'r' }, children: [] }, /children must be a non-empty array/],
      [{ parent: { type: 'r' }, children: [{ type: '' }] }, /children\[0\]: job type must be a non-empty string/],
      [{ parent: { type: 'r' }, children: [{ type: 'c', options: { attempts: 0 } }] }, /children\[0\]: .*attempts/],
      [
        { parent: { type: 'r' }, children: [{ job: { type: 's' }, children: [{ type: 'c' }], keep: true }] },
        /children\[0\] has unknown key\(s\) keep/,
      ],
      [
        { parent: { type: 'r' }, children: [{ job: { type: 's' }, children: [{ type: 1 }] }] },
        /children\[0\]\.children\[0\]: job type must be a non-empty string/,
      ],
      [{ parent: { type: 'r' }, children: [{ type: 'c' }], onChildFailure: 'retry' }, /onChildFailure must be one of/],
      [{ parent: { type: 'r' }, children: [{ type: 'c' }], cancelChildren: 'yes' }, /cancelChildren must be a boolean/],
    ];
    for (const [body, message] of posts) {
      const answer = await http('/api/flows', 'POST', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error).toMatch(message);
    }
    const conflict = await http('/api/flows', 'POST', {
      parent: { type: 'r' },
      children: [{ type: 'sync', options: { unique: 'account-7' } }],
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      error: `the flow was not saved: children[0] has the unique key "account-7", which job ${holder.id} holds`,
      code: 'FLOW_CONFLICT',
    });
    expect(await snapshotOf(redisClient(), queue.prefix)).toEqual(before);

    const gets: Array<[string, number, RegExp]> = [
      ['/api/job/abc/flow', 400, /job id must be a positive integer/],
      [`/api/job/${holder.id}/flow?part=done`, 400, /part must be one of pending, complete, failed/],
      [`/api/job/${holder.id}/flow?limit=501`, 400, /limit must be a whole number from 1 to 500/],
      [`/api/job/${holder.id}/flow?limit=x`, 400, /limit must be a number, got "x"/],
      [`/api/job/${holder.id}/flow?cursor=nope`, 400, /cursor is not one this queue returned/],
      [`/api/job/${holder.id}/results?limit=0`, 400, /limit must be a whole number from 1 to 500/],
      ['/api/job/99999/flow', 404, /job 99999 does not exist/],
      ['/api/job/99999/results', 404, /job 99999 does not exist/],
    ];
    for (const [path, status, message] of gets) {
      const answer = await http(path);
      expect(answer.status, path).toBe(status);
      expect(answer.body.error).toMatch(message);
    }
  });

  it('read-only mode refuses POST /api/flows with 403 and still serves the reads', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('r', {});
    await queue.flow(parent, [queue.create('c', {})]);
    const http = await serve(queue, { readOnly: true });
    const refused = await http('/api/flows', 'POST', { parent: { type: 'r' }, children: [{ type: 'c' }] });
    expect(refused).toMatchObject({ status: 403, body: { error: 'this dashboard is read-only' } });
    expect(await queue.waitingCount()).toBe(1);
    expect((await http(`/api/job/${parent.id}/flow`)).body.children.pending).toBe(1);
    expect((await http(`/api/job/${parent.id}/results`)).body).toEqual({ results: [], next: null });
  });
});
