import type { RedisClient } from '../store/connection.js';

/** One transition as a Lua script recorded it. */
export interface JobEvent {
  /** Kue's event name: enqueue, start, promotion, progress, failed attempt, failed, complete, remove, delayed, stalled. */
  event: string;
  id: number;
  type: string;
  args: unknown[];
  /** The id of the event stream entry it came in ('<ms>-<seq>'), for resuming after it. */
  entry?: string;
}

interface WireMessage {
  e: string;
  /** One job, or with `ids` many jobs of one type that share the event and its arguments. */
  id?: string;
  ids?: string[];
  t: string;
  a: unknown[];
}

function addEvents(m: WireMessage, into: JobEvent[], entry: string | undefined): void {
  if (typeof m !== 'object' || m === null || typeof m.e !== 'string' || !Array.isArray(m.a)) return;
  const type = String(m.t);
  if (Array.isArray(m.ids)) {
    for (const id of m.ids) into.push({ event: m.e, id: Number(id), type, args: m.a, entry });
  } else {
    into.push({ event: m.e, id: Number(m.id), type, args: m.a, entry });
  }
}

/** A stream entry or message holds one event, or several as a JSON array. Text that is not such JSON yields none. */
export function parseEvents(text: string, entry?: string): JobEvent[] {
  try {
    const parsed = JSON.parse(text) as WireMessage | WireMessage[];
    const events: JobEvent[] = [];
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) addEvents(m, events, entry);
    return events;
  } catch {
    return [];
  }
}

/**
 * SUBSCRIBE, but never while ioredis is checking a new connection ('connect'): it writes the
 * command at once then, the connection enters subscriber mode, and the check's own commands
 * fail. Before and after that, ioredis queues or sends it safely.
 */
export async function subscribe(client: RedisClient, channel: string): Promise<unknown> {
  if (client.status === 'connect') await new Promise((resolve) => client.once('ready', resolve));
  return client.subscribe(channel);
}
