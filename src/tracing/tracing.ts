import type { Attributes, Context, Link, ProxyTracerProvider, Span, Tracer } from '@opentelemetry/api';
import { version } from '../version.js';
import { ATTR, processName, sendName, SYSTEM } from './attributes.js';
import { loadOtel, type Otel } from './otel.js';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

/** What the consumer span of a run needs to know of its job (a stored job record has it). */
export interface TracedJob {
  id: number;
  type: string;
  /** `made`: the attempts that already failed; this run is attempt made + 1. */
  attempts: { made: number };
  /** The producer's traceparent stored with the job, if any. */
  traceparent?: string;
  /** The traceparent of the job's first attempt's span, stored when that attempt failed. */
  firstAttempt?: string;
}

/** The one type of a save's jobs, or undefined when they are of several. */
function typeOfAll(jobs: ReadonlyArray<{ type: string }>): string | undefined {
  const type = jobs[0]?.type;
  return jobs.every((j) => j.type === type) ? type : undefined;
}

const exceptionOf = (err: unknown) =>
  err instanceof Error ? err : { name: 'Error', message: typeof err === 'string' ? err : String(err) };

/** Records a failure on a span: its exception event, `error.type` and the ERROR status. */
function recordFailure(otel: Otel, span: Span, err: unknown): void {
  const e = exceptionOf(err);
  span.recordException(e);
  span.setAttribute(ATTR.errorType, e.name || 'Error');
  span.setStatus({ code: otel.SpanStatusCode.ERROR, message: e.message });
}

/** The PRODUCER span of one save call, recording. */
export class SendSpan {
  /** The span's own context as a traceparent, stored with every job of the save. */
  readonly traceparent: string;

  constructor(
    private readonly otel: Otel,
    private readonly span: Span,
  ) {
    this.traceparent = formatTraceparent(span.spanContext());
  }

  /** The save succeeded: the ids it gave (a single job's is the message id). */
  sent(ids: number[]): void {
    if (ids.length === 1) this.span.setAttribute(ATTR.messageId, String(ids[0]));
    else if (ids.length <= 100) this.span.setAttribute(ATTR.jobIds, ids.map(String));
    this.span.end();
  }

  failed(err: unknown): void {
    recordFailure(this.otel, this.span, err);
    this.span.end();
  }
}

/** The CONSUMER span of one run of a job, recording. */
export class ProcessSpan {
  private failure?: unknown;
  private ended = false;

  constructor(
    private readonly otel: Otel,
    private readonly span: Span,
    /** The span's context: the handler runs in it, so the user's spans nest under this one. */
    private readonly context: Context,
  ) {}

  /** Calls `fn` with this span active (`context.with`). */
  run<T>(fn: () => T): T {
    return this.otel.context.with(this.context, fn);
  }

  /** The attempt failed with `err`; answers the span's traceparent (stored for the retries' links). */
  failed(err: unknown): string {
    if (this.failure === undefined) {
      this.failure = err ?? new Error('failed');
      recordFailure(this.otel, this.span, this.failure);
    }
    return formatTraceparent(this.span.spanContext());
  }

  /**
   * The run settled: ends the span once. `stopped` is why the run was ended from outside
   * (cancelled, lock lost, shut down), recorded unless a failure was already.
   */
  end(stopped?: Error): void {
    if (this.ended) return;
    this.ended = true;
    if (stopped && this.failure === undefined) recordFailure(this.otel, this.span, stopped);
    this.span.end();
  }
}

/**
 * A queue's tracing: makes its producer and consumer spans through `@opentelemetry/api`'s
 * global tracer provider. Without a registered provider the spans it starts do not record, and
 * it then answers undefined: nothing is stored in Redis and no attribute is built.
 */
export class Tracing {
  private constructor(
    private readonly otel: Otel,
    private readonly tracer: Tracer,
  ) {}

  /** The queue's tracing, or undefined when it is switched off or the API is not installed. */
  static create(enabled: boolean): Tracing | undefined {
    if (!enabled) return undefined;
    const otel = loadOtel();
    // Used only when the global provider is not the API's proxy (see registered).
    return otel ? new Tracing(otel, otel.trace.getTracer('kue', version)) : undefined;
  }

  /**
   * The tracer of the registered tracer provider, or undefined when none is registered. The
   * API hands out a proxy provider whose delegate is the registered one; without it no span
   * would record, and starting one anyway would spend a span object, its name, options and
   * attributes on every job. Asked on every span, so a provider registered (or replaced)
   * after the queue was made gets the next ones. An API whose global provider is not such a
   * proxy is asked through the queue's own tracer, as before.
   */
  private registered(): Tracer | undefined {
    const provider = this.otel.trace.getTracerProvider() as Partial<ProxyTracerProvider>;
    if (typeof provider.getDelegateTracer !== 'function') return this.tracer;
    return provider.getDelegateTracer('kue', version);
  }

  /**
   * Starts the PRODUCER span of a save of `jobs` (of one type, or of several: then the span
   * names none), a child of the active context. Undefined when it would not record: nothing
   * is made of the jobs before that is known.
   */
  send(jobs: ReadonlyArray<{ type: string }>): SendSpan | undefined {
    const tracer = this.registered();
    if (!tracer) return undefined;
    const { otel } = this;
    const type = typeOfAll(jobs);
    const count = jobs.length;
    const span = tracer.startSpan(sendName(type), { kind: otel.SpanKind.PRODUCER });
    if (!span.isRecording()) return undefined;
    const attributes: Attributes = {
      [ATTR.system]: SYSTEM,
      [ATTR.operationType]: 'send',
      [ATTR.operationName]: 'send',
    };
    if (type !== undefined) attributes[ATTR.destination] = type;
    if (count > 1) attributes[ATTR.batchCount] = count;
    span.setAttributes(attributes);
    return new SendSpan(otel, span);
  }

  /**
   * Starts the CONSUMER span of a run: a child of the producer's span stored with the job
   * (a root span when there is none), linked to the first attempt's span on a retry.
   * Undefined when it would not record.
   */
  process(job: TracedJob): ProcessSpan | undefined {
    const tracer = this.registered();
    if (!tracer) return undefined;
    const { otel } = this;
    const attempt = job.attempts.made + 1;
    const producer = parseTraceparent(job.traceparent);
    const parent = producer
      ? otel.trace.setSpanContext(otel.ROOT_CONTEXT, { ...producer, isRemote: true })
      : otel.ROOT_CONTEXT;
    const first = attempt > 1 ? parseTraceparent(job.firstAttempt) : undefined;
    const links: Link[] | undefined = first && [{ context: { ...first, isRemote: true } }];
    const span = tracer.startSpan(
      processName(job.type),
      {
        kind: otel.SpanKind.CONSUMER,
        ...(links && { links }),
        attributes: {
          [ATTR.system]: SYSTEM,
          [ATTR.operationType]: 'process',
          [ATTR.operationName]: 'process',
          [ATTR.destination]: job.type,
          [ATTR.messageId]: String(job.id),
          [ATTR.attempt]: attempt,
        },
      },
      parent,
    );
    if (!span.isRecording()) return undefined;
    return new ProcessSpan(otel, span, otel.trace.setSpan(parent, span));
  }
}
