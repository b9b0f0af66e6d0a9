import { parseEvents, type JobEvent } from '../events/job-event.js';
import { isEntryId } from '../store/event-log.js';
import type { Store } from '../store/store.js';

/** Which events `queue.admin.events()` reads from the event stream. */
export interface EventHistoryOptions {
  /** After this stream entry (`event.entry` of an event seen before, or `next` of a page). */
  after?: string;
  /** From this time on (ms since the epoch, Redis' clock), when `after` is not given. Default: the oldest kept. */
  since?: number;
  /** Most stream entries read (one entry holds the events of one script call). @default 100 */
  limit?: number;
  /** Without `after`: the newest `limit` entries from `since` on (still oldest first), not the oldest. */
  newest?: boolean;
}

/** A page of the event stream's history. */
export interface EventHistory {
  /** Oldest first; each with its `entry`. */
  events: JobEvent[];
  /** Where the next page starts (`after`): the last entry read, or the `after` given when none was. */
  next: string;
  /**
   * Events are missing before the first one here: the entry `after` was trimmed already, or
   * the stream no longer reaches back to `since`.
   */
  gap: boolean;
}

/** Most entries one page reads. */
export const MAX_HISTORY_ENTRIES = 1_000;

function checkHistoryOptions(
  options: EventHistoryOptions,
): Required<Pick<EventHistoryOptions, 'limit'>> & EventHistoryOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('events options must be an object');
  const { after, since, limit = 100, newest } = options;
  for (const key of Object.keys(options))
    if (!['after', 'since', 'limit', 'newest'].includes(key)) throw new TypeError(`events takes no option "${key}"`);
  if (after !== undefined && !isEntryId(after))
    throw new TypeError(`after must be a stream entry id like "1700000000000-0", got ${JSON.stringify(after)}`);
  if (since !== undefined && !(typeof since === 'number' && Number.isSafeInteger(since) && since >= 0))
    throw new RangeError(`since must be a time in ms since the epoch, got ${String(since)}`);
  if (after !== undefined && (since !== undefined || newest))
    throw new TypeError('after goes without since and newest');
  if (newest !== undefined && typeof newest !== 'boolean') throw new TypeError('newest must be true or false');
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_HISTORY_ENTRIES))
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_HISTORY_ENTRIES}, got ${String(limit)}`);
  return { ...options, limit };
}

/** One page of the job events the stream still holds (see `queue.admin.events`). */
export async function readEventHistory(store: Store, options: EventHistoryOptions = {}): Promise<EventHistory> {
  const { after, since = 0, limit, newest = false } = checkHistoryOptions(options);
  const { entries, gap } =
    after === undefined ? await store.eventsSince(since, limit, newest) : await store.eventsAfter(after, limit);
  return {
    events: entries.flatMap((entry) => parseEvents(entry.text, entry.id)),
    next: entries.at(-1)?.id ?? after ?? `${since}-0`,
    gap,
  };
}
