/**
 * Scenario 16: job data with `__proto__` / `constructor.prototype` keys round-trips as plain
 * own keys and pollutes no prototype, through the API, POST /job, workers and events; a
 * backoff holding source code, sent over HTTP or written into Redis by hand, is never run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type Queue } from '../../src/index.js';
import { nextEvent, redisClient, testQueue, waitFor } from '../support/setup.js';

/** JSON texts whose parse gives objects with own keys that would pollute if assigned naively. */
const HOSTILE = {
  proto: '{"__proto__":{"polluted":"proto"},"a":1}',
  constructorPrototype: '{"constructor":{"prototype":{"polluted":"ctor"}},"b":2}',
  nested:
    '{"list":[{"deep":{"__proto__":{"polluted":"nested"}}}],"x":{"constructor":{"prototype":{"polluted":"nested-ctor"}}}}',
  arrayProto: '[{"__proto__":{"polluted":"array"}},{"__proto__":[1,2]}]',
} as const;

/** The data text as Redis holds it: its pieces `data`, `data.1`, ... joined. */
async function storedData(queue: Queue, id: number): Promise<string> {
  const fields = await redisClient().hgetall(queue.store.keys.job(id));
  let text = fields.data!;
  for (let n = 1; fields[`data.${n}`] !== undefined; n++) text += fields[`data.${n}`];
  return text;
}

function expectNoPollution(where: string) {
  for (const proto of [Object.prototype, Array.prototype, Function.prototype, String.prototype]) {
    expect(Object.hasOwn(proto, 'polluted'), `${where}: a prototype got "polluted"`).toBe(false);
  }
  expect(({} as Record<string, unknown>).polluted, where).toBeUndefined();
  expect(({} as object).constructor, where).toBe(Object);
}

/** The data came back as the same JSON, with `__proto__` an own key and a normal prototype. */
function expectSameData(actual: unknown, text: string, where: string) {
  expect(JSON.stringify(actual), where).toBe(text);
  if (actual && typeof actual === 'object' && !Array.isArray(actual)) {
    expect(Object.getPrototypeOf(actual), where).toBe(Object.prototype);
    if (text.startsWith('{"__proto__"')) {
      expect(Object.hasOwn(actual, '__proto__'), `${where}: __proto__ is an own key`).toBe(true);
      expect((actual as Record<string, unknown>).polluted, where).toBeUndefined();
    }
  }
}

// Written by the "backoff" source code below if anything ever ran it.
const markerDir = mkdtempSync(join(tmpdir(), 'kue-never-run-'));
const marker = join(markerDir, 'ran');
const SOURCE = `function (attempts) { globalThis.__kueBackoffRan = attempts; process.env.KUE_BACKOFF_RAN = '1'; require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); return 0; }`;

function expectSourceNeverRan() {
  expect((globalThis as Record<string, unknown>).__kueBackoffRan).toBeUndefined();
  expect(process.env.KUE_BACKOFF_RAN).toBeUndefined();
  expect(existsSync(marker)).toBe(false);
}

afterEach(() => {
  expectNoPollution('after the test');
  expectSourceNeverRan();
});
afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((r) => {
          s.close(() => r());
          s.closeAllConnections();
        }),
    ),
  );
});

