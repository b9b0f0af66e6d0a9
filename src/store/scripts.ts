import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './connection.js';
import { assembleAll, type AssembledScript } from './lua-assembly.js';
import utilInclude from './lua/includes/util.lua';
import keysInclude from './lua/includes/keys.lua';
import statusInclude from './lua/includes/status.lua';
import indexInclude from './lua/includes/index.lua';
import viewsInclude from './lua/includes/views.lua';
import presentInclude from './lua/includes/present.lua';
import present_idsInclude from './lua/includes/present_ids.lua';
import dataInclude from './lua/includes/data.lua';
import eventsInclude from './lua/includes/events.lua';
import wakeInclude from './lua/includes/wake.lua';
import queueingInclude from './lua/includes/queueing.lua';
import statsInclude from './lua/includes/stats.lua';
import searchInclude from './lua/includes/search.lua';
import reportInclude from './lua/includes/report.lua';
import deleteInclude from './lua/includes/delete.lua';
import retainInclude from './lua/includes/retain.lua';
import backoffInclude from './lua/includes/backoff.lua';
import fail_attemptInclude from './lua/includes/fail_attempt.lua';
import expectedInclude from './lua/includes/expected.lua';
import kue011_keysInclude from './lua/includes/kue011_keys.lua';
import kue011_recordInclude from './lua/includes/kue011_record.lua';
import schedulesInclude from './lua/includes/schedules.lua';
import uniqueInclude from './lua/includes/unique.lua';
import failingInclude from './lua/includes/failing.lua';
import parentsInclude from './lua/includes/parents.lua';
import cancel_jobInclude from './lua/includes/cancel_job.lua';
import metricsInclude from './lua/includes/metrics.lua';
import createBlock from './lua/blocks/create.lua';
import takeBlock from './lua/blocks/take.lua';
import flowAdmitBlock from './lua/blocks/flow_admit.lua';
import flowRecordBlock from './lua/blocks/flow_record.lua';
import groupPopBlock from './lua/blocks/group_pop.lua';
import uniqueBlock from './lua/blocks/unique.lua';
import settleBlock from './lua/blocks/settle.lua';
import save from './lua/save.lua';
import cancel from './lua/cancel.lua';
import take from './lua/take.lua';
import complete from './lua/complete.lua';
import fail from './lua/fail.lua';
import promote from './lua/promote.lua';
import expire from './lua/expire.lua';
import renew from './lua/renew.lua';
import remove from './lua/remove.lua';
import move from './lua/move.lua';
import progress from './lua/progress.lua';
import log from './lua/log.lua';
import update from './lua/update.lua';
import bulk from './lua/bulk.lua';
import pause from './lua/pause.lua';
import page from './lua/page.lua';
import range from './lua/range.lua';
import count from './lua/count.lua';
import check_jobs from './lua/check_jobs.lua';
import check_members from './lua/check_members.lua';
import check_search from './lua/check_search.lua';
import migrate from './lua/migrate.lua';
import migrate_finish from './lua/migrate_finish.lua';
import check_schedules from './lua/check_schedules.lua';
import check_unique from './lua/check_unique.lua';
import schedule_upsert from './lua/schedule_upsert.lua';
import schedule_fire from './lua/schedule_fire.lua';
import schedule_due from './lua/schedule_due.lua';
import schedule_list from './lua/schedule_list.lua';
import schedule_remove from './lua/schedule_remove.lua';
import schedule_pause from './lua/schedule_pause.lua';
import schedule_run from './lua/schedule_run.lua';
import limit from './lua/limit.lua';
import rate_limit from './lua/rate_limit.lua';
import limits from './lua/limits.lua';
import group_pause from './lua/group_pause.lua';
import groups from './lua/groups.lua';
import tree_save from './lua/tree_save.lua';
import tree_cascade from './lua/tree_cascade.lua';
import tree_read from './lua/tree_read.lua';
import metrics from './lua/metrics.lua';

/** The shared fragments of lua/includes/, by the name a `--@include` line gives them. */
export const luaIncludes: Readonly<Record<string, string>> = {
  util: utilInclude,
  keys: keysInclude,
  status: statusInclude,
  index: indexInclude,
  views: viewsInclude,
  present: presentInclude,
  present_ids: present_idsInclude,
  data: dataInclude,
  events: eventsInclude,
  wake: wakeInclude,
  queueing: queueingInclude,
  stats: statsInclude,
  search: searchInclude,
  report: reportInclude,
  expected: expectedInclude,
  delete: deleteInclude,
  retain: retainInclude,
  backoff: backoffInclude,
  fail_attempt: fail_attemptInclude,
  kue011_keys: kue011_keysInclude,
  kue011_record: kue011_recordInclude,
  schedules: schedulesInclude,
  unique: uniqueInclude,
  failing: failingInclude,
  parents: parentsInclude,
  cancel_job: cancel_jobInclude,
  metrics: metricsInclude,
};

