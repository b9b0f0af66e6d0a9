// `kue events`: the job events the queue's event stream still holds, one line each, and with
// --follow the new ones as they happen (until Ctrl-C).
import { InvalidArgumentError, type Command } from 'commander';
import { defaults } from '../defaults.js';
import type { JobEvent } from '../events/job-event.js';
import { MAX_HISTORY_ENTRIES } from '../queue/event-history.js';
import { Queue } from '../queue/queue.js';
import { compareIds } from '../store/event-log.js';
import { CliError } from './cli-error.js';
import { withQueue } from './short-queue.js';
import { stopOnSignals } from './signals.js';

interface EventsOptions {
  redis?: string;
  prefix: string;
  since: number;
  follow?: boolean;
  json?: boolean;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `10m`, `2h`, `1d`: how far back, in ms. */
export function parseSince(value: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  if (!match) throw new InvalidArgumentError('Expected a duration like 30s, 10m, 2h or 1d.');
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** One event as a line: when (from its stream entry), the event, the job, its type and arguments. */
export function formatEvent(e: JobEvent): string {
  const at = e.entry ? new Date(Number(e.entry.split('-')[0])).toISOString() : '';
  const args = e.args.length ? ` ${JSON.stringify(e.args)}` : '';
  return `${at}  ${e.event.padEnd(14)} #${e.id} ${e.type}${args}`;
}

/** Every page of the history from `since` (ms since the epoch) on. */
async function printHistory(queue: Queue, since: number, print: (e: JobEvent) => void): Promise<string | undefined> {
  let page = await queue.admin.events({ since, limit: MAX_HISTORY_ENTRIES });
  let last: string | undefined;
  for (;;) {
    page.events.forEach(print);
    last = page.events.at(-1)?.entry ?? last;
    if (page.events.length === 0) return last;
    page = await queue.admin.events({ after: page.next, limit: MAX_HISTORY_ENTRIES });
  }
}

/** `kue events`, on a command that has the queue options. */
export function defineEvents(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description(
      'Print the job events the event stream still holds (see docs/events.md), oldest first;\n' +
        'with --follow, then the new ones as they happen, until Ctrl-C.',
    )
    .option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d', parseSince, 10 * 60_000)
    .option('--follow', 'keep printing new events')
    .option('--json', 'one JSON object per line ({event, id, type, args, entry})')
    .action(async (opts: EventsOptions) => {
      const print = (e: JobEvent) => out(opts.json ? JSON.stringify(e) : formatEvent(e));
      const options = { redis: opts.redis ?? defaults.redisUrl, prefix: opts.prefix };
      const since = Date.now() - opts.since;
      if (!opts.follow) {
        await withQueue(options, 'The events could not be read', (q) => printHistory(q, since, print));
        return;
      }
      const queue = new Queue({ ...options, maintenance: false });
      queue.on('error', () => undefined);
      stopOnSignals({
        stop: async () => {
          await queue.shutdown(1_000).catch(() => undefined);
          return 0;
        },
        write: (line) => process.stderr.write(`${line}\n`),
      });
      // Live events are listened to first and held until the history is printed: none falls
      // between, and those the history printed too are not printed twice.
      let held: JobEvent[] | undefined = [];
      let printedTo: string | undefined;
      queue.on('event', (e: JobEvent) => {
        if (held) held.push(e);
        else print(e);
      });
      queue.on('events lost', () => process.stderr.write('kue: some events were lost (the stream was trimmed)\n'));
      try {
        await queue.listenForEvents();
        printedTo = await printHistory(queue, since, print);
      } catch (err) {
        await queue.shutdown(1_000).catch(() => undefined);
        throw new CliError(`The events could not be read: ${(err as Error).message}`);
      }
      for (const e of held) if (!printedTo || !e.entry || compareIds(e.entry, printedTo) > 0) print(e);
      held = undefined;
      // Runs until a signal stops it.
      await new Promise(() => undefined);
    });
}
