/** A span's identity as W3C Trace Context writes it: what a job stores of its trace. */
export interface SpanRef {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

/** `00-<trace id>-<span id>-<flags>`: 55 characters, small enough for Redis' compact hashes. */
export function formatTraceparent(ref: SpanRef): string {
  return `00-${ref.traceId}-${ref.spanId}-${(ref.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The span a stored traceparent names, or undefined when the text is not one (it came from
 * Redis: it is checked, never trusted). All-zero ids are invalid in W3C Trace Context.
 */
export function parseTraceparent(text: string | undefined): SpanRef | undefined {
  if (text === undefined) return undefined;
  const m = TRACEPARENT.exec(text);
  if (!m || ZEROS.test(m[1]!) || ZEROS.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16) };
}

/** The trace id in a stored traceparent (for the job's JSON and the dashboard's link). */
export function traceIdOf(text: string | undefined): string | undefined {
  return parseTraceparent(text)?.traceId;
}
