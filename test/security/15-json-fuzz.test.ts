/**
 * Scenario 15: the JSON API under bad input. fast-check throws generated requests at every
 * route (Kue's and /api, every method); named edge cases follow. Whatever comes in, the
 * answer is a 2xx or a 4xx JSON error, Redis' own words never reach the client, the server
 * keeps answering, and the jobs that were there before are byte for byte what they were.
 */
import http from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, Queue } from '../../src/index.js';
import { JOB_STATES, memberOf } from '../../src/store/keys.js';
import { redisPort, testQueue, uniquePrefix, waitFor } from '../support/setup.js';

interface Answer {
  status: number;
  type: string;
  text: string;
  body: any;
}

/** One request through node:http, so paths like `/job/../1` reach the server unnormalised. */
function send(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // An explicit length: node frames a GET or DELETE body with neither it nor chunking.
    const allHeaders = {
      ...(body !== undefined && {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      }),
      ...headers,
    };
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: allHeaders, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), text, body: parsed });
      });
      res.on('error', reject);
    });
    // A server may answer 413 before it read a big body: the write may then fail, the answer stands.
    req.on('error', reject);
    req.end(body);
  });
}

const ALLOWED = new Set([200, 201, 204, 400, 404, 413, 415]);
/** Words of Redis' own errors and internals; none may reach a client unless the client sent them. */
const REDIS_WORDS = [
  /\bERR\b/,
  /WRONGTYPE/,
  /NOSCRIPT/,
  /redis/i,
  /\blua\b/i,
  /script/i,
  /ReplyError/,
  /\bat .+:\d+:\d+/,
];

