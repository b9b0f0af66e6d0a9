// Small helpers shared by the bench modules.

/** Epoch milliseconds with sub-millisecond precision, comparable across processes. */
export const now = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Payload size of every job, in bytes of JSON. */
export const PAYLOAD_BYTES = 100;
const PAD = 'x'.repeat(PAYLOAD_BYTES - 34);

/**
 * A job's data: exactly 100 bytes of JSON, `{"t":"<add time, 17 chars>","pad":"xx…"}`.
 * `t` is the time the producer called add (used by the latency scenario).
 */
export function payload(t = now()) {
  return { t: t.toFixed(3).padStart(17, '0'), pad: PAD };
}

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Percentile p (0-100) by nearest rank of sorted values. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Runs `fn(i)` for i in [0, n) with at most `limit` promises in flight. */
export function windowed(n, limit, fn) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let inFlight = 0;
    let done = 0;
    let failed = false;
    if (n === 0) return resolve();
    const launch = () => {
      while (!failed && inFlight < limit && next < n) {
        inFlight++;
        Promise.resolve(fn(next++)).then(
          () => {
            inFlight--;
            if (++done === n) resolve();
            else launch();
          },
          (err) => {
            failed = true;
            reject(err);
          },
        );
      }
    };
    launch();
  });
}

/** Resolves when `check()` is true, polling every `every` ms, or rejects after `timeout` ms. */
export async function waitFor(check, timeout, what, every = 20) {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(every);
  }
}

/** Chunks of at most `size` items. */
export function chunks(items, size) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
