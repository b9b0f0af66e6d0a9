/** The invariant checker's findings (store/check.ts): their codes and the message of each. */

export type CheckCode =
  | 'missing-from-index'
  | 'extra-index'
  | 'orphan-member'
  | 'malformed-member'
  | 'orphan-key'
  | 'unknown-key'
  | 'wrong-key-type'
  | 'bad-state'
  | 'no-type'
  | 'type-not-registered'
  | 'bad-data'
  | 'id-above-counter'
  | 'wake-overfull'
  | 'kue011-queue'
  | 'schedule-orphan'
  | 'schedule-unindexed'
  | 'schedule-bad-next'
  | 'schedule-incomplete'
  | 'unique-stale'
  | 'bad-unique'
  | 'bad-save-record'
  | 'flow-invalid'
  | 'flow-unlisted'
  | 'flow-stray-log'
  | 'group-miscounted'
  | 'tree-waits-on-finished'
  | 'tree-waiting-empty'
  | 'tree-child-unlisted'
  | 'metrics-invalid'
  | 'metrics-lease-forever';

export interface CheckFinding {
  code: CheckCode;
  /** The key that is wrong or misses something. */
  key: string;
  /** The job concerned, when there is one. */
  id?: number;
  /** The schedule concerned, when there is one. */
  schedule?: string;
  /** The group concerned, when there is one. */
  group?: string;
  message: string;
}

function describe(code: CheckCode, key: string, id: string): string {
  switch (code) {
    case 'missing-from-index':
      return `job ${id} is missing from ${key}`;
    case 'extra-index':
      return `${key} lists job ${id}, whose state or type does not belong there`;
    case 'orphan-member':
      return `${key} lists job ${id}, which does not exist`;
    case 'malformed-member':
      return `${key} holds a malformed member "${id}"`;
    case 'orphan-key':
      return `${key} belongs to job ${id}, which does not exist`;
    case 'unknown-key':
      return `${key} is not a key kue writes`;
    case 'wrong-key-type':
      return `${key} holds the wrong Redis type`;
    case 'bad-state':
      return `job ${id} has no valid state`;
    case 'no-type':
      return `job ${id} has no type`;
    case 'type-not-registered':
      return `the type of job ${id} is missing from ${key}`;
    case 'bad-data':
      return `the data of job ${id} is not valid JSON`;
    case 'id-above-counter':
      return `job ${id} is above the id counter ${key}`;
    case 'wake-overfull':
      return `${key} holds more than one wake marker`;
    case 'kue011-queue':
      return `${key} is the index of a queue Kue 0.11 wrote`;
    case 'schedule-orphan':
      return `${key} lists schedule "${id}", which does not exist`;
    case 'schedule-unindexed':
      return `schedule "${id}" is missing from ${key}`;
    case 'schedule-bad-next':
      return `schedule "${id}" is scored in the schedule index by another time than its next due time`;
    case 'schedule-incomplete':
      return `schedule "${id}" lacks its revision, rule or job template`;
    case 'unique-stale':
      return `${key} names job ${id}, which is gone, finished or holds another key: the key was not freed`;
    case 'bad-unique':
      return `${key} holds no job id, or a key held for a ttl does not expire (or one held until its job finishes does)`;
    case 'bad-save-record':
      return `${key} holds no save reply, or does not expire`;
    case 'flow-invalid':
      return `${key} has a limit field take cannot obey: "${id}"`;
    case 'flow-unlisted':
      return `the limits in ${key} are missing from the set of limited types: queue.limits() does not show them`;
    case 'flow-stray-log':
      return `${key} logs the starts of a type without a rate limit`;
    case 'tree-waits-on-finished':
      return `${key} still waits for child ${id}, which is finished or gone: its parent would wait forever`;
    case 'tree-waiting-empty':
      return `job ${id} waits for children but has no pending ones (${key}): it would wait forever`;
    case 'tree-child-unlisted':
      return `job ${id} is a child of a waiting parent that does not know it (${key})`;
    case 'metrics-invalid':
      return `${key} has a field the metrics scrape cannot read: "${id}" (an unknown name, or not a whole number)`;
    case 'metrics-lease-forever':
      return `${key} does not expire: the scripts that end jobs would count forever, scraped or not`;
    case 'group-miscounted':
      return `${key} counts group "${id}" otherwise than its waiting jobs: queue.groups() misstates its size`;
  }
}

export function finding(code: CheckCode, key: string, id = ''): CheckFinding {
  if (code.startsWith('schedule-')) return { code, key, schedule: id, message: describe(code, key, id) };
  if (code.startsWith('group-')) return { code, key, group: id, message: describe(code, key, id) };
  return { code, key, ...(/^\d+$/.test(id) && { id: Number(id) }), message: describe(code, key, id) };
}
