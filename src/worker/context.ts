import type { DoneAndContext, WorkerContext } from './handler.js';
import { signalOf, type Running } from './run.js';

const RUN = Symbol('kue run');

/** What the handlers' context needs from their worker. */
export interface ContextHost {
  readonly id: string;
  pause: WorkerContext['pause'];
  resume(): void;
  shutdown: WorkerContext['shutdown'];
  rateLimit(run: Running<unknown>, ms: number): Promise<void>;
}

type Done = DoneAndContext & { [RUN]: Running<unknown> };

/**
 * The prototype of every `done` a worker hands out: `done` is also `ctx` (see
 * DoneAndContext), so it inherits the context's methods and its `signal` getter (made on first
 * read, see run.ts) from here. One prototype per worker costs each job one property write,
 * where copying the methods onto each `done` and defining the getter on it cost a microsecond.
 */
export function contextPrototype(host: ContextHost): object {
  return Object.create(Function.prototype, {
    id: { value: host.id, enumerable: true },
    pause: { value: host.pause, enumerable: true },
    resume: { value: () => host.resume(), enumerable: true },
    shutdown: { value: host.shutdown, enumerable: true },
    rateLimit: {
      value(this: Done, ms: number) {
        return host.rateLimit(this[RUN], ms);
      },
      enumerable: true,
    },
    signal: {
      get(this: Done) {
        return signalOf(this[RUN]);
      },
      enumerable: true,
    },
  });
}

/** A `done` for one run: calling it reports; as `ctx` it is the run's context. */
export function makeDone(
  prototype: object,
  run: Running<unknown>,
  report: (err: unknown, result?: unknown) => void,
): DoneAndContext {
  const done = ((err?: unknown, result?: unknown) => report(err ?? null, result)) as Done;
  Object.setPrototypeOf(done, prototype);
  done[RUN] = run;
  return done;
}
