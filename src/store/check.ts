/**
 * The invariant checker behind `queue.admin.check()` and `kue check`: walks every key of a
 * queue and reports each inconsistency between job records, state indexes, search sets and
 * the other keys. Each job and each index entry is judged inside one read-only script, so a
 * queue that keeps working while it is checked yields no false findings.
 */
import { defaults } from '../defaults.js';
import { isCluster } from './connection.js';
import { JOB_STATES, PRESENT_SPAN, type JobState } from './keys.js';
import { isKue011Key, kue011Candidates, kue011Queues, listedByKue011 } from './kue011/detect.js';
import { runScript, type ScriptName } from './scripts.js';
import { readError } from './redis-errors.js';
import type { Store } from './store.js';
import { metricsFindings } from './check-metrics.js';
import { finding, type CheckCode, type CheckFinding } from './check-findings.js';
import { groupCountFindings, type GroupKeys } from './check-groups.js';

export type { CheckCode, CheckFinding } from './check-findings.js';

export interface CheckReport {
  /** Jobs found, in all. */
  jobs: number;
  /** Jobs found per state (by their records). */
  states: Record<JobState, number>;
  /** Keys of the queue read. */
  keys: number;
  /** Empty when the queue is consistent. */
  findings: CheckFinding[];
}

/** Entries judged per script call: keeps each call short for Redis. */
const BATCH = 500;

type KeyKind =
  | { kind: 'job'; id: string }
  | { kind: 'index'; state: JobState | 'spans'; type: string; group?: string }
  | { kind: 'present'; span: number }
  | { kind: 'search'; word: string }
  | { kind: 'wake' }
  | { kind: 'schedule'; id: string }
  | { kind: 'unique' | 'saved'; name: string }
  | { kind: 'flow'; type: string }
  | { kind: 'group-count'; type: string }
  | { kind: 'starts'; type: string }
  | { kind: 'metrics' }
  | { kind: 'other'; redisType: string }
  | { kind: 'unknown' };

const STATE = `(${JOB_STATES.join('|')})`;
const SINGLETONS: Record<string, string> = {
  ids: 'string',
  types: 'set',
  paused: 'set',
  'stats:work-time': 'string',
  schedules: 'zset',
  limited: 'set',
  cascade: 'zset',
  'metrics:lease': 'string',
  'metrics:named': 'set',
  stream: 'stream',
};

const GROUP_KEYS: Record<string, string> = {
  groups: 'zset',
  'group-held': 'zset',
  'group-active': 'hash',
  'group-paused': 'set',
};

/** `group:<n>:<type>:jobs:<group>` (a group's waiting jobs) or `...:starts:<group>` (a list). */
function groupKey(length: number, rest: string): KeyKind {
  const type = Buffer.from(rest).subarray(0, length).toString();
  const part = /^:(jobs|starts):/.exec(rest.slice(type.length))?.[1];
  if (part === 'jobs')
    return { kind: 'index', state: 'inactive', type, group: rest.slice(type.length + ':jobs:'.length) };
  if (part === 'starts') return { kind: 'other', redisType: 'list' };
  return { kind: 'unknown' };
}

function classify(name: string): KeyKind {
  let m: RegExpExecArray | null;
  if ((m = /^job:([1-9]\d*)(?::log|:errors|:pending|:results|:child-errors)?$/.exec(name)))
    return { kind: 'job', id: m[1]! };
  if (name === 'present') return { kind: 'index', state: 'spans', type: '' };
  if ((m = /^present:(\d+)$/.exec(name))) return { kind: 'present', span: Number(m[1]) };
  if ((m = /^(delayed|active)$/.exec(name))) return { kind: 'index', state: m[1] as JobState, type: '' };
  if ((m = new RegExp(`^type:(.+):${STATE}$`).exec(name)))
    return { kind: 'index', state: m[2] as JobState, type: m[1]! };
  if (/^type:.+:wake$/.test(name)) return { kind: 'wake' };
  if ((m = /^type:(.+):(flow|starts)$/.exec(name))) return { kind: m[2] as 'flow' | 'starts', type: m[1]! };
  if (/^type:.+:metrics$/.test(name)) return { kind: 'metrics' };
  if ((m = /^type:(.+):grouped$/.exec(name))) return { kind: 'index', state: 'inactive', type: m[1]! };
  if ((m = /^type:(.+):group-waiting$/.exec(name))) return { kind: 'group-count', type: m[1]! };
  if ((m = /^type:.+:(groups|group-held|group-active|group-paused)$/.exec(name)))
    return { kind: 'other', redisType: GROUP_KEYS[m[1]!]! };
  if ((m = /^group:(\d+):(.*)$/.exec(name))) return groupKey(Number(m[1]), m[2]!);
  if ((m = /^search:(.+)$/.exec(name))) return { kind: 'search', word: m[1]! };
  if ((m = /^schedule:(.+)$/.exec(name))) return { kind: 'schedule', id: m[1]! };
  if ((m = /^(unique|saved):(.+)$/.exec(name))) return { kind: m[1] as 'unique' | 'saved', name: m[2]! };
  if (/^stats:\d+$/.test(name)) return { kind: 'other', redisType: 'hash' };
  if (/^cancelled:.+$/.test(name)) return { kind: 'other', redisType: 'string' };
  if (Object.hasOwn(SINGLETONS, name)) return { kind: 'other', redisType: SINGLETONS[name]! };
  return { kind: 'unknown' };
}