/** The code several scripts run, pasted where a `--@block` line names it (see lua-assembly.ts). */
export const luaBlocks: Readonly<Record<string, string>> = {
  create: createBlock,
  take: takeBlock,
  flow_admit: flowAdmitBlock,
  flow_record: flowRecordBlock,
  group_pop: groupPopBlock,
  unique: uniqueBlock,
  settle: settleBlock,
};

/**
 * A script that ends jobs, told whether a scrape's lease is on (MetricsStore.variant): it then
 * counts for the metrics, or not, without looking the lease up (lua/includes/metrics.lua).
 */
function toldMetrics(body: string, on: boolean): string {
  return `--@include metrics\nmetrics_on = ${on}\n${body}`;
}

/**
 * One Lua script per transition, and the reads that must see one instant or merge indexes
 * (page, range, count, check_*); each is assembled with the includes it names.
 */
export const luaScripts = {
  save,
  take,
  complete,
  complete_on: toldMetrics(complete, true),
  complete_off: toldMetrics(complete, false),
  fail,
  fail_on: toldMetrics(fail, true),
  fail_off: toldMetrics(fail, false),
  promote,
  expire,
  renew,
  remove,
  move,
  progress,
  log,
  update,
  bulk,
  pause,
  page,
  range,
  count,
  check_jobs,
  check_members,
  check_search,
  migrate,
  migrate_finish,
  check_schedules,
  check_unique,
  schedule_upsert,
  schedule_fire,
  schedule_due,
  schedule_list,
  schedule_remove,
  schedule_pause,
  schedule_run,
  limit,
  rate_limit,
  limits,
  group_pause,
  groups,
  cancel,
  tree_save,
  tree_cascade,
  tree_read,
  metrics,
};
export type ScriptName = keyof typeof luaScripts;
export const SCRIPT_NAMES = Object.keys(luaScripts) as ScriptName[];

// Assembled once, when this module loads: an unknown include, a cycle or an unknown constant
// throws right here.
const assembled = assembleAll(luaScripts, luaIncludes, luaBlocks);

/** A script's full text and the includes in it. */
export function assembledScript(name: ScriptName): Readonly<AssembledScript> {
  return assembled[name];
}

/** The line of lua/includes/events.lua that holds the event stream's cap. */
const STREAM_CAP_LINE = /^local STREAM_CAP = '\d+'$/m;

/**
 * Registers every script on a client (ioredis caches them by SHA and reloads on NOSCRIPT),
 * with the event stream's cap written into them: a constant costs the scripts nothing, where
 * reading a setting would cost each call one more command.
 */
export function defineScripts(client: RedisClient, streamCap: number): void {
  for (const name of SCRIPT_NAMES) {
    const lua = assembled[name].text.replace(STREAM_CAP_LINE, `local STREAM_CAP = '${Math.floor(streamCap)}'`);
    client.defineCommand(`kue_${name}`, { numberOfKeys: 1, lua });
  }
}

type ScriptReply = unknown;

/**
 * Runs a registered script with its one routing key and plain string arguments. The arguments
 * go as one array: spread into a call, a flow's 100,000 or more would overflow the stack.
 */
export function runScript(
  client: RedisClient,
  name: ScriptName,
  routingKey: string,
  args: ReadonlyArray<string | number>,
): Promise<ScriptReply> {
  const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<ScriptReply>>)[`kue_${name}`];
  if (!command) throw new Error(`script ${name} is not defined on this client`);
  return command.call(client, routingKey, args);
}

/** Script calls answered later than `threshold` ms go to `report` (the queue's log). */
export interface SlowScripts {
  threshold: number;
  report: (script: ScriptName, ms: number) => void;
}

/** Reports a call sent at `sentAt` (performance.now()) when its reply came too late. */
export function noteIfSlow(slow: SlowScripts, name: ScriptName, sentAt: number): void {
  const ms = performance.now() - sentAt;
  if (ms > slow.threshold) slow.report(name, ms);
}

/** Adds a registered script to a pipeline (or MULTI), as runScript runs it. */
export function pipeScript(
  pipeline: ChainableCommander,
  name: ScriptName,
  routingKey: string,
  args: ReadonlyArray<string | number>,
): ChainableCommander {
  const command = (pipeline as unknown as Record<string, (...a: unknown[]) => ChainableCommander>)[`kue_${name}`];
  if (!command) throw new Error(`script ${name} is not defined on this client`);
  return command.call(pipeline, routingKey, args);
}
