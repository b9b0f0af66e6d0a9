// `kue check`: runs the invariant checker on a queue and says what it found.
import type { CheckReport } from '../store/check.js';
import { ConnectionError } from '../errors.js';
import { Queue } from '../queue/queue.js';
import { CliError } from './cli-error.js';

export interface CheckOptions {
  redis: string;
  prefix: string;
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  // No maintenance: the check only reads, and must not move jobs while it looks.
  const queue = new Queue({ prefix: options.prefix, redis: options.redis, maintenance: false });
  // The connection's own error says why better than the failed command's.
  let connectionError: Error | undefined;
  queue.on('error', (err: Error) => {
    if (err instanceof ConnectionError) connectionError ??= err;
  });
  try {
    return await queue.admin.check();
  } catch (err) {
    throw new CliError(`The check could not finish: ${(connectionError ?? (err as Error)).message}`);
  } finally {
    await queue.shutdown(1_000).catch(() => undefined);
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The report as lines for a terminal. */
export function formatReport(report: CheckReport, where: string): string[] {
  const states = Object.entries(report.states)
    .map(([state, n]) => `${state} ${count(n)}`)
    .join(', ');
  const lines = [`${where}: ${count(report.jobs)} jobs (${states}), ${count(report.keys)} keys read.`];
  if (report.findings.length === 0) {
    lines.push('No inconsistencies found.');
    return lines;
  }
  lines.push(`${count(report.findings.length)} inconsistenc${report.findings.length === 1 ? 'y' : 'ies'} found:`);
  const width = Math.max(...report.findings.map((f) => f.code.length));
  for (const f of report.findings) lines.push(`  ${f.code.padEnd(width)}  ${f.message}`);
  return lines;
}