function expectedType(key: KeyKind): string | undefined {
  switch (key.kind) {
    case 'index':
    case 'group-count':
      return 'zset';
    case 'search':
      return 'set';
    case 'wake':
      return 'list';
    case 'schedule':
    case 'flow':
    case 'metrics':
      return 'hash';
    case 'starts':
      return 'list';
    case 'present':
    case 'unique':
    case 'saved':
      return 'string';
    case 'other':
      return key.redisType;
    default:
      return undefined; // job keys are typed inside check_jobs
  }
}

/** Redis glob characters in a key base, escaped so SCAN matches them literally. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Offsets of the set bits of a Redis bitmap (bit 0 is the high bit of the first byte). */
function setBits(bitmap: Buffer | null): number[] {
  const offsets: number[] = [];
  bitmap?.forEach((byte, i) => {
    for (let b = 0; b < 8; b++) if (byte & (0x80 >> b)) offsets.push(i * 8 + b);
  });
  return offsets;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Checks a queue's keys; a failure to reach Redis is a ConnectionError, as for every call. */
export async function checkQueue(store: Store): Promise<CheckReport> {
  try {
    return await inspect(store);
  } catch (err) {
    throw readError(err, 'the queue for the check');
  }
}

const LIMIT_FIELDS = ['rate_max', 'rate_ms', 'concurrency', 'g_rate_max', 'g_rate_ms', 'g_concurrency'];
/** The flow hash's fields: limits, a handler's hold, and the bookkeeping of groups. */
const FLOW_FIELDS = [...LIMIT_FIELDS, 'until', 'grouped', 'turn'];

/** Whole numbers of at least 1, in pairs where the rate needs both: what take can obey. */
function badLimitField(fields: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (!FLOW_FIELDS.includes(name)) return name;
    if (!/^[1-9]\d*$/.test(value)) return `${name}=${value}`;
  }
  for (const [max, ms] of [
    ['rate_max', 'rate_ms'],
    ['g_rate_max', 'g_rate_ms'],
  ] as const) {
    if ((fields[max] === undefined) !== (fields[ms] === undefined)) return fields[max] ? ms : max;
  }
  return undefined;
}

/** The limit keys: each flow hash readable by take and listed; no start log without a rate. */
async function flowFindings(
  client: Store['client'],
  keys: Store['keys'],
  flows: Array<[string, string]>,
  logs: Array<[string, string]>,
): Promise<CheckFinding[]> {
  const found: CheckFinding[] = [];
  for (const [key, type] of flows) {
    const fields = await client.hgetall(key);
    const bad = badLimitField(fields);
    if (bad !== undefined) found.push(finding('flow-invalid', key, bad));
    const limits = Object.keys(fields).some((f) => LIMIT_FIELDS.includes(f) || f === 'until');
    if (limits && !(await client.sismember(keys.limited, type))) found.push(finding('flow-unlisted', key));
  }
  for (const [key, type] of logs) {
    if (!(await client.hexists(keys.flow(type), 'rate_max'))) found.push(finding('flow-stray-log', key));
  }
  return found;
}

