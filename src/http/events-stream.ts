import type { Request, RequestHandler } from 'express';
import type { JobEvent } from '../events/job-event.js';
import { MAX_HISTORY_ENTRIES } from '../queue/event-history.js';
import type { Queue } from '../queue/queue.js';
import { compareIds, isEntryId } from '../store/event-log.js';

/** How often buffered job events and changed counts are sent (ms): a few updates per second. */
const FLUSH_EVERY = 250;
/** Events kept per flush; past that the client is told it missed some and should reload. */
const MAX_EVENTS_PER_FLUSH = 200;
const HEARTBEAT_EVERY = 15_000;

/** The stream entry a reconnecting EventSource last received, from its Last-Event-ID header. */
function lastEventId(req: Request): string | undefined {
  const id = req.get('Last-Event-ID');
  return isEntryId(id) ? id : undefined;
}

/**
 * Server-sent events: `jobs` (batched job events `{event, id, type, args}`, at most every 250 ms, each batch's `id:`
 * the event stream entry of its last event), `counts` (the state counts, sent at start and
 * whenever they may have changed) and `overflow` when events were dropped. A client that
 * reconnects with Last-Event-ID (an EventSource does, also to a restarted server) first gets
 * the events it missed from the stream, then `resumed`; or `overflow` when the stream no
 * longer holds them all. Fed by the queue's own events; costs nothing when no tab listens.
 */
export function eventStream(queue: Queue): RequestHandler {
  return (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    let buffered: JobEvent[] = [];
    let dropped = 0;
    let countsStale = true;
    let closed = false;
    /** Up to which stream entry the missed events were replayed (a reconnection's). */
    let replayedTo: string | undefined;
    const isNew = (e: JobEvent) => !replayedTo || !e.entry || compareIds(e.entry, replayedTo) > 0;

    const sendCounts = async () => {
      countsStale = false;
      try {
        const [inactive, active, delayed, complete, failed, waiting] = await Promise.all([
          queue.inactiveCount(),
          queue.activeCount(),
          queue.delayedCount(),
          queue.completeCount(),
          queue.failedCount(),
          queue.waitingCount(),
        ]);
        if (!closed) send('counts', { inactive, active, delayed, complete, failed, waiting });
      } catch {
        if (!closed) send('error', { error: 'Redis is unavailable' });
      }
    };

    // One listener per open stream, for every transition (with its job type).
    const listener = (e: JobEvent) => {
      if (!isNew(e)) return;
      if (e.event !== 'progress') countsStale = true;
      if (buffered.length < MAX_EVENTS_PER_FLUSH) buffered.push(e);
      else dropped++;
    };
    queue.on('event', listener);
    // This process missed events: the client is told to reload.
    const lost = () => void dropped++;
    queue.on('events lost', lost);

    // Live events are listened to before the history is read, so none falls between them; they
    // are held until the history is in.
    const resumeFrom = lastEventId(req);
    let replaying = resumeFrom !== undefined;
    const replay = async (after: string) => {
      try {
        const history = await queue.admin.events({ after, limit: MAX_HISTORY_ENTRIES });
        if (closed) return;
        replayedTo = history.next;
        const live = buffered.filter(isNew);
        if (history.gap || history.events.length + live.length > MAX_EVENTS_PER_FLUSH) {
          dropped += history.events.length + live.length;
          buffered = [];
        } else {
          buffered = [...history.events, ...live];
          send('resumed', { replayed: history.events.length });
        }
      } catch {
        dropped++;
      }
      replaying = false;
    };
    if (resumeFrom) void replay(resumeFrom);

    const flush = setInterval(() => {
      if (replaying) return;
      const entry = buffered.at(-1)?.entry;
      if (buffered.length > 0) {
        res.write(entry ? `id: ${entry}\n` : '');
        send(
          'jobs',
          buffered.map(({ event, id, type, args, entry }) => ({ event, id, type, args, entry })),
        );
      }
      if (dropped > 0) send('overflow', { dropped });
      buffered = [];
      dropped = 0;
      if (countsStale) void sendCounts();
    }, FLUSH_EVERY);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_EVERY);

    req.on('close', () => {
      closed = true;
      clearInterval(flush);
      clearInterval(heartbeat);
      queue.off('event', listener);
      queue.off('events lost', lost);
    });
  };
}
