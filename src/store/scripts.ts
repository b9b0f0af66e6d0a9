import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './connection.js';
import core from './lua/includes/core.lua';
import attempts from './lua/includes/attempts.lua';
import save from './lua/save.lua';
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

/**
 * One Lua script per transition, and the reads that must see one instant or merge indexes
 * (page, range, count, check_*);
 * each is prefixed with the shared fragments.
 */
const scripts = { save, take, complete, fail, promote, expire, renew, remove, move, progress, log, update, bulk, pause, page, range, count, check_jobs, check_members, check_search };
export type ScriptName = keyof typeof scripts;

const prelude = `${core}\n${attempts}\n`;

/** Registers every script on a client (ioredis caches them by SHA and reloads on NOSCRIPT). */
export function defineScripts(client: RedisClient): void {
  for (const [name, body] of Object.entries(scripts)) {
    client.defineCommand(`kue_${name}`, { numberOfKeys: 1, lua: prelude + body });
  }
}

type ScriptReply = unknown;

/** Runs a registered script with its one routing key and plain string arguments. */
export function runScript(
  client: RedisClient,
  name: ScriptName,
  routingKey: string,
  args: ReadonlyArray<string | number>,
): Promise<ScriptReply> {
  const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<ScriptReply>>)[`kue_${name}`];
  if (!command) throw new Error(`script ${name} is not defined on this client`);
  return command.call(client, routingKey, ...args);
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
  return command.call(pipeline, routingKey, ...args);
}