async function serve(queue: Queue) {
  const app = createApp({ queue });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (method: string, path: string, body?: string) => {
    const res = await fetch(base + path, {
      method,
      body,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
}

describe('scenario 16: __proto__ and constructor keys in job data', () => {
  beforeAll(() => expectNoPollution('before the tests'));

  it.each(Object.entries(HOSTILE))(
    '%s: saved through the API, stored verbatim and read back as own keys',
    async (name, text) => {
      const queue = testQueue({ maintenance: false });
      const job = await queue.create('hostile', JSON.parse(text)).save();
      expect(await storedData(queue, job.id!), 'stored as the same JSON text').toBe(text);
      expectSameData((await queue.getJob(job.id!)).data, text, `${name} via getJob`);
      expectSameData((await queue.rangeByState('inactive', 0, 0))[0]!.data, text, `${name} via rangeByState`);
      expectNoPollution(name);
    },
  );

  it('job.update() with hostile data writes it verbatim; job.data of the loaded job is a plain object', async () => {
    const queue = testQueue({ maintenance: false });
    const saved = await queue.create('hostile', { ok: true }).save();
    const loaded = await queue.getJob(saved.id!);
    loaded.data = JSON.parse(HOSTILE.nested);
    await loaded.update();
    expect(await storedData(queue, saved.id!)).toBe(HOSTILE.nested);
    expectSameData((await queue.getJob(saved.id!)).data, HOSTILE.nested, 'after update');
    expectNoPollution('update');
  });

  it('a worker receives the data intact; progress data and the result with __proto__ keys round-trip too', async () => {
    const queue = testQueue({ maintenance: false });
    const received: unknown[] = [];
    queue.process('hostile', async (job) => {
      received.push(job.data);
      job.progress(1, 2, JSON.parse(HOSTILE.proto));
      return JSON.parse(HOSTILE.constructorPrototype);
    });
    const progress = nextEvent(queue, 'job progress');
    const complete = nextEvent(queue, 'job complete');
    const job = await queue.create('hostile', JSON.parse(HOSTILE.nested)).save();
    const [, percent, progressData] = await progress;
    const [, result] = await complete;
    expect(percent).toBe(50);
    expectSameData(progressData, HOSTILE.proto, 'progress event data');
    expectSameData(result, HOSTILE.constructorPrototype, 'complete event result');
    expect(received).toHaveLength(1);
    expectSameData(received[0], HOSTILE.nested, 'worker job.data');
    const stored = await queue.getJob(job.id!);
    expectSameData(stored.result, HOSTILE.constructorPrototype, 'stored result');
    expectSameData(stored.progress_data, HOSTILE.proto, 'stored progress data');
    expectNoPollution('worker');
  });

  it('POST /job: __proto__ in data round-trips; __proto__ in the body or options sets nothing', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);

    const created = await http('POST', '/job', `{"type":"hostile","data":${HOSTILE.proto}}`);
    expect(created.status).toBe(200);
    const read = await http('GET', `/job/${created.body.id}`);
    expect(read.text).toContain(`"data":${HOSTILE.proto}`);
    expectSameData(read.body.data, HOSTILE.proto, 'GET /job/:id');

    // Were `__proto__` to become the prototype, these objects would inherit a type, a state or options.
    const inheritedType = await http('POST', '/job', '{"__proto__":{"type":"inherited"}}');
    expect(inheritedType.status).toBe(400);
    const inheritedOptions = await http(
      'POST',
      '/job',
      '{"type":"plain","options":{"__proto__":{"attempts":5,"priority":"high","delay":3600000,"backoff":true}}}',
    );
    expect(inheritedOptions.status).toBe(200);
    const plain = await queue.getJob(inheritedOptions.body.id);
    expect({
      state: plain.state(),
      priority: plain.priority(),
      max: plain.attempts().max,
      backoff: plain.backoff(),
    }).toEqual({ state: 'inactive', priority: 0, max: 1, backoff: undefined });
    const removeAll = await http('POST', '/api/jobs/remove', '{"__proto__":{"state":"inactive"}}');
    expect(removeAll.status).toBe(400);
    expect(await queue.inactiveCount()).toBe(2);
    expect(await queue.types()).not.toContain('inherited');

    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await http('POST', '/job', JSON.stringify({ type: 'p', options: { priority: name } }));
      expect(res.status, `priority ${name}`).toBe(400);
      expect(() => queue.create('p').priority(name as 'high'), `priority ${name}`).toThrow(RangeError);
      expect((await http('PUT', `/job/${created.body.id}/priority/${name}`)).status, `PUT priority ${name}`).toBe(400);
    }
    expect((await queue.getJob(created.body.id)).priority()).toBe(0);
    expectNoPollution('POST /job');
  });
});

