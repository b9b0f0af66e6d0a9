// An OpenTelemetry SDK registered globally, for the capabilities scenario's tracer variant:
// spans are recorded and batched as an application's would be, then dropped by an exporter
// that only counts them, so the figure is what tracing costs Kue and not what shipping
// spans to a backend costs.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** ExportResultCode.SUCCESS of @opentelemetry/core, which is not a direct dependency. */
const EXPORT_SUCCESS = 0;

/**
 * Registers the provider and a context manager; returns `spans()` (flushes, then counts the
 * spans exported so far) and `unregister()`, which the producer process calls so that the
 * later scenarios of the run are not traced.
 */
export function registerTracer() {
  let exported = 0;
  const exporter = {
    export(spans, done) {
      exported += spans.length;
      done({ code: EXPORT_SUCCESS });
    },
    shutdown: async () => undefined,
  };
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // A queue large enough that no span of a run is dropped: dropping would be cheaper than real use.
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 1_000_000 });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  if (!trace.setGlobalTracerProvider(provider)) throw new Error('a global tracer provider is already registered');
  return {
    async spans() {
      await provider.forceFlush();
      return exported;
    },
    async unregister() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
