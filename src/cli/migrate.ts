// `kue migrate`: moves a queue Kue 0.11 wrote into this package's layout, and says what it did.
import { ConnectionError, MigrationRefusedError } from '../errors.js';
import type { Kue011MigrationProgress, Kue011MigrationReport } from '../store/kue011/report.js';
import { KUE011_STATES } from '../store/kue011/keys.js';
import { Queue } from '../queue/queue.js';
import { CliError } from './cli-error.js';

export interface MigrateOptions {
  redis: string;
  /** The queue's prefix, where the jobs go. */
  prefix: string;
  /** The Kue 0.11 prefix as in its key names. */
  from: string;
  dryRun: boolean;
  functionBackoff?: string | number;
  reserveIds?: number;
  onProgress?: (progress: Kue011MigrationProgress) => void;
}

export async function runMigrate(options: MigrateOptions): Promise<Kue011MigrationReport> {
  // No maintenance: this process only moves jobs; the queue's workers promote and recover them.
  const queue = new Queue({ prefix: options.prefix, redis: options.redis, maintenance: false });
  let connectionError: Error | undefined;
  queue.on('error', (err: Error) => {
    if (err instanceof ConnectionError) connectionError ??= err;
  });
  try {
    return await queue.admin.migrateFromKue011({
      from: options.from,
      dryRun: options.dryRun,
      functionBackoff: options.functionBackoff,
      reserveIds: options.reserveIds,
      onProgress: options.onProgress,
    });
  } catch (err) {
    if (err instanceof MigrationRefusedError) throw new CliError(`Refused: ${err.message}`);
    throw new CliError(
      `The migration did not finish: ${(connectionError ?? (err as Error)).message}. ` +
        'Every job moved so far is whole in the new layout: run the same command again to finish.',
    );
  } finally {
    await queue.shutdown(1_000).catch(() => undefined);
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** A line of progress: what the pass has done so far. */
export function formatProgress(p: Kue011MigrationProgress): string {
  const of = p.total > 0 ? ` of about ${count(p.total)}` : '';
  return p.pass === 'check'
    ? `Looking: ${count(p.handled)}${of} Kue 0.11 jobs read.`
    : `Moving: ${count(p.moved)}${of} jobs moved, ${count(p.skipped)} skipped.`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map(
    (r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`,
  );
}

/** The closing report as lines for a terminal. */
export function formatMigration(r: Kue011MigrationReport, where: string): string[] {
  const moved = Object.values(r.moved).reduce((a, b) => a + b, 0);
  const lines = [`${where}${r.dryRun ? ': dry run, nothing was written' : ''}.`];
  if (r.elsewhere) {
    lines.push(
      `No Kue 0.11 job under "${r.from}", but ${plural(r.elsewhere.jobs, 'job')} under "${r.elsewhere.prefix}" ` +
        `(Kue 0.11 on ${r.elsewhere.prefix.startsWith('{') ? 'ioredis' : 'node_redis'}): use --from '${r.elsewhere.prefix}'.`,
    );
  }
  lines.push(
    `${r.dryRun ? 'Would move' : 'Moved'} ${plural(moved, 'job')}${moved ? ', by their Kue 0.11 state:' : '.'}`,
  );
  if (moved > 0) {
    const states = KUE011_STATES.filter((s) => Object.values(r.movedByType).some((t) => t[s]));
    const types = Object.keys(r.movedByType).sort();
    lines.push(
      ...table([
        ['type', ...states],
        ...types.map((t) => [t, ...states.map((s) => count(r.movedByType[t]![s] ?? 0))]),
        ...(types.length > 1 ? [['all', ...states.map((s) => count(r.moved[s]))]] : []),
      ]),
    );
  }
  if (r.moved.active > 0) {
    lines.push(
      `Active jobs (left by stopped Kue 0.11 workers), their attempt counted: ${count(r.requeued)} back to inactive, ` +
        `${count(r.failedStranded)} failed (it was their last attempt).`,
    );
  }
  if (r.backoffsReplaced > 0) {
    lines.push(`Backoff functions replaced (never run): ${count(r.backoffsReplaced)}.`);
  }
  if (r.conflicts.length > 0) {
    lines.push(
      `${r.dryRun ? 'A run would be refused: ' : ''}the queue already holds other jobs under ids they keep: ` +
        `${r.conflicts.slice(0, 20).join(', ')}${r.conflicts.length > 20 ? ', …' : ''}.`,
    );
  }
  if (r.skippedCount > 0) {
    lines.push(`Skipped, left as they are in Kue 0.11's keys: ${count(r.skippedCount)}.`);
    for (const s of r.skipped.slice(0, 20)) {
      lines.push(`  job ${s.id}${s.type ? ` (${s.type}${s.state ? `, ${s.state}` : ''})` : ''}: ${s.reason}`);
    }
    if (r.skippedCount > 20) lines.push(`  … and ${count(r.skippedCount - 20)} more (--json lists up to 1,000).`);
  }
  if (r.malformed.length > 0)
    lines.push(`Index entries that name no job id, left as they are: ${count(r.malformed.length)}.`);
  if (r.dangling > 0)
    lines.push(
      `Kue 0.11 index entries of jobs that no longer exist${r.dryRun ? '' : ', removed'}: ${count(r.dangling)}.`,
    );
  if (r.alreadyMoved > 0) lines.push(`Jobs moved by an earlier run: ${count(r.alreadyMoved)}.`);
  lines.push(
    `The next job saved gets id ${count(r.nextId)} or above. ` +
      (r.dryRun
        ? `Jobs in Kue 0.11's indexes: ${count(r.left)}.`
        : `Left in Kue 0.11's indexes: ${count(r.left)}${r.left > 0 ? ' (the skipped above, and any job saved meanwhile, which the next run moves)' : ''}.`),
  );
  lines.push(`Took ${(r.durationMs / 1000).toFixed(1)} s.`);
  return lines;
}
