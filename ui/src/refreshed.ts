// What a page reads from the server again every few seconds while it is open: the pages
// whose data no live event announces (schedules, limits).
import { useEffect, useState } from 'preact/hooks';
import { resyncStore } from './live';
import { useStore } from './store';

export interface Refreshed<T> {
  /** The last value read; null until the first read answers. */
  value: T | null;
  /** The last read's error; null once a read answers again. */
  error: unknown;
  /** Reads again now (after an action), and every `everyMs` from then on. */
  reload: () => void;
  /** Shows a value the page already knows (an action's outcome) until the next read. */
  set: (value: T) => void;
}

/**
 * Reads `read()` now and every `everyMs`. A hidden tab skips its reads (it costs the server
 * nothing, as the live stream); the stream's return after one reads at once.
 */
export function useRefreshed<T>(read: () => Promise<T>, everyMs: number): Refreshed<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const resync = useStore(resyncStore);
  const reload = () => setTick((t) => t + 1);

  useEffect(() => {
    let live = true;
    if (!document.hidden)
      read().then(
        (next) => {
          if (!live) return;
          setValue(() => next);
          setError(null);
        },
        (err: unknown) => live && setError(err),
      );
    const timer = setTimeout(reload, everyMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `read` is a new function each render; the reads follow the ticks alone.
  }, [tick, resync]);

  return { value, error, reload, set: (next) => setValue(() => next) };
}
