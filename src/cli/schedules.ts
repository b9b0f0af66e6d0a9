// `kue schedules`: lists a queue's schedules in the terminal.
import { ConnectionError } from '../errors.js';
import { Queue } from '../queue/queue.js';
import type { ScheduleInfo } from '../queue/schedules.js';
import { CliError } from './cli-error.js';

export async function listSchedules(options: { redis: string; prefix: string }): Promise<ScheduleInfo[]> {
  // No maintenance: listing must not fire schedules from this short-lived process.
  const queue = new Queue({ prefix: options.prefix, redis: options.redis, maintenance: false });
  let connectionError: Error | undefined;
  queue.on('error', (err: Error) => {
    if (err instanceof ConnectionError) connectionError ??= err;
  });
  try {
    return await queue.schedules();
  } catch (err) {
    throw new CliError(`The schedules could not be read: ${(connectionError ?? (err as Error)).message}`);
  } finally {
    await queue.shutdown(1_000).catch(() => undefined);
  }
}

/** A time as the terminal shows it: ISO in UTC, to the second. */
const when = (d: Date | null | undefined) => (d ? `${d.toISOString().slice(0, 19).replace('T', ' ')}Z` : '-');

function status(s: ScheduleInfo): string {
  if (s.paused) return 'paused';
  return s.finished ? 'finished' : 'active';
}

/** The schedules as an aligned table, one line each. */
export function formatSchedules(schedules: ScheduleInfo[], where: string): string[] {
  if (schedules.length === 0) return [`${where}: no schedules.`];
  const rows = [
    ['ID', 'RULE', 'NEXT', 'LAST RUN', 'RUNS', 'STATUS'],
    ...schedules.map((s) => [
      s.id,
      s.description,
      when(s.next),
      s.last ? `${when(s.last.due)} job ${s.last.jobId} ${s.last.state ?? 'gone'}` : '-',
      String(s.runs),
      status(s),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
  return [`${where}: ${schedules.length} schedule${schedules.length === 1 ? '' : 's'}.`, ...lines];
}
