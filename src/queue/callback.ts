/** Node-style callback accepted by every asynchronous call. */
export type Callback<T> = (err: Error | null, value?: T) => void;

/**
 * Settles a callback from a promise when one is given. The promise is returned either way,
 * marked handled when a callback receives its error, so ignoring it never crashes.
 */
export function withCallback<T>(promise: Promise<T>, callback?: Callback<T>): Promise<T> {
  if (!callback) return promise;
  promise.then(
    (value) => callback(null, value),
    (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
  );
  promise.catch(() => undefined);
  return promise;
}

/** Splits Kue's optional-leading-argument signatures: `(type?, cb?)`, `(timeout?, cb?)`. */
export function optionalThenCallback<A, T>(a: A | Callback<T> | undefined, b?: Callback<T>): [A | undefined, Callback<T> | undefined] {
  return typeof a === 'function' ? [undefined, a as Callback<T>] : [a, b];
}
