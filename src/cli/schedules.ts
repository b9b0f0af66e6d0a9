// `kue schedules`: lists a queue's schedules in the terminal.
import type { Command } from 'commander';
import { defaults } from '../defaults.js';
import type { ScheduleInfo } from '../queue/schedules.js';
import { withQueue } from './short-queue.js';
import { redactRedisUrl } from './urls.js';
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

/** `kue schedules`, on a command that has the queue options. */
export function defineSchedules(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description(
      "List a queue's schedules: rule in words, next due time, last run and its state, runs, status.\n" +
        'Read-only: it fires nothing.',
    )
    .option('--json', 'print the schedules as JSON')
    .action(async (opts: { redis?: string; prefix: string; json?: boolean }) => {
      const redis = opts.redis ?? defaults.redisUrl;
      const schedules = await listSchedules({ redis, prefix: opts.prefix });
      if (opts.json) out(JSON.stringify(schedules, null, 2));
      else
        formatSchedules(schedules, `Queue "${opts.prefix}" on ${redactRedisUrl(redis)}`).forEach((line) => out(line));
    });
}
