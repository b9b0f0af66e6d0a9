/**
 * A queue made before the application registers its tracer provider: while none is
 * registered it starts no span and stores no trace context; once one is, the next save and
 * run are traced, without a new queue. In this process, with an SDK that keeps spans in memory.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { redisClient, testQueue, uniquePrefix, waitFor } from '../support/setup.js';

const exporter = new InMemorySpanExporter();
afterAll(() => trace.disable());

describe('a tracer provider registered after the queue was made', () => {
  it('nothing is traced before it; the next save and run are', async () => {
    const prefix = uniquePrefix('late-provider');
    const queue = testQueue({ prefix, maintenance: false });
    const hash = (id: number) => redisClient().hgetall(`{${prefix}}:job:${id}`);
    const runs: number[] = [];
    queue.process('late', async (job) => void runs.push(job.id));

    const before = await queue.create('late', {}).save();
    await waitFor(() => runs.includes(before.id), 5_000, 'the first run');
    expect((await hash(before.id)).tp).toBeUndefined();

    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const after = await queue.create('late', {}).save();
    await waitFor(() => runs.includes(after.id), 5_000, 'the second run');
    const ofJob = (id: number) =>
      exporter.getFinishedSpans().filter((s) => s.attributes['messaging.message.id'] === String(id));
    await waitFor(() => ofJob(after.id).length === 2, 5_000, 'the second job’s two spans');
    expect((await hash(after.id)).tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(ofJob(after.id).map((s) => s.kind)).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(ofJob(before.id)).toEqual([]);

    // A provider put in its place: the next spans go to the new one.
    trace.disable();
    const replacing = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(replacing)] }));
    const third = await queue.create('late', {}).save();
    await waitFor(() => runs.includes(third.id), 5_000, 'the third run');
    const inReplacing = () =>
      replacing.getFinishedSpans().filter((s) => s.attributes['messaging.message.id'] === String(third.id));
    await waitFor(() => inReplacing().length === 2, 5_000, 'the third job’s two spans, in the new provider');
    expect(ofJob(third.id)).toEqual([]);
  });
});
