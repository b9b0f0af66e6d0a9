import type { Store } from './store.js';
import { finding, type CheckFinding } from './check-findings.js';

/** A type's count of waiting jobs per group, and the groups that have waiting jobs, as found by SCAN. */
export interface GroupKeys {
  /** [B:type:<type>:group-waiting, type] */
  counts: Array<[string, string]>;
  /** [B:group:<n>:<type>:jobs:<group>, type, group] */
  waiting: Array<[string, string, string]>;
}

/**
 * Each group's count in its type's group-waiting (what `queue.groups` lists the largest by)
 * equals its waiting jobs, and each group with waiting jobs is counted.
 */
export async function groupCountFindings(store: Store, found: GroupKeys): Promise<CheckFinding[]> {
  const { client, keys } = store;
  const findings: CheckFinding[] = [];
  for (const [key, type] of found.counts) {
    const counted = await client.zrange(key, 0, -1, 'WITHSCORES');
    const groups = counted.filter((_, i) => i % 2 === 0);
    const sizes = await client.pipeline(groups.map((g) => ['zcard', keys.group(type, 'jobs', g)])).exec();
    groups.forEach((group, i) => {
      if (Number(sizes?.[i]?.[1]) !== Number(counted[2 * i + 1]))
        findings.push(finding('group-miscounted', key, group));
    });
  }
  const scores = await client
    .pipeline(found.waiting.map(([, type, group]) => ['zscore', keys.typeGroups(type, 'group-waiting'), group]))
    .exec();
  found.waiting.forEach(([, type, group], i) => {
    if (scores?.[i]?.[1] === null)
      findings.push(finding('group-miscounted', keys.typeGroups(type, 'group-waiting'), group));
  });
  return findings;
}
