// Flow control in the terminal: `kue limits` lists the limits of a queue's job types, `kue
// limit <type>` sets, changes or removes them (obeyed by every running worker from its next
// take), `kue groups <type>` lists a type's groups and pauses or resumes one.
import { InvalidArgumentError, type Command } from 'commander';
import { defaults } from '../defaults.js';
import type { GroupInfo, LimitOptions, RateLimit, TypeLimits } from '../queue/limits.js';
import { parseCount } from './options.js';
import { withQueue } from './short-queue.js';
import { alignedTable, when } from './table.js';
import { redactRedisUrl } from './urls.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `100/1s`, `10/500ms`, `5/1m` or `100/1000` (ms): at most max starts per duration. */
export function parseRate(value: string): RateLimit {
  const match = /^(\d+)\/(\d+)(ms|s|m|h)?$/.exec(value.trim());
  const max = Number(match?.[1]);
  const duration = Number(match?.[2]) * UNITS[match?.[3] ?? 'ms']!;
  if (!match || !(max >= 1) || !(duration >= 1)) {
    throw new InvalidArgumentError('Expected <max>/<duration>, e.g. 100/1s, 10/500ms or 5/1m (at least 1 of each).');
  }
  return { max, duration };
}

/** A duration as the terminal shows it: 1s, 500ms, 1m. */
function span(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The limits as an aligned table, one line per type. */
export function formatLimits(limits: TypeLimits[], where: string): string[] {
  const limited = limits.filter((l) => l.rate || l.concurrency !== null || l.heldUntil);
  if (limited.length === 0) return [`${where}: ${limits.length === 1 ? `"${limits[0]!.type}" has ` : ''}no limits.`];
  limits = limited;
  const rows = [
    ['TYPE', 'RATE', 'CONCURRENCY', 'ACTIVE', 'STARTS IN WINDOW', 'HELD UNTIL'],
    ...limits.map((l) => [
      l.type,
      l.rate ? `${l.rate.max}/${span(l.rate.duration)}` : '-',
      l.concurrency === null ? '-' : String(l.concurrency),
      String(l.active),
      l.rate ? String(l.recentStarts) : '-',
      when(l.heldUntil),
    ]),
  ];
  const count = `${limits.length} type${limits.length === 1 ? '' : 's'} with limits`;
  return [`${where}: ${count}.`, ...alignedTable(rows)];
}

interface QueueCommandOptions {
  redis?: string;
  prefix: string;
  json?: boolean;
}

function print(limits: TypeLimits[], opts: QueueCommandOptions, out: (line: string) => void): void {
  const redis = opts.redis ?? defaults.redisUrl;
  if (opts.json) out(JSON.stringify(limits, null, 2));
  else formatLimits(limits, `Queue "${opts.prefix}" on ${redactRedisUrl(redis)}`).forEach((line) => out(line));
}

/** `kue limits`, on a command that has the queue options. */
export function defineLimits(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description("List the limits of a queue's job types: rate, concurrency, what is in use, a handler's hold.")
    .option('--json', 'print the limits as JSON')
    .action(async (opts: QueueCommandOptions) => {
      const redis = opts.redis ?? defaults.redisUrl;
      print(
        await withQueue({ redis, prefix: opts.prefix }, 'The limits could not be read', (q) => q.limits()),
        opts,
        out,
      );
    });
}

/** `kue limit <type>`, on a command that has the queue options. */
export function defineLimit(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description(
      'Set, change or remove the limits of a job type, over every worker process.\n' +
        'Options left out stay as they are; running workers obey from their next take.',
    )
    .argument('<type>', 'the job type')
    .option('--rate <max/duration>', 'at most max starts in any window of duration (100/1s, 10/500ms)', parseRate)
    .option('--no-rate', 'remove the rate limit')
    .option('--concurrency <n>', 'at most n jobs of the type active at once', parseCount)
    .option('--no-concurrency', 'remove the concurrency limit')
    .option('--clear', "remove every limit of the type (and a handler's hold)")
    .option('--json', 'print the limits as JSON')
    .action(
      async (
        type: string,
        opts: QueueCommandOptions & { rate?: RateLimit | false; concurrency?: number | false; clear?: boolean },
      ) => {
        const redis = opts.redis ?? defaults.redisUrl;
        const changes: LimitOptions = {};
        if (opts.rate !== undefined) changes.rate = opts.rate === false ? null : opts.rate;
        if (opts.concurrency !== undefined) changes.concurrency = opts.concurrency === false ? null : opts.concurrency;
        const after = await withQueue({ redis, prefix: opts.prefix }, 'The limits could not be changed', (q) =>
          q.limit(type, opts.clear ? null : changes),
        );
        print([after], opts, out);
      },
    );
}

/** A type's groups as an aligned table, the largest first. */
export function formatGroups(groups: GroupInfo[], type: string, where: string): string[] {
  if (groups.length === 0) return [`${where}: "${type}" has no groups with jobs.`];
  const rows = [
    ['GROUP', 'WAITING', 'ACTIVE', 'STATUS'],
    ...groups.map((g) => [g.group, String(g.waiting), String(g.active), g.paused ? 'paused' : 'running']),
  ];
  return [`${where}: "${type}" has ${groups.length} group${groups.length === 1 ? '' : 's'}.`, ...alignedTable(rows)];
}

/** `kue groups <type>`, on a command that has the queue options. */
export function defineGroups(cmd: Command, out: (line: string) => void): Command {
  return cmd
    .description("List a job type's groups, the largest first (at most 1,000); pause or resume one.")
    .argument('<type>', 'the job type')
    .option('--pause <group>', "stop taking the group's jobs, in every process")
    .option('--resume <group>', "take the paused group's jobs again")
    .option('--json', 'print the groups as JSON')
    .action(async (type: string, opts: QueueCommandOptions & { pause?: string; resume?: string }) => {
      const redis = opts.redis ?? defaults.redisUrl;
      const groups = await withQueue({ redis, prefix: opts.prefix }, 'The groups could not be read', async (q) => {
        if (opts.pause !== undefined) await q.pauseGroup(type, opts.pause);
        if (opts.resume !== undefined) await q.resumeGroup(type, opts.resume);
        return q.groups(type);
      });
      if (opts.json) out(JSON.stringify(groups, null, 2));
      else
        formatGroups(groups, type, `Queue "${opts.prefix}" on ${redactRedisUrl(redis)}`).forEach((line) => out(line));
    });
}
