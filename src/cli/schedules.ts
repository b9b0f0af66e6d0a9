// `kue schedules`: lists a queue's schedules in the terminal.
import type { ScheduleInfo } from '../queue/schedules.js';
import { withQueue } from './short-queue.js';
import { alignedTable, when } from './table.js';

export function listSchedules(options: { redis: string; prefix: string }): Promise<ScheduleInfo[]> {
  return withQueue(options, 'The schedules could not be read', (queue) => queue.schedules());
}

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
  return [`${where}: ${schedules.length} schedule${schedules.length === 1 ? '' : 's'}.`, ...alignedTable(rows)];
}
