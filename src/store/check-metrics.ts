import type { Store } from './store.js';
import { finding, type CheckFinding } from './check-findings.js';

/** The fields the scripts that end jobs write in a type's metrics hash (lua/includes/metrics.lua). */
const METRICS_FIELD = /^(?:[ftsx]|[rw](?:1[0-5]|\d|s))$/;

/**
 * A type's metrics hash holds only the fields the scripts write, each a whole number (a field
 * that is not would make the scrape's counters lie); the lease of the scrapes expires (one
 * that does not would keep the scripts counting forever).
 */
export async function metricsFindings(
  client: Store['client'],
  keys: Store['keys'],
  hashes: string[],
  lease: boolean,
): Promise<CheckFinding[]> {
  const found: CheckFinding[] = [];
  for (const key of hashes) {
    const fields = await client.hgetall(key);
    const bad = Object.entries(fields).find(([field, value]) => !METRICS_FIELD.test(field) || !/^-?\d+$/.test(value));
    if (bad) found.push(finding('metrics-invalid', key, bad[0]));
  }
  if (lease && (await client.pttl(keys.metricsLease)) === -1)
    found.push(finding('metrics-lease-forever', keys.metricsLease));
  return found;
}
