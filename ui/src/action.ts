// A user's action on the server: busy while it runs, then a toast with what was done or the
// server's own error.
import { useState } from 'preact/hooks';
import { toast, toastError } from './toasts';

export interface Action {
  /** True while an action runs: its buttons are disabled (or ignore presses). */
  busy: boolean;
  /** Runs `action`, then toasts `success(result)`, or the error; resolves true when it was done. */
  run<T>(action: () => Promise<T>, success: (result: T) => string): Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const run = async <T>(action: () => Promise<T>, success: (result: T) => string): Promise<boolean> => {
    setBusy(true);
    try {
      toast('success', success(await action()));
      return true;
    } catch (err) {
      toastError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
