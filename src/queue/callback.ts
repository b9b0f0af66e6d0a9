/**
 * Node-style callback accepted by every asynchronous call: `(null, value)` on success,
 * `(err)` on failure. `value` is typed as present, so a callback may annotate it
 * (`(err, total: number) => …`): it is `undefined` when `err` is set, so check `err` first.
 */
export type Callback<T> = (err: Error | null, value: T) => void;

/** Calls back with an error (`value` is undefined then, see Callback). */
function callBackError<T>(callback: Callback<T>, err: Error): void {
  callback(err, undefined as T);
}

/**
 * Settles a callback from a promise when one is given. The promise is returned either way,
 * marked handled when a callback receives its error, so ignoring it never crashes.
 */
export function withCallback<T>(promise: Promise<T>, callback?: Callback<T>): Promise<T> {
  if (!callback) return promise;
  promise.then(
    (value) => callback(null, value),
    (err: unknown) => callBackError(callback, err instanceof Error ? err : new Error(String(err))),
  );
  promise.catch(() => undefined);
  return promise;
}

/** Splits Kue's optional-leading-argument signatures: `(type?, cb?)`, `(timeout?, cb?)`. */
export function optionalThenCallback<A, T>(
  a: A | Callback<T> | undefined,
  b?: Callback<T>,
): [A | undefined, Callback<T> | undefined] {
  return typeof a === 'function' ? [undefined, a as Callback<T>] : [a, b];
}

/**
 * A saved job: its `id`, a number, is set. (Kue's test mode without processing saves
 * nothing: there a "saved" job has no id.)
 */
export type Saved<J> = J & { id: number };

/**
 * A job being saved: the Job itself, which can also be awaited once: it resolves to itself,
 * saved (its `id` set).
 */
export type SavingJob<J> = J & PromiseLike<Saved<J>>;

/**
 * Returns `target` with a one-shot `then`, so `await job.save()` waits for the save and
 * yields the job, while Kue's `var job = q.create(...).save()` keeps working. Unobserved
 * failures go to `report` (the queue's 'error' event) instead of becoming unhandled rejections.
 */
export function awaitable<J extends object>(
  target: J,
  saving: Promise<void>,
  callback: Callback<Saved<J>> | undefined,
  report: (err: Error) => void,
): SavingJob<J> {
  let observed = Boolean(callback);
  // `saving` resolves to nothing: resolving a promise with this thenable would recurse.
  saving.then(
    () => callback?.(null, target as Saved<J>),
    (err: Error) => {
      if (callback) callBackError(callback, err);
      // A save that failed before writing anything rejects at once, before an `await` of
      // the job has had its turn to call `then`: look again once the caller's code has run.
      else setImmediate(() => observed || report(err));
    },
  );
  const self = target as SavingJob<J>;
  Object.defineProperty(self, 'then', {
    configurable: true,
    writable: true,
    value: (onFulfilled?: (value: Saved<J>) => unknown, onRejected?: (err: unknown) => unknown) => {
      observed = true;
      return saving.then(() => {
        delete (self as Partial<PromiseLike<unknown>>).then;
        const saved = target as Saved<J>;
        return onFulfilled ? onFulfilled(saved) : saved;
      }, onRejected);
    },
  });
  return self;
}
