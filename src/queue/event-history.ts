import { parseEvents, type JobEvent } from '../events/job-event.js';
import type { Store } from '../store/store.js';

/** Which events `queue.admin.events()` reads from the event stream. */
export interface EventHistoryOptions {
  /** After this stream entry (`event.entry` of an event seen before, or `next` of a page). */
  after?: string;
  /** From this time on (ms since the epoch, Redis' clock), when `after` is not given. Default: the oldest kept. */
  since?: number;
  /** Most stream entries read (one entry holds the events of one script call). @default 100 */
  limit?: number;
}

/** A page of the event stream's history. */
export interface EventHistory {
  /** Oldest first; each with its `entry`. */
  events: JobEvent[];
  /** Where the next page starts (`after`): the last entry read, or the `after` given when none was. */
  next: string;
  /** Entries after `after` were trimmed already: events are missing before the first one here. */
  gap: boolean;
}

const ENTRY_ID = /^\d{1,20}-\d{1,20}$/;
/** Most entries one page reads. */
export const MAX_HISTORY_ENTRIES = 1_000;

function checkHistoryOptions(options: EventHistoryOptions): { after: string; limit: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError('events options must be an object');
  const { after, since, limit = 100 } = options;
  for (const key of Object.keys(options))
    if (!['after', 'since', 'limit'].includes(key)) throw new TypeError(`events takes no option "${key}"`);
  if (after !== undefined && (typeof after !== 'string' || !ENTRY_ID.test(after)))
    throw new TypeError(`after must be a stream entry id like "1700000000000-0", got ${JSON.stringify(after)}`);
  if (since !== undefined && !(typeof since === 'number' && Number.isInteger(since) && since >= 0))
    throw new RangeError(`since must be a time in ms since the epoch, got ${String(since)}`);
  if (after !== undefined && since !== undefined) throw new TypeError('give after or since, not both');
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_HISTORY_ENTRIES))
    throw new RangeError(`limit must be a whole number from 1 to ${MAX_HISTORY_ENTRIES}, got ${String(limit)}`);
  // An entry id just before `since`'s first: XRANGE reads after it.
  return { after: after ?? (since ? `${since - 1}-${Number.MAX_SAFE_INTEGER}` : '0-0'), limit };
}

/** One page of the job events the stream still holds (see `queue.admin.events`). */
export async function readEventHistory(store: Store, options: EventHistoryOptions = {}): Promise<EventHistory> {
  const { after, limit } = checkHistoryOptions(options);
  const { entries, gap } = await store.eventsAfter(after, limit);
  return {
    events: entries.flatMap((entry) => parseEvents(entry.text, entry.id)),
    next: entries.at(-1)?.id ?? after,
    gap: gap && options.since === undefined,
  };
}