async function inspect(store: Store): Promise<CheckReport> {
  const { client, keys } = store;
  const base = keys.base;
  const findings: CheckFinding[] = [];
  const script = (name: ScriptName, args: Array<string | number>) =>
    runScript(client, name, keys.ids, [base, ...args]) as Promise<unknown>;
  const addTriples = (flat: string[]) => {
    for (let i = 0; i < flat.length; i += 3) findings.push(finding(flat[i + 1] as CheckCode, flat[i + 2]!, flat[i]!));
  };

  // A queue Kue 0.11 wrote under this prefix: its jobs are not read until they are migrated.
  // When it shares this queue's base (Kue 0.11 on ioredis), its keys are left to that finding.
  const kue011 = await kue011Queues(client, kue011Candidates(base));
  for (const old of kue011) {
    findings.push({
      code: 'kue011-queue',
      key: old.key,
      message: `${old.key} holds ${old.jobs} job${old.jobs === 1 ? '' : 's'} of a queue Kue 0.11 wrote, which this queue does not read: run \`kue migrate --from '${old.prefix}'\` (docs/migrating.md)`,
    });
  }
  const kue011Here = kue011.some((old) => old.prefix === base);

  // Every key of the queue. A diagnostic may afford SCAN; nothing on a hot path does. On a
  // cluster the keys are on the master serving the queue's slot: each master is asked.
  const names = new Map<string, KeyKind>();
  for (const server of isCluster(client) ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, batch] = await server.scan(cursor, 'MATCH', `${globEscape(base)}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of batch) {
        const name = key.slice(base.length + 1);
        if (!(kue011Here && isKue011Key(name))) names.set(key, classify(name));
      }
    } while (cursor !== '0');
  }

  // Keys whose Redis type is wrong are reported and left out of the passes below.
  const typed = [...names].filter(([, kind]) => expectedType(kind) !== undefined);
  const types = typed.length ? await client.pipeline(typed.map(([key]) => ['type', key])).exec() : [];
  typed.forEach(([key, kind], i) => {
    const actual = types?.[i]?.[1];
    if (actual === 'none') names.delete(key);
    else if (actual !== expectedType(kind)) {
      findings.push(finding('wrong-key-type', key));
      names.delete(key);
    }
  });

  const jobIds = new Set<string>();
  const indexes: Array<[string, { state: string; type: string }]> = [];
  const words: Array<[string, string]> = [];
  const wakes: string[] = [];
  const flows: Array<[string, string]> = [];
  const logs: Array<[string, string]> = [];
  const schedules = new Set<string>();
  const presence: Array<[string, number]> = [];
  const records = { unique: [] as string[], saved: [] as string[] };
  const groupKeys: GroupKeys = { counts: [], waiting: [] };
  const metricsHashes: string[] = [];
  for (const [key, kind] of names) {
    if (kind.kind === 'job') jobIds.add(kind.id);
    else if (kind.kind === 'present') presence.push([key, kind.span]);
    else if (kind.kind === 'index') {
      indexes.push([key, kind]);
      if (kind.group !== undefined) groupKeys.waiting.push([key, kind.type, kind.group]);
    } else if (kind.kind === 'search') words.push([key, kind.word]);
    else if (kind.kind === 'wake') wakes.push(key);
    else if (kind.kind === 'schedule') schedules.add(kind.id);
    else if (kind.kind === 'unique' || kind.kind === 'saved') records[kind.kind].push(kind.name);
    else if (kind.kind === 'flow') flows.push([key, kind.type]);
    else if (kind.kind === 'starts') logs.push([key, kind.type]);
    else if (kind.kind === 'group-count') groupKeys.counts.push([key, kind.type]);
    else if (kind.kind === 'metrics') metricsHashes.push(key);
    else if (kind.kind === 'unknown') findings.push(finding('unknown-key', key));
  }

  const states = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  if (kue011Here) for (const id of await listedByKue011(client, base, [...jobIds])) jobIds.delete(id);
  const ids = [...jobIds].sort((a, b) => Number(a) - Number(b));
  for (const batch of chunks(ids, BATCH)) {
    const [flat, counts] = (await script('check_jobs', batch)) as [string[], Array<string | number>];
    addTriples(flat);
    for (let i = 0; i < counts.length; i += 2) {
      const state = counts[i] as JobState;
      if (Object.hasOwn(states, state)) states[state] += Number(counts[i + 1]);
    }
  }

  for (const [key, { state, type }] of indexes) {
    let at = '0';
    do {
      const [next, pairs] = await client.zscan(key, at, 'COUNT', BATCH);
      at = next;
      const members = pairs.filter((_, i) => i % 2 === 0);
      if (members.length) addTriples((await script('check_members', [key, state, type, ...members])) as string[]);
    } while (at !== '0');
  }

  for (const [key, span] of presence) {
    const ids = setBits(await client.getBuffer(key)).map((bit) => span * PRESENT_SPAN + bit);
    for (const batch of chunks(ids, BATCH).concat(ids.length ? [] : [[]])) {
      addTriples((await script('check_members', [key, 'present', '', ...batch])) as string[]);
    }
  }

  for (const [key, word] of words) {
    let at = '0';
    do {
      const [next, members] = await client.sscan(key, at, 'COUNT', BATCH);
      at = next;
      if (members.length) addTriples((await script('check_search', [word, ...members])) as string[]);
    } while (at !== '0');
  }

  if (names.has(keys.schedules)) {
    let at = '0';
    do {
      const [next, pairs] = await client.zscan(keys.schedules, at, 'COUNT', BATCH);
      at = next;
      pairs.forEach((member, i) => i % 2 === 0 && schedules.add(member));
    } while (at !== '0');
  }
  for (const batch of chunks([...schedules], BATCH)) {
    addTriples((await script('check_schedules', [defaults.scheduleLease, ...batch])) as string[]);
  }

  for (const [kind, batchOf] of Object.entries(records)) {
    for (const batch of chunks(batchOf, BATCH))
      addTriples((await script('check_unique', [kind, ...batch])) as string[]);
  }

  for (const key of wakes) {
    if ((await client.llen(key)) > 1) findings.push(finding('wake-overfull', key));
  }

  findings.push(...(await flowFindings(client, keys, flows, logs)));
  findings.push(...(await groupCountFindings(store, groupKeys)));
  findings.push(...(await metricsFindings(client, keys, metricsHashes, names.has(keys.metricsLease))));

  const unique = new Map(findings.map((f) => [`${f.code} ${f.key} ${f.id ?? f.schedule ?? f.group ?? ''}`, f]));
  const jobs = Object.values(states).reduce((a, b) => a + b, 0);
  return { jobs, states, keys: names.size, findings: [...unique.values()] };
}