function expectSafeAnswer(res: Answer, sent: string, what: string) {
  expect(ALLOWED.has(res.status), `${what} -> ${res.status} ${res.text.slice(0, 200)}`).toBe(true);
  if (res.status >= 400) {
    expect(res.type, what).toMatch(/^application\/json/);
    expect(typeof res.body?.error, `${what}: ${res.text.slice(0, 200)}`).toBe('string');
  }
  if (res.status < 400) return;
  for (const word of REDIS_WORDS) {
    if (word.test(res.text) && !word.test(sent)) {
      throw new Error(`${what} leaked ${word}: ${res.text.slice(0, 300)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The queue under test: jobs that must survive the fuzzing untouched, served on a free port.
// ---------------------------------------------------------------------------------------

let queue: Queue;
let server: Server;
let port: number;
let redis: Redis;
const reported: Error[] = [];
const fixture: number[] = [];

beforeAll(async () => {
  queue = new Queue({
    prefix: uniquePrefix('fuzz'),
    redis: { port: redisPort },
    maintenance: false,
    disableSearch: false,
  });
  queue.on('error', (err: Error) => reported.push(err));
  redis = new Redis({ port: redisPort });
  const inactive = await queue.create('keep', { to: 'a@example.com', words: 'alpha beta' }).priority('high').save();
  const delayed = await queue
    .create('keep', { to: 'b@example.com' })
    .delay(3_600_000)
    .attempts(3)
    .backoff({ type: 'exponential', delay: 500 })
    .save();
  const failed = await queue.create('keep', { to: 'c@example.com' }).save();
  await failed.failed();
  const complete = await queue
    .create('keep', { nested: { list: [1, 2, 3] } })
    .ttl(60_000)
    .save();
  await complete.complete();
  inactive.log('first line');
  await waitFor(async () => (await queue.log(inactive.id!)).length === 1);
  fixture.push(inactive.id!, delayed.id!, failed.id!, complete.id!);
  const app = createApp({ queue });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await queue.shutdown(1_000).catch(() => undefined);
  await redis.quit();
});

/** Everything Redis holds about the fixture jobs, plus the id counter. */
async function fixtureSnapshot() {
  const k = queue.store.keys;
  const out: Record<string, unknown> = { ids: await redis.get(k.ids) };
  const indexes = [k.state('delayed'), k.state('active'), ...JOB_STATES.map((s) => k.state(s, 'keep'))];
  for (const id of fixture) {
    out[`job ${id}`] = await redis.hgetall(k.job(id));
    out[`log ${id}`] = await redis.lrange(k.log(id), 0, -1);
    out[`errors ${id}`] = await redis.lrange(k.errors(id), 0, -1);
    for (const index of indexes) out[`${index} ${id}`] = await redis.zscore(index, memberOf(id));
    out[`present ${id}`] = await redis.getbit(k.present(Math.floor(id / 8192)), id % 8192);
  }
  return out;
}

/** Counts the jobs an answer says it created (`POST /job`, one or many). */
function createdBy(res: Answer): number {
  if (res.status !== 200) return 0;
  const list = Array.isArray(res.body) ? res.body : [res.body];
  return list.filter((r: { message?: string }) => r?.message === 'job created').length;
}

// ---------------------------------------------------------------------------------------
// Generators. Ids never name a fixture job (they are odd, or far beyond any id here), and a
// bulk action always names a type of its own: the fixture may only change by mistake.
// ---------------------------------------------------------------------------------------

const enc = (s: string) => encodeURIComponent(s);
const oddText = fc.string({ maxLength: 40 }).map(enc);
const oddId = fc.oneof(
  fc.constantFrom(
    '../1',
    '..%2F1',
    '%2e%2e%2f1',
    '0',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    '%201',
    '%00',
    '%ZZ',
    'null',
    'NaN',
    'Infinity',
    '__proto__',
    'constructor',
  ),
  // Digits alone would name a real job (`01` too): those are not odd.
  oddText.filter((s) => !/^\d{1,15}$/.test(s)),
  fc.integer({ min: 16, max: 10_000 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 1_000_000_000, max: 999_999_999_999_999 }).map(String),
);
const anyState = fc.oneof(
  fc.constantFrom(...JOB_STATES, 'all', 'INACTIVE', 'stuck', '__proto__', 'toString', '..', '%2e%2e'),
  oddText,
);
const bigNumber = fc.constantFrom('999999999', '9999999999', '99999999999999999999', '1e9', '-1', '1.5', '0x10', '');
const range = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${Math.min(a, b)}..${Math.max(a, b)}`),
  fc.tuple(bigNumber, bigNumber).map(([a, b]) => `${a}..${b}`),
  fc.constantFrom('5..1', '0..x', '..', '0...5', '-1..5', '0..999999999'),
  oddText,
);
const order = fc.oneof(fc.constantFrom('asc', 'desc', 'ASC', 'sideways', '%00'), oddText);
// Not empty: `/inactive/` is the dashboard's page (a redirect), not Kue's route.
const readType = fc.oneof(
  fc.constantFrom('keep', '__proto__', 'constructor', '*', '{keep}', 'keep:inactive', '%25', 'x'.repeat(2_000)),
  fc.string({ minLength: 1, maxLength: 40 }),
);
/** A type of the fuzzer's own, never the fixture's. */
const ownType = fc.string({ maxLength: 30 }).map((s) => `fz${s}`);
const numberish = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1e21, Number.MAX_VALUE),
  fc.string({ maxLength: 10 }),
  fc.constantFrom(null, true, false),
  fc.jsonValue({ maxDepth: 2 }),
);
/** Job options. Time values stay below 2^31 ms here: larger ones hit the bugs in the known-bug tests below. */
const timeish = fc.oneof(
  fc.integer({ min: -10, max: 2 ** 31 - 1 }),
  fc.double({ max: 2 ** 31 - 1, noNaN: false }),
  fc.string({ maxLength: 5 }),
  fc.constantFrom(null, true, -0),
);
const options = fc.record(
  {
    priority: fc.oneof(
      fc.constantFrom('low', 'normal', 'medium', 'high', 'critical', 'urgent', '__proto__', 'constructor', 'toString'),
      numberish,
    ),
    attempts: numberish,
    delay: timeish,
    ttl: timeish,
    backoff: fc.oneof(
      fc.constantFrom(true, false, 'function(){ globalThis.__kueFuzzRan = 1 }', 'exponential'),
      fc.record(
        { type: fc.oneof(fc.string({ maxLength: 12 }), numberish), delay: timeish, maxDelay: timeish },
        { requiredKeys: [] },
      ),
      numberish,
    ),
    removeOnComplete: fc.jsonValue({ maxDepth: 1 }),
    searchKeys: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), numberish),
  },
  { requiredKeys: [] },
);
const newJob = fc.record(
  {
    type: fc.oneof(ownType, numberish, fc.constant('')),
    data: fc.jsonValue({ maxDepth: 4 }),
    options: fc.oneof(options, numberish),
  },
  { requiredKeys: [] },
);
const malformed = fc.oneof(
  fc.constantFrom(
    '{',
    '{"type":',
    '[1,]',
    "{'type':'x'}",
    'undefined',
    'NaN',
    '{"type":"x"}}',
    '\u0000',
    ' ',
    '{"__proto__":',
    '[',
    '"',
    'tru',
    '01',
  ),
  fc.string({ maxLength: 30 }),
);
const anyBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  malformed,
);
/** Bodies for PUT /api/schedules/:id: a rule and a job, each maybe wrong. */
const scheduleBody = fc
  .record(
    {
      rule: fc.oneof(
        fc.record(
          {
            cron: fc.oneof(
              fc.constantFrom('0 3 * * *', '61 * * * *', '* * * *', '@daily'),
              fc.string({ maxLength: 20 }),
            ),
            every: fc.oneof(numberish, fc.integer()),
            tz: fc.oneof(fc.constantFrom('Europe/Berlin', 'Mars/Olympus', ''), fc.string({ maxLength: 10 })),
            startAt: fc.oneof(numberish, fc.string({ maxLength: 25 })),
            limit: numberish,
            missed: fc.string({ maxLength: 5 }),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      job: fc.oneof(newJob, fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));
/** Bodies for "retry/promote all": an object always names its own type; anything else is a wrong type. */
const filterBody = fc.oneof(
  fc
    .record(
      {
        type: fc.oneof(
          ownType,
          numberish.filter((v) => v !== 'keep'),
        ),
        before: numberish,
      },
      { requiredKeys: ['type'] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .oneof(fc.integer(), fc.string(), fc.array(fc.jsonValue({ maxDepth: 2 })), fc.constant(null), fc.boolean())
    .map((v) => JSON.stringify(v)),
  // Not empty: no body at all means "every job", as documented.
  malformed.filter((text) => text !== ''),
);
const removeBody = fc
  .record(
    {
      state: fc.oneof(fc.constantFrom(...JOB_STATES), numberish),
      type: fc.oneof(
        ownType,
        numberish.filter((v) => v !== 'keep'),
      ),
      before: numberish,
    },
    { requiredKeys: ['type'] },
  )
  .map((v) => JSON.stringify(v));
/** Ids that name no job: a comma-separated string is split by the server, so no part may be digits alone. */
const namesNoJob = (s: string) => !s.split(',').some((part) => /^\d{1,9}$/.test(part));
const badIdValue = fc.oneof(
  fc.integer({ min: 1_000_000_000, max: 2 ** 40 }),
  fc.integer({ max: 0 }),
  fc.double(),
  fc.string({ maxLength: 8 }).filter(namesNoJob),
  fc.constant(null),
  fc.object({ maxDepth: 1 }),
);
const bulkBody = fc
  .record(
    {
      action: fc.oneof(fc.constantFrom('retry', 'promote', 'remove', 'toString', '__proto__'), numberish),
      ids: fc.oneof(
        fc.array(badIdValue, { maxLength: 6 }),
        fc
          .array(badIdValue, { maxLength: 6 })
          .map((a) => a.join(','))
          .filter(namesNoJob),
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 })),
      ),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));
const query = (pairs: Array<[string, fc.Arbitrary<string>]>) =>
  fc
    .tuple(
      ...pairs.map(([name, value]) =>
        fc.option(
          fc.oneof(
            value.map((v) => `${name}=${enc(v)}`),
            fc.constant(`${name}[]=1&${name}[]=2`),
            fc.constant(`${name}[a]=1`),
          ),
          { nil: undefined },
        ),
      ),
    )
    .map((parts) => parts.filter(Boolean).join('&'));
const jsonTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'text/html',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
);

interface Req {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

/** One request to one of the app's routes, with generated parts. */
const request: fc.Arbitrary<Req> = fc
  .oneof(
    fc.constantFrom<Req>(
      { method: 'GET', path: '/stats' },
      { method: 'GET', path: '/job/types' },
      { method: 'GET', path: '/api/config' },
      { method: 'GET', path: '/api/types' },
      { method: 'POST', path: '/api/can-write' },
    ),
    oddText.map((q) => ({ method: 'GET', path: `/job/search?q=${q}` })),
    fc
      .tuple(oddId, fc.constantFrom('', '?log=true', '?log[]=1'))
      .map(([id, q]) => ({ method: 'GET', path: `/job/${id}${q}` })),
    oddId.map((id) => ({ method: 'GET', path: `/job/${id}/log` })),
    oddId.map((id) => ({ method: 'DELETE', path: `/job/${id}` })),
    fc.tuple(oddId, anyState).map(([id, s]) => ({ method: 'PUT', path: `/job/${id}/state/${s}` })),
    fc
      .tuple(
        oddId,
        fc.oneof(fc.constantFrom('high', '7', '-0', '2147483648', '99999999999', '__proto__', 'constructor'), oddText),
      )
      .map(([id, p]) => ({ method: 'PUT', path: `/job/${id}/priority/${p}` })),
    fc
      .tuple(range, fc.option(order, { nil: undefined }))
      .map(([r, o]) => ({ method: 'GET', path: `/jobs/${r}${o === undefined ? '' : `/${o}`}` })),
    fc.tuple(anyState, range, order).map(([s, r, o]) => ({ method: 'GET', path: `/jobs/${s}/${r}/${o}` })),
    fc
      .tuple(readType, anyState, range, order)
      .map(([t, s, r, o]) => ({ method: 'GET', path: `/jobs/${enc(t)}/${s}/${r}/${o}` })),
    fc.tuple(readType, anyState).map(([t, s]) => ({ method: 'GET', path: `/jobs/${enc(t)}/${s}/stats` })),
    fc
      .array(oddText, { minLength: 1, maxLength: 6 })
      .map((segments) => ({ method: 'GET', path: `/jobs/${segments.join('/')}` })),
    readType.map((t) => ({ method: 'GET', path: `/inactive/${enc(t)}` })),
    fc
      .tuple(
        fc.oneof(fc.array(newJob, { maxLength: 4 }), newJob).map((v) => JSON.stringify(v)),
        jsonTypes,
      )
      .map(([body, contentType]) => ({ method: 'POST', path: '/job', body, contentType })),
    fc.tuple(anyBody, jsonTypes).map(([body, contentType]) => ({ method: 'POST', path: '/job', body, contentType })),
    query([
      ['state', fc.oneof(anyState, fc.constant('all'))],
      ['type', readType],
      ['limit', fc.oneof(bigNumber, fc.integer().map(String))],
      ['order', order],
      ['cursor', fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('0:01|1', '1e400:2', 'x'.repeat(3_000)))],
    ]).map((q) => ({ method: 'GET', path: `/api/jobs?${q}` })),
    fc
      .tuple(fc.constantFrom('retry', 'promote'), filterBody)
      .map(([action, body]) => ({ method: 'POST', path: `/api/jobs/${action}`, body })),
    removeBody.map((body) => ({ method: 'POST', path: '/api/jobs/remove', body })),
    oddId.map((id) => ({ method: 'GET', path: `/api/job/${id}` })),
    oddId.map((id) => ({ method: 'POST', path: `/api/job/${id}/promote` })),
    fc
      .oneof(
        fc.array(fc.oneof(oddId, fc.constant('')), { maxLength: 5 }).map((ids) => ids.join(',')),
        oddText,
      )
      .map((ids) => ({ method: 'GET', path: `/api/jobs/by-id?ids=${ids}` })),
    query([
      ['q', fc.string({ maxLength: 30 })],
      ['state', anyState],
      ['type', readType],
      ['order', order],
    ]).map((q) => ({ method: 'GET', path: `/api/search?${q}` })),
    bulkBody.map((body) => ({ method: 'POST', path: '/api/jobs/bulk', body })),
    fc
      .tuple(fc.constantFrom('PUT', 'DELETE'), ownType)
      .map(([method, t]) => ({ method, path: `/api/types/${enc(t)}/pause` })),
    fc
      .tuple(fc.constantFrom('GET', 'DELETE'), oddText)
      .map(([method, id]) => ({ method, path: `/api/schedules/${enc(id)}` })),
    fc.tuple(fc.constantFrom('PUT /pause', 'DELETE /pause', 'POST /run'), oddText).map(([action, id]) => {
      const [method, tail] = action.split(' ') as [string, string];
      return { method, path: `/api/schedules/${enc(id)}${tail}` };
    }),
    fc
      .tuple(fc.oneof(anyBody, scheduleBody), jsonTypes)
      .map(([body, contentType]) => ({ method: 'PUT', path: '/api/schedules/fuzzed', body, contentType })),
    query([
      ['minutes', fc.oneof(bigNumber, fc.integer().map(String))],
      ['type', readType],
    ]).map((q) => ({ method: 'GET', path: `/api/throughput?${q}` })),
    // Any method on any of these paths, with any body: wrong methods and bodies where none belong.
    fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom('/stats', '/job', '/job/types', '/api/jobs', '/api/config', '/nope', '/api', '/jobs'),
        anyBody,
      )
      .map(([method, path, body]) => ({ method, path, body })),
    // Under node's 16 KB header limit: past it node itself answers 431 before the app runs.
  )
  .filter((r) => r.path.length < 12_000);

// ---------------------------------------------------------------------------------------

describe('scenario 15: fuzzing the JSON API', () => {
  it('generated requests on every route answer 2xx or a 4xx JSON error, never leak Redis text, and leave the fixture untouched', async () => {
    const before = await fixtureSnapshot();
    let created = 0;
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const headers: Record<string, string> = req.contentType ? { 'content-type': req.contentType } : {};
        const res = await send(port, req.method, req.path, req.body, headers);
        const what = `${req.method} ${req.path.slice(0, 120)} ${req.body?.slice(0, 120) ?? ''}`;
        expectSafeAnswer(res, `${req.path} ${req.body ?? ''}`, what);
        created += createdBy(res);
      }),
      { numRuns: 1_000, ...(process.env.KUE_FUZZ_SEED && { seed: Number(process.env.KUE_FUZZ_SEED) }) },
    );
    expect((await send(port, 'GET', '/stats')).status).toBe(200);
    const after = await fixtureSnapshot();
    // The id counter moved exactly by the jobs the API said it created; nothing else changed.
    expect(Number(after.ids)).toBe(Number(before.ids) + created);
    expect({ ...after, ids: 0 }).toEqual({ ...before, ids: 0 });
    expect(reported).toEqual([]);
  }, 60_000);

  it('wrong-typed job fields in POST /job answer 400 and create nothing', async () => {
    const before = await fixtureSnapshot();
    const wrong = fc.oneof(
      fc.record({
        type: fc.oneof(fc.integer(), fc.constant(''), fc.constant(null), fc.array(fc.string()), fc.object()),
      }),
      fc.record({
        type: ownType,
        options: fc.oneof(fc.integer(), fc.string(), fc.array(fc.jsonValue()), fc.boolean()),
      }),
      fc.record({
        type: ownType,
        options: fc.record({
          priority: fc.oneof(
            fc.constantFrom('urgent', '__proto__', 'constructor', 'toString', 'hasOwnProperty'),
            fc.double({ noInteger: true }),
            fc.constant(2 ** 40),
          ),
        }),
      }),
      fc.record({
        type: ownType,
        options: fc.record({
          attempts: fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string(), fc.constant(null)),
        }),
      }),
      fc.record({
        type: ownType,
        options: fc.record({
          delay: fc.oneof(fc.integer({ max: -1 }), fc.string(), fc.constant(null), fc.constant([])),
        }),
      }),
      fc.record({
        type: ownType,
        options: fc.record({ ttl: fc.oneof(fc.integer({ max: -1 }), fc.string(), fc.object()) }),
      }),
      fc.record({
        type: ownType,
        options: fc.record({
          backoff: fc.oneof(
            fc.string(),
            fc.integer(),
            fc.constant(null),
            fc.array(fc.integer()),
            fc.record({ type: fc.oneof(fc.integer(), fc.constant('')) }),
            fc.record({ delay: fc.oneof(fc.integer({ max: -1 }), fc.string()) }),
          ),
        }),
      }),
      fc.record({
        type: ownType,
        options: fc.record({ searchKeys: fc.array(fc.oneof(fc.integer(), fc.object()), { minLength: 1 }) }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (job) => {
        const body = JSON.stringify(job);
        const res = await send(port, 'POST', '/job', body);
        expectSafeAnswer(res, body, body);
        expect(res.status, `${body} -> ${res.text}`).toBe(400);
      }),
      { numRuns: 200 },
    );
    expect(await fixtureSnapshot()).toEqual(before);
    expect(reported).toEqual([]);
  }, 60_000);

  describe('named edge cases, each against a real fixture job where it could change one', () => {
    const tenThousandDigits = '9'.repeat(10_000);
    it.each<
      [
        string,
        (ids: number[]) => [method: string, path: string, body?: string | Buffer, headers?: Record<string, string>],
        number,
      ]
    >([
      ['malformed JSON', () => ['POST', '/job', '{"type": "x", '], 400],
      ['a JSON body with a trailing comma', () => ['POST', '/api/jobs/bulk', '{"action":"remove","ids":[1,],}'], 400],
      [
        'a body that is not JSON',
        () => ['POST', '/job', '<job type="x"/>', { 'content-type': 'application/xml' }],
        415,
      ],
      [
        'a charset JSON may not use',
        (ids) => [
          'PUT',
          `/job/${ids[0]}/state/failed`,
          '{}',
          { 'content-type': 'application/json; charset=iso-8859-1' },
        ],
        415,
      ],
      [
        'an unknown content encoding',
        () => ['POST', '/job', '{"type":"x"}', { 'content-type': 'application/json', 'content-encoding': 'compress' }],
        415,
      ],
      [
        'a gzip bomb: 20 MB inflated from a few KB',
        () => [
          'POST',
          '/job',
          gzipSync(`{"type":"x","data":"${'x'.repeat(20 * 1024 * 1024)}"}`),
          { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        ],
        413,
      ],
      ['a 10 MB body on POST /job', () => ['POST', '/job', Buffer.alloc(10 * 1024 * 1024, 0x20)], 413],
      [
        'a 10 MB body on PUT /job/:id/state (a route that takes none)',
        (ids) => ['PUT', `/job/${ids[0]}/state/failed`, Buffer.alloc(10 * 1024 * 1024, 0x20)],
        413,
      ],
      [
        'a 10 MB body on a bulk action',
        (ids) => [
          'POST',
          '/api/jobs/bulk',
          `{"action":"remove","ids":[${ids[0]}],"pad":"${'x'.repeat(10 * 1024 * 1024)}"}`,
        ],
        413,
      ],
      [
        'a 10 MB body that is not JSON',
        () => ['POST', '/job', Buffer.alloc(10 * 1024 * 1024, 0x41), { 'content-type': 'application/octet-stream' }],
        415,
      ],
      [
        'job data nested 300,000 deep',
        () => ['POST', '/job', `{"type":"deep","data":${'['.repeat(300_000)}${']'.repeat(300_000)}}`],
        400,
      ],
      [
        '1,001 jobs in one POST',
        () => ['POST', '/job', JSON.stringify(Array.from({ length: 1_001 }, () => ({ type: 'many' })))],
        413,
      ],
      [
        '1,001 ids in a bulk action',
        (ids) => [
          'POST',
          '/api/jobs/bulk',
          JSON.stringify({ action: 'remove', ids: [...ids, ...Array.from({ length: 997 }, (_, i) => 10_000 + i)] }),
        ],
        413,
      ],
      [
        '1,001 ids in a by-id read',
        () => ['GET', `/api/jobs/by-id?ids=${Array.from({ length: 1_001 }, (_, i) => i + 1).join(',')}`],
        413,
      ],
      [
        'a priority of 1e400 (Infinity once parsed)',
        () => ['POST', '/job', '{"type":"x","options":{"priority":1e400}}'],
        400,
      ],
      ['attempts of 1e400', () => ['POST', '/job', '{"type":"x","options":{"attempts":1e400}}'], 400],
      ['a negative delay', () => ['POST', '/job', '{"type":"x","options":{"delay":-1}}'], 400],
      ['options as an array', () => ['POST', '/job', '{"type":"x","options":[1]}'], 400],
      [
        'a backoff given as source code',
        () => [
          'POST',
          '/job',
          '{"type":"x","options":{"attempts":2,"backoff":"function(){ globalThis.__kueFuzzRan = 1 }"}}',
        ],
        400,
      ],
      ['retry-all with an array body', () => ['POST', '/api/jobs/retry', '["keep"]'], 400],
      ['promote-all with a string body', () => ['POST', '/api/jobs/promote', '"keep"'], 400],
      ['retry-all with null', () => ['POST', '/api/jobs/retry', 'null'], 400],
      ['remove-all with an unknown state', () => ['POST', '/api/jobs/remove', '{"state":"gone"}'], 400],
      [
        'remove-all with a before of 1e400',
        () => ['POST', '/api/jobs/remove', '{"state":"failed","type":"keep","before":1e400}'],
        400,
      ],
      [
        'a bulk action named after an Object method',
        (ids) => ['POST', '/api/jobs/bulk', JSON.stringify({ action: 'toString', ids })],
        400,
      ],
      [
        'bulk ids that are not whole numbers',
        (ids) => ['POST', '/api/jobs/bulk', JSON.stringify({ action: 'remove', ids: [ids[0]! + 0.5, 1e300] })],
        400,
      ],
      ['PUT /job/:id/state/<unknown>', (ids) => ['PUT', `/job/${ids[0]}/state/sideways`], 400],
      ['PUT /job/:id/state/__proto__', (ids) => ['PUT', `/job/${ids[0]}/state/__proto__`], 400],
      ['PUT /job/:id/state/<10,000 characters>', (ids) => ['PUT', `/job/${ids[0]}/state/${'x'.repeat(10_000)}`], 400],
      ['PUT /job/:id/state/ACTIVE (case matters)', (ids) => ['PUT', `/job/${ids[0]}/state/ACTIVE`], 400],
      ['PUT /job/:id/priority/constructor', (ids) => ['PUT', `/job/${ids[0]}/priority/constructor`], 400],
      ['PUT /job/:id/priority/2147483649 (past 2^31)', (ids) => ['PUT', `/job/${ids[0]}/priority/2147483649`], 400],
      ['PUT /job/:id/priority/<20 digits>', (ids) => ['PUT', `/job/${ids[0]}/priority/99999999999999999999`], 400],
      ['an id of ../1 (unnormalised)', () => ['GET', '/job/../1'], 404],
      ['an id of ..%2F1', () => ['GET', '/job/..%2F1'], 400],
      ['DELETE of an id of ..%2F<fixture id>', (ids) => ['DELETE', `/job/..%2F${ids[0]}`], 400],
      ['an id of 10,000 digits', () => ['GET', `/job/${tenThousandDigits}`], 400],
      ['DELETE of an id of 10,000 digits', () => ['DELETE', `/job/${tenThousandDigits}`], 400],
      ['a state move of an id of 10,000 digits', () => ['PUT', `/job/${tenThousandDigits}/state/complete`], 400],
      ['a fixture id followed by junk', (ids) => ['DELETE', `/job/${ids[0]}abc`], 400],
      ['an id that is not an id', () => ['GET', '/api/job/%ZZ'], 400],
      ['a range past 9 digits', () => ['GET', '/jobs/0..9999999999'], 400],
      ['a range backwards', () => ['GET', '/jobs/9..0'], 400],
      ['a page size over 1,000', () => ['GET', '/api/jobs?limit=1001'], 400],
      ['a page size of 10^20', () => ['GET', '/api/jobs?limit=100000000000000000000'], 400],
      ['a cursor that is not one', () => ['GET', `/api/jobs?cursor=${'9'.repeat(3_000)}`], 400],
      ['minutes of 10^20', () => ['GET', '/api/throughput?minutes=100000000000000000000'], 400],
      ['an unknown route', () => ['POST', '/api/jobs/everything', '{}'], 404],
    ])('%s', async (_name, build, expected) => {
      const before = await fixtureSnapshot();
      const [method, path, body, headers] = build(fixture);
      const res = await send(port, method, path, body, headers);
      expectSafeAnswer(
        res,
        `${path} ${typeof body === 'string' ? body.slice(0, 10_000) : ''}`,
        `${method} ${path.slice(0, 80)}`,
      );
      expect(res.status, res.text.slice(0, 300)).toBe(expected);
      expect(await fixtureSnapshot()).toEqual(before);
      expect((await send(port, 'GET', '/stats')).status).toBe(200);
      expect(reported).toEqual([]);
    });
  });

  it('page sizes are capped: a huge range lists 1,000 jobs, limit=1000 pages 1,000, limit=1001 is refused', async () => {
    const q = testQueue({ maintenance: false });
    await q.saveAll(Array.from({ length: 1_005 }, (_, i) => q.create('bulk', { i })));
    const app = createApp({ queue: q });
    const s = await new Promise<Server>((resolve) => {
      const x = app.listen(0, () => resolve(x));
    });
    try {
      const p = (s.address() as AddressInfo).port;
      for (const path of [
        '/jobs/0..999999999',
        '/jobs/inactive/0..999999999/desc',
        '/jobs/bulk/inactive/0..999999999',
      ]) {
        const res = await send(p, 'GET', path);
        expect(res.status, path).toBe(200);
        expect(res.body, path).toHaveLength(1_000);
      }
      const page = await send(p, 'GET', '/api/jobs?state=inactive&limit=1000');
      expect(page.body.jobs).toHaveLength(1_000);
      expect(page.body.next).toEqual(expect.any(String));
      expect((await send(p, 'GET', '/api/jobs?limit=1001')).status).toBe(400);
    } finally {
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
  });

  it('a huge delay (1e300 ms) is refused with 400 and creates nothing', async () => {
    const before = await redis.get(queue.store.keys.ids);
    const res = await send(port, 'POST', '/job', '{"type":"far","options":{"delay":1e300}}');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/delay must be a number of milliseconds from 0 to 2\^44/);
    expect(await redis.get(queue.store.keys.ids)).toBe(before);
  });

  it('a ttl of 2^31 ms (24.9 days) does not fail a 200 ms job at once with "TTL exceeded"', async () => {
    const q = testQueue({ maintenance: false });
    q.process('slow', async () => {
      await new Promise((r) => setTimeout(r, 200));
      return 'ok';
    });
    const job = await q
      .create('slow')
      .ttl(2 ** 31)
      .save();
    const state = await waitFor(async () => {
      const s = (await q.getJob(job.id!)).state();
      return s === 'complete' || s === 'failed' ? s : undefined;
    }, 10_000);
    expect(state).toBe('complete');
  });
});
