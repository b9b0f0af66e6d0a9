import type { RequestHandler } from 'express';
import type { JobEvent } from '../events/job-event.js';
import type { Queue } from '../queue/queue.js';

/** How often buffered job events and changed counts are sent (ms): a few updates per second. */
const FLUSH_EVERY = 250;
/** Events kept per flush; past that the client is told it missed some and should reload. */
const MAX_EVENTS_PER_FLUSH = 200;
const HEARTBEAT_EVERY = 15_000;

/**
 * Server-sent events: `jobs` (batched job events `{event, id, type, args}`, at most every 250 ms), `counts` (the state
 * counts, sent at start and whenever they may have changed) and `overflow` when events were
 * dropped. Fed by the queue's own events; costs nothing when no tab listens.
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
    let buffered: unknown[] = [];
    let dropped = 0;
    let countsStale = true;
    let closed = false;

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
    const listener = ({ event, id, type, args }: JobEvent) => {
      if (event !== 'progress') countsStale = true;
      if (buffered.length < MAX_EVENTS_PER_FLUSH) buffered.push({ event, id, type, args });
      else dropped++;
    };
    queue.on('event', listener);

    const flush = setInterval(() => {
      if (buffered.length > 0) send('jobs', buffered);
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
    });
  };
}