describe('scenario 16: a backoff holding source code is never evaluated', () => {
  it('POST /job refuses a backoff given as source text, and creates nothing', async () => {
    const queue = testQueue({ maintenance: false });
    const http = await serve(queue);
    for (const backoff of [SOURCE, `(${SOURCE})(1)`, '() => 0']) {
      const res = await http('POST', '/job', JSON.stringify({ type: 'code', options: { attempts: 3, backoff } }));
      expect(res.status).toBe(400);
    }
    expect(await redisClient().get(queue.store.keys.ids)).toBeNull();
  });

  /** Runs a job that always fails until it has failed for good; answers its final record. */
  async function failForGood(queue: Queue, id: number) {
    await waitFor(async () => (await queue.getJob(id)).state() === 'failed', 15_000, `job ${id} to fail for good`);
    return queue.getJob(id);
  }

  it('POST /job with {backoff: {type: <source>}}: a strategy name, never code; the job retries and fails sanely', async () => {
    const queue = testQueue({ maintenance: true, maintenanceInterval: 50 });
    const errors: string[] = [];
    queue.on('error', (err: Error) => errors.push(err.message));
    const http = await serve(queue);
    let runs = 0;
    queue.process('code', async () => {
      runs++;
      throw new Error(`attempt ${runs} failed`);
    });
    const res = await http(
      'POST',
      '/job',
      JSON.stringify({ type: 'code', options: { attempts: 3, backoff: { type: SOURCE, delay: 20 } } }),
    );
    expect(res.status).toBe(200);
    const job = await failForGood(queue, res.body.id);
    expect(runs).toBe(3);
    expect(job.attempts()).toMatchObject({ made: 3, max: 3 });
    expect(job.toJSON().error).toBe('attempt 3 failed');
    // The unknown "strategy" is said once per failure window, and the fixed delay used instead.
    expect(errors.some((m) => m.includes('no backoff strategy') && m.includes('using its fixed delay'))).toBe(true);
    expectSourceNeverRan();
  });

  it.each([
    ['source code', SOURCE],
    ['"function" (a backoff function of another process)', 'function'],
    ['an Object method name: toString', 'toString'],
    ['an Object method name: constructor', 'constructor'],
    ['__proto__', '__proto__'],
  ])(
    'a backoff field set to %s in Redis by hand is never run; the job still retries and fails',
    async (_name, value) => {
      const queue = testQueue({ maintenance: true, maintenanceInterval: 50 });
      const errors: string[] = [];
      queue.on('error', (err: Error) => errors.push(err.message));
      let runs = 0;
      queue.process('hand', async () => {
        runs++;
        throw new Error('nope');
      });
      // Paused while its hash is edited, so the worker cannot take it first.
      await queue.admin.pauseType('hand');
      const saved = await queue.create('hand', { n: 1 }).attempts(3).save();
      await redisClient().hset(queue.store.keys.job(saved.id!), {
        backoff: value,
        backoff_delay: 'process.exit(1)',
        backoff_max: `(${SOURCE})()`,
        delay: '0',
      });
      await queue.admin.resumeType('hand');
      const job = await failForGood(queue, saved.id!);
      expect(runs).toBe(3);
      expect(job.attempts()).toMatchObject({ made: 3, max: 3 });
      // Looked up as a name among registered strategies (not on an object's prototype chain: the
      // name `toString` would find a function there).
      if (value !== 'function')
        expect(errors).toContain(
          `job ${saved.id}: no backoff strategy "${value}" is registered in this process; using its fixed delay`,
        );
      expectSourceNeverRan();
    },
  );

  it('data set to source code in Redis by hand is read as a string, never run', async () => {
    const queue = testQueue({ maintenance: false });
    const saved = await queue.create('text').save();
    const code = `(${SOURCE})(7)`;
    await redisClient().hset(queue.store.keys.job(saved.id!), { data: code, result: code, progress_data: code });
    const job = await queue.getJob(saved.id!);
    expect(job.data).toBe(code);
    expect(job.result).toBe(code);
    expect(job.progress_data).toBe(code);
    const received: unknown[] = [];
    queue.process('text', (j, done) => {
      received.push(j.data);
      done();
    });
    await waitFor(async () => (await queue.getJob(saved.id!)).state() === 'complete');
    expect(received).toEqual([code]);
    expectSourceNeverRan();
  });
});
