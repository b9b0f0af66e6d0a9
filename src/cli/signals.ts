// Ctrl-C, SIGTERM and SIGHUP stop a long-running command gracefully; a second Ctrl-C stops it at once.

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/**
 * `npm run` / `npx` forward the Ctrl-C that the terminal already sent to the whole process
 * group, so one key press can arrive twice within milliseconds: such a repeat is not a
 * second Ctrl-C.
 */
const REPEAT_WINDOW = 500;
/** A graceful stop that takes longer than this ends with a forced exit. */
const STOP_TIMEOUT = 20_000;
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export interface StopOnSignalsOptions {
  /** The graceful stop; resolves with the exit code. */
  stop: () => Promise<number>;
  /** Runs synchronously before a forced exit: e.g. signal a child process that must not outlive us. */
  force?: () => void;
  /** Where the progress lines go. */
  write: (line: string) => void;
}

let firstAt = 0;

/** True once a stop signal came: a start-up failing from then on is part of stopping, not an error. */
export function isStopping(): boolean {
  return firstAt > 0;
}

/**
 * Runs `stop` on the first signal and exits with its code; a later signal exits at once.
 * Call it before starting anything, so that a Ctrl-C during start-up stops cleanly too.
 */
export function stopOnSignals({ stop, force, write }: StopOnSignalsOptions): void {
  const forceExit = (code: number) => {
    force?.();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt > 0) {
      if (Date.now() - firstAt < REPEAT_WINDOW) return;
      write(`${signal} again: stopping at once.`);
      forceExit(SIGNAL_EXIT_CODES[signal] ?? 1);
    }
    firstAt = Date.now();
    write(`${signal} received: stopping (${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to stop at once)...`);
    setTimeout(() => {
      write(`Stopping takes longer than ${STOP_TIMEOUT / 1000} s: stopping at once.`);
      forceExit(1);
    }, STOP_TIMEOUT).unref();
    stop().then(
      (code) => process.exit(code),
      (err: unknown) => {
        write(`Stopping failed: ${(err as Error)?.message ?? String(err)}`);
        forceExit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
}
