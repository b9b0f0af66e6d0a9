/**
 * A run's consumer span ends when the run ends, however it ends: completed, its ttl run out,
 * cancelled from outside, held back by ctx.rateLimit, or run in a sandboxed processor (the
 * span lives in this process, around the child's run); and a save's producer span records a
 * failed save. In this process, with an SDK that keeps spans in memory; the API's globals
 * are released when the file ends.
 */
import { fileURLToPath } from 'node:url';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/redis-process.js';
import { testQueue, waitFor } from '../support/setup.js';

const exporter = new InMemorySpanExporter();
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // A processor that throws as the span of a save of type 'explodes' starts (see the last test).
  const breaking = {
    onStart: (span: { name: string }) => {
      if (span.name === 'send explodes') throw new Error('span processor broke');
    },
    onEnd: () => undefined,
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), breaking] }),
  );
});
afterAll(() => {
  trace.disable();
  context.disable();
});

/** The consumer spans of job `id` (of `type`: each test has a type and a prefix of its own), once `count` have ended. */
async function runsOf(type: string, id: number, count = 1): Promise<ReadableSpan[]> {
  const of = () =>
    exporter
      .getFinishedSpans()
      .filter(
        (s) =>
          s.kind === SpanKind.CONSUMER &&
          s.attributes['messaging.destination.name'] === type &&
          s.attributes['messaging.message.id'] === String(id),
      );
  await waitFor(() => of().length >= count, 5_000, `${count} ended spans of job ${id}`);
  return of();
}

describe('the consumer span of a run ends with the run', () => {
  it('a completed run: status unset, no exception', async () => {
    const queue = testQueue({ maintenance: false });
    queue.process('ok', async () => 'done');
    const job = await queue.create('ok', {}).save();
    const [span] = await runsOf('ok', job.id);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.events).toEqual([]);
    expect(span!.ended).toBe(true);
  });

  it('a run past its ttl: ERROR, with the ttl error recorded', async () => {
    const queue = testQueue({ maintenance: false });
    queue.process('slow', (_job, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', resolve)));
    const job = await queue.create('slow', {}).ttl(100).save();
    const [span] = await runsOf('slow', job.id);
    expect(span!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: expect.stringMatching(/TTL/i) });
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('a cancelled run: ERROR, with the cancellation recorded, as soon as it is cancelled', async () => {
    const queue = testQueue({ maintenance: false });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    // The handler never ends by itself: only the cancellation ends the span.
    queue.process('stuck', () => {
      started();
      return new Promise(() => undefined);
    });
    const job = await queue.create('stuck', {}).save();
    await running;
    await job.cancel('no longer wanted');
    const [span] = await runsOf('stuck', job.id);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.events[0]!.attributes!['exception.message']).toMatch(/no longer wanted/);
  });

  it('a run held back by ctx.rateLimit ends without error; the next run is attempt 1 again', async () => {
    const queue = testQueue({ maintenance: false });
    let calls = 0;
    queue.process('limited', async (_job, ctx) => {
      if (++calls === 1) await ctx.rateLimit(50);
    });
    const job = await queue.create('limited', {}).save();
    const spans = await runsOf('limited', job.id, 2);
    expect(spans.map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    expect(spans.map((s) => s.attributes['kue.job.attempt'])).toEqual([1, 1]);
  });

  it('a sandboxed processor: the span is made in this process, around the child run', async () => {
    const queue = testQueue({ maintenance: false });
    queue.process('echo', fileURLToPath(new URL('../fixtures/sandbox/echo.mjs', import.meta.url)));
    const saved = await trace.getTracer('test').startActiveSpan('request', async (span) => {
      const job = await queue.create('echo', { a: 1 }).save();
      span.end();
      return job;
    });
    const [run] = await runsOf('echo', saved.id);
    const send = exporter
      .getFinishedSpans()
      .find((s) => s.name === 'send echo' && s.attributes['messaging.message.id'] === String(saved.id))!;
    expect(run!.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(run!.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(run!.status.code).toBe(SpanStatusCode.UNSET);
    await queue.shutdown(2_000);
  });
});

describe('the producer span of a save', () => {
  const sends = (type: string) => exporter.getFinishedSpans().filter((s) => s.name === `send ${type}`);

  it('a save that fails (nothing listening) records the error on its span', async () => {
    const queue = testQueue({ redis: { port: await freePort() }, commandTimeout: 500 });
    await expect(queue.create('unsent', {}).save()).rejects.toThrow();
    const [span, ...more] = sends('unsent');
    expect(more).toEqual([]);
    expect(span!.kind).toBe(SpanKind.PRODUCER);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
    expect(span!.attributes['messaging.message.id']).toBeUndefined();
  });

  it('a tracer that throws as the span starts: save and saveAll reject (no throw), callbacks get the error', async () => {
    const queue = testQueue({ maintenance: false });
    await expect(queue.create('explodes', {}).save()).rejects.toThrow('span processor broke');
    await expect(queue.saveAll([queue.create('explodes', {}), queue.create('explodes', {})])).rejects.toThrow(
      'span processor broke',
    );
    // With a callback, the error goes to it (Kue's `var job = q.create(...).save(cb)` style).
    const err = await new Promise((resolve) => {
      queue.create('explodes', {}).save(resolve);
    });
    expect(String(err)).toContain('span processor broke');
    expect(await queue.inactiveCount('explodes')).toBe(0);
  });

  it('saveAll([]) makes no span', async () => {
    const queue = testQueue({ maintenance: false });
    const before = exporter.getFinishedSpans().length;
    await queue.saveAll([]);
    expect(exporter.getFinishedSpans()).toHaveLength(before);
  });
});
