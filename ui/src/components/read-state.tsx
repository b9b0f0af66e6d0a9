// What a page of its own shows until its first read answers: the data read every few
// seconds (schedules, limits, groups) is not there yet, or could not be read.
import { m } from '../messages';
import type { Refreshed } from '../refreshed';
import { errorText } from '../toasts';

/** Nothing once a value was read; before, "Loading…", or the failed read's error. */
export function ReadState({ value, error }: Pick<Refreshed<unknown>, 'value' | 'error'>) {
  if (value !== null) return null;
  if (error === null) return <p class="muted">{m.loading}</p>;
  return (
    <p class="muted" role="alert">
      {m.actionFailed(errorText(error))}
    </p>
  );
}
