/**
 * OpenTelemetry across processes: a producer process (ESM build) saves jobs and a worker
 * process (CJS build) runs them, each with its own SDK keeping spans in memory
 * (fixtures/traced.mjs). The spans of both must form one trace: the consumer span a child of
 * the producer span whose traceparent the job carried in Redis.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { redisClient, redisPort, uniquePrefix } from '../support/setup.js';

const fixture = fileURLToPath(new URL('./fixtures/traced.mjs', import.meta.url));
/** The email jobs the producer saves: ok, flaky, 3 in bulk, 2 children of a flow. */
const EMAILS = 7;
const PRODUCER = 3;
const CONSUMER = 4;

interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes?: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string }>;
  scope: string;
}

interface Ids {
  ok: number;
  flaky: number;
  bulk: number[];
  flow: number[];
}

async function run(
  prefix: string,
  role: 'produce' | 'work',
  format: 'esm' | 'cjs',
  provider: 'sdk' | 'none',
  tracing: 'on' | 'off',
): Promise<{ ids: Ids; spans: ExportedSpan[] }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [fixture, String(redisPort), prefix, role, format, provider, tracing, String(EMAILS)],
    { timeout: 30_000 },
  );
  return JSON.parse(stdout) as { ids: Ids; spans: ExportedSpan[] };
}

/** A job's hash as Redis holds it. */
async function jobHash(prefix: string, id: number): Promise<Record<string, string>> {
  return redisClient().hgetall(`{${prefix}}:job:${id}`);
}

const traceparentOf = (s: ExportedSpan) => `00-${s.traceId}-${s.spanId}-01`;

describe('a job saved in one process and run in another, both with a tracer provider', () => {
  const prefix = uniquePrefix('tracing');
  let ids: Ids;
  let produced: ExportedSpan[];
  let consumed: ExportedSpan[];
  beforeAll(async () => {
    const producer = await run(prefix, 'produce', 'esm', 'sdk', 'on');
    ids = producer.ids;
    produced = producer.spans;
    consumed = (await run(prefix, 'work', 'cjs', 'sdk', 'on')).spans;
  }, 60_000);

  const request = () => produced.find((s) => s.name === 'request')!;
  const sendSpanOf = (id: number) =>
    produced.find(
      (s) => s.kind === PRODUCER && (s.attributes['kue.job.ids'] as string[] | undefined)?.includes(String(id)),
    ) ?? produced.find((s) => s.kind === PRODUCER && s.attributes['messaging.message.id'] === String(id))!;
  const runsOf = (id: number) =>
    consumed
      .filter((s) => s.kind === CONSUMER && s.attributes['messaging.message.id'] === String(id))
      .sort((a, b) => (a.attributes['kue.job.attempt'] as number) - (b.attributes['kue.job.attempt'] as number));

  it('save makes a PRODUCER span "send <type>", a child of the active span, with the messaging attributes', () => {
    const send = sendSpanOf(ids.ok);
    expect(send).toMatchObject({
      name: 'send email',
      kind: PRODUCER,
      traceId: request().traceId,
      parentSpanId: request().spanId,
      scope: 'kue',
    });
    expect(send.attributes).toEqual({
      'messaging.system': 'kue',
      'messaging.destination.name': 'email',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.message.id': String(ids.ok),
    });
  });

  it('the job stores the producer span as a W3C traceparent in its tp field', async () => {
    expect((await jobHash(prefix, ids.ok)).tp).toBe(traceparentOf(sendSpanOf(ids.ok)));
  });

  it('the worker runs the job in a CONSUMER span "process <type>" of the same trace, the producer span its parent', () => {
    const [consumer, ...more] = runsOf(ids.ok);
    expect(more).toEqual([]);
    expect(consumer).toMatchObject({
      name: 'process email',
      kind: CONSUMER,
      traceId: request().traceId,
      parentSpanId: sendSpanOf(ids.ok).spanId,
      status: { code: 0 },
      scope: 'kue',
    });
    expect(consumer!.attributes).toEqual({
      'messaging.system': 'kue',
      'messaging.destination.name': 'email',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': String(ids.ok),
      'kue.job.attempt': 1,
    });
  });

  it("a span the handler makes nests under the run's consumer span", () => {
    const runs = consumed.filter((s) => s.kind === CONSUMER);
    const user = consumed.filter((s) => s.name === 'user work');
    // One user span per run (the flaky job ran twice), each under its own run.
    expect(runs).toHaveLength(EMAILS + 1);
    expect(user.map((s) => s.parentSpanId).sort()).toEqual(runs.map((s) => s.spanId).sort());
    for (const s of user) expect(s.traceId).toBe(request().traceId);
  });

  it('a failed attempt ends its span with status ERROR and an exception event; the retry links to it', async () => {
    const [first, second, ...more] = runsOf(ids.flaky);
    expect(more).toEqual([]);
    expect(first).toMatchObject({
      parentSpanId: sendSpanOf(ids.flaky).spanId,
      status: { code: 2, message: 'first attempt fails' },
      attributes: { 'kue.job.attempt': 1, 'error.type': 'Error' },
      links: [],
    });
    expect(first!.events).toHaveLength(1);
    expect(first!.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'Error', 'exception.message': 'first attempt fails' },
    });
    expect(second).toMatchObject({
      traceId: first!.traceId,
      parentSpanId: sendSpanOf(ids.flaky).spanId,
      status: { code: 0 },
      attributes: { 'kue.job.attempt': 2 },
      links: [{ traceId: first!.traceId, spanId: first!.spanId }],
      events: [],
    });
    expect((await jobHash(prefix, ids.flaky)).sp1).toBe(traceparentOf(first!));
  });

  it('saveAll makes one span for the call, with the batch count; every job of it carries that span', async () => {
    const send = sendSpanOf(ids.bulk[0]!);
    expect(send.attributes).toMatchObject({
      'messaging.batch.message_count': 3,
      'messaging.destination.name': 'email',
      'kue.job.ids': ids.bulk.map(String),
    });
    expect(send.attributes['messaging.message.id']).toBeUndefined();
    for (const id of ids.bulk) {
      expect((await jobHash(prefix, id)).tp).toBe(traceparentOf(send));
      expect(runsOf(id)[0]!.parentSpanId).toBe(send.spanId);
    }
  });

  it('a flow is one span; of jobs of several types it names no destination', async () => {
    const send = sendSpanOf(ids.flow[0]!);
    expect(send.name).toBe('send');
    expect(send.attributes['messaging.destination.name']).toBeUndefined();
    expect(send.attributes['messaging.batch.message_count']).toBe(3);
    for (const id of ids.flow) expect((await jobHash(prefix, id)).tp).toBe(traceparentOf(send));
    expect(runsOf(ids.flow[1]!)[0]!.parentSpanId).toBe(send.spanId);
  });
});

