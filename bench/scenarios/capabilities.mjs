// Capabilities scenario (Kue only): the process c50 drain with one of Kue's capabilities in
// use at a time, next to the plain drain, so each one's cost reads as a ratio to plain.
import { processDrain } from './process.mjs';

const CONCURRENCY = 50;
const GROUPS = 10;

/** Each variant: the `features` the Kue adapter and the worker child receive. */
export const CAPABILITIES = [
  { name: 'plain', label: 'plain (Kue defaults)', features: {} },
  {
    name: 'rate',
    label: 'rate limit on the type, never reached',
    // A million starts a second: far above what one worker reaches, so no take is held back
    // and the figure is the limit's bookkeeping alone.
    features: { rateLimit: { max: 1_000_000, duration: 1_000 } },
  },
  { name: 'groups', label: `groups: each job in one of ${GROUPS}`, features: { groups: GROUPS } },
  { name: 'unique', label: 'unique key: each job its own', features: { unique: true } },
  { name: 'tracer', label: 'tracer registered (OTel SDK, batch)', features: { tracer: true } },
];

/**
 * One drain of N jobs with the variant's capability on, checked like any process run; the
 * tracer variant must also have exported one process span per job from the workers, or it
 * would have measured a tracer that did not record.
 */
export async function capabilityDrain(ctx, variant) {
  const r = await processDrain(ctx, CONCURRENCY, { features: variant.features });
  if (variant.features.tracer) {
    const n = ctx.config.n;
    const spansOk = r.spans === n;
    return { ...r, ok: r.ok && spansOk, check: `${r.check}, ${r.spans ?? 'no'} process spans exported (want ${n})` };
  }
  return r;
}
