// One measurement of bench/tracing.mjs in a fresh process (the tracer provider is global):
// saves N jobs (single saves, 100 in flight) and processes them (concurrency 10), and prints
// the Node CPU (user + system) each phase took, in µs per job, as one JSON line.
// Arguments: redis port, mode (off | noop | simple | batch), N.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

const [port, mode, n] = process.argv.slice(2);
const N = Number(n);
const exporter = new InMemorySpanExporter();
let provider;
if (mode === 'simple' || mode === 'batch') {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const processor =
    mode === 'simple'
      ? new SimpleSpanProcessor(exporter)
      : new BatchSpanProcessor(exporter, { maxQueueSize: 2 * N, maxExportBatchSize: 512 });
  provider = new BasicTracerProvider({ spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
}
const kue = (await import('../dist/index.js')).default;
const prefix = `bench-tracing-${process.pid}`;
const queue = kue.createQueue({ prefix, redis: { port: Number(port) }, tracing: mode !== 'off' });
queue.on('error', (err) => console.error(`[kue] ${err.message}`));
// Scripts loaded and connections up before the clock starts.
await queue.create('warm-up', {}).save();

const cpu = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
let start = cpu();
for (let i = 0; i < N; i += 100) {
  await Promise.all(Array.from({ length: Math.min(100, N - i) }, (_, k) => queue.create('bench', { i: i + k }).save()));
}
const save = (cpu() - start) / N;

start = cpu();
let done = 0;
let finished;
const all = new Promise((r) => (finished = r));
queue.process('bench', 10, async () => {
  if (++done === N) setImmediate(finished);
});
await all;
// The last completions are reported after the handler returns.
while ((await queue.completeCount('bench')) < N) await new Promise((r) => setImmediate(r));
const run = (cpu() - start) / N;
await provider?.forceFlush();
const spans = exporter.getFinishedSpans().length;
await queue.shutdown(1_000);
process.stdout.write(`${JSON.stringify({ mode, save, run, spans })}\n`);
