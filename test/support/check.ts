import { expect } from 'vitest';
import type { CheckReport, JobState, Queue } from '../../src/index.js';

/**
 * Runs the invariant checker and asserts it found nothing; with `states`, also that the
 * queue holds exactly these many jobs per state (the states not named hold none).
 */
export async function expectConsistent(queue: Queue, states?: Partial<Record<JobState, number>>): Promise<CheckReport> {
  const report = await queue.admin.check();
  expect(report.findings.map((f) => f.message)).toEqual([]);
  if (states) {
    expect(report.states).toEqual({
      inactive: 0,
      delayed: 0,
      active: 0,
      complete: 0,
      failed: 0,
      waiting: 0,
      ...states,
    });
  }
  return report;
}
