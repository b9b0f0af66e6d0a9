import type { DoneAndContext, WorkerContext } from './handler.js';
import { signalOf, type Running } from './run.js';

const RUN = Symbol('kue run');

/** The context methods every handler of one worker shares. */
export type SharedContext = Pick<WorkerContext, 'id' | 'pause' | 'resume' | 'shutdown'>;

type Done = DoneAndContext & { [RUN]?: Running<unknown> };

/** What `ctx.pause`, `ctx.resume` and `ctx.shutdown` act on. */
interface Stoppable {
  pause(timeout: number): Promise<void>;
  close(timeout: number): Promise<void>;
  resume(): void;
}

/** `ctx.pause` / `ctx.shutdown`: `(timeout?, callback?)`, a promise either way. */
function stopWith(stop: (timeout: number) => Promise<void>) {
  return (a?: unknown, b?: unknown): Promise<void> => {
    const timeout = typeof a === 'number' ? a : 0;
    const callback = (typeof a === 'function' ? a : b) as ((err?: Error | null) => void) | undefined;
    const done = stop(timeout);
    if (!callback) return done;
    done.then(
      () => callback(null),
      (err: Error) => callback(err),
    );
    return done.catch(() => undefined);
  };
}

/** The context methods of a worker (`id`, `pause`, `resume`, `shutdown`), shared by its runs. */
export function sharedContext(id: string, worker: Stoppable): SharedContext {
  return {
    id,
    pause: stopWith((timeout) => worker.pause(timeout)) as WorkerContext['pause'],
    resume: () => worker.resume(),
    shutdown: stopWith((timeout) => worker.close(timeout)) as WorkerContext['shutdown'],
  };
}

/**
 * The prototype of every `done` a worker hands out (`done` is also `ctx`, see
 * DoneAndContext): it holds the `signal` getter, which makes the run's signal on first read
 * (see run.ts). A getter defined on each `done` would cost a microsecond per job; this costs a
 * prototype switch. The context's methods stay own properties of each `done`, so destructuring
 * or spreading `ctx` keeps them as before.
 */
export function contextPrototype(): object {
  return Object.create(Function.prototype, {
    signal: {
      get(this: Done) {
        const run = this[RUN];
        return run && signalOf(run);
      },
      enumerable: true,
    },
  });
}

/** A `done` for one run: calling it reports; as `ctx` it carries the run's context. */
export function makeDone(
  prototype: object,
  shared: SharedContext,
  run: Running<unknown>,
  report: (err: unknown, result?: unknown) => void,
  rateLimit: (ms: number) => Promise<void>,
): DoneAndContext {
  const done = ((err?: unknown, result?: unknown) => report(err ?? null, result)) as Done;
  Object.setPrototypeOf(done, prototype);
  done[RUN] = run;
  // Assigned one by one: a little cheaper than Object.assign, on every job.
  const own = done as unknown as Record<keyof SharedContext | 'rateLimit', unknown>;
  own.id = shared.id;
  own.pause = shared.pause;
  own.resume = shared.resume;
  own.shutdown = shared.shutdown;
  own.rateLimit = rateLimit;
  return done;
}