describe('with @opentelemetry/api but no tracer provider registered', () => {
  it('nothing is recorded and nothing is written to the jobs', async () => {
    const prefix = uniquePrefix('tracing-none');
    const { ids, spans } = await run(prefix, 'produce', 'esm', 'none', 'on');
    expect(spans).toEqual([]);
    expect((await run(prefix, 'work', 'cjs', 'none', 'on')).spans).toEqual([]);
    const all = [ids.ok, ids.flaky, ...ids.bulk, ...ids.flow];
    for (const id of all) {
      const hash = await jobHash(prefix, id);
      expect(hash.type).toBeDefined();
      expect(hash.tp).toBeUndefined();
      expect(hash.sp1).toBeUndefined();
    }
    // The flaky job did fail once: the report went through without the span argument.
    expect((await jobHash(prefix, ids.flaky)).made).toBe('1');
  }, 60_000);
});

describe('createQueue({ tracing: false })', () => {
  it('makes no span and stores nothing, although a provider is registered', async () => {
    const prefix = uniquePrefix('tracing-off');
    const { ids, spans } = await run(prefix, 'produce', 'esm', 'sdk', 'off');
    expect(spans.map((s) => s.name)).toEqual(['request']);
    const worked = (await run(prefix, 'work', 'cjs', 'sdk', 'off')).spans;
    // Only the handler's own spans, each a root now.
    expect(worked.map((s) => s.name)).toEqual(Array(EMAILS + 1).fill('user work'));
    expect(worked.map((s) => s.parentSpanId)).toEqual(Array(EMAILS + 1).fill(undefined));
    for (const id of [ids.ok, ids.flaky, ...ids.bulk]) {
      const hash = await jobHash(prefix, id);
      expect(hash.tp).toBeUndefined();
      expect(hash.sp1).toBeUndefined();
    }
  }, 60_000);
});

describe('without @opentelemetry/api installed (an optional peer dependency)', () => {
  const hide = fileURLToPath(new URL('./fixtures/hide-otel.cjs', import.meta.url));
  const untraced = fileURLToPath(new URL('./fixtures/untraced.mjs', import.meta.url));

  it.each(['esm', 'cjs'])(
    'the %s build saves, fails, retries and completes jobs as before, storing no trace field',
    async (format) => {
      const prefix = uniquePrefix(`tracing-absent-${format}`);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--require', hide, untraced, String(redisPort), prefix, format],
        { timeout: 30_000 },
      );
      const { apiFound, hash } = JSON.parse(stdout) as { apiFound: boolean; hash: Record<string, string> };
      expect(apiFound).toBe(false);
      expect(hash).toMatchObject({ state: 'complete', made: '1', error: 'first attempt fails' });
      expect(hash.tp).toBeUndefined();
      expect(hash.sp1).toBeUndefined();
    },
  );
});
