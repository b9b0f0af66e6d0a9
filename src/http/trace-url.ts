import { describe } from '../queue/validate.js';

/** What a trace URL template holds where the trace id goes. */
export const TRACE_ID = '{traceId}';

/**
 * Checks a trace URL template (`createApp({ traceUrl })`, `kue dashboard --trace-url`): an
 * absolute http or https URL with `{traceId}` in it. The dashboard links each traced job
 * there; any other scheme (javascript:, data:) could run code in the dashboard's page.
 */
export function checkTraceUrl(value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`traceUrl must be a URL template string with ${TRACE_ID} in it, got ${describe(value)}`);
  }
  if (!value.includes(TRACE_ID)) {
    throw new RangeError(`traceUrl must contain ${TRACE_ID} where the trace id goes, got "${value}"`);
  }
  let url: URL;
  try {
    url = new URL(value.replaceAll(TRACE_ID, '0'.repeat(32)));
  } catch {
    throw new RangeError(`traceUrl must be an absolute http:// or https:// URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`traceUrl must be an http:// or https:// URL, got "${value}"`);
  }
  return value;
}
