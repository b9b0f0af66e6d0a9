import type { ScriptRunner } from './schedule-store.js';
import { ScriptStatus } from './script-status.js';

/** The fields of a type's flow hash (see lua/includes/flow.lua). */
export interface FlowFields {
  rate_max?: number;
  rate_ms?: number;
  concurrency?: number;
  /** The same limits, for each group of the type. */
  g_rate_max?: number;
  g_rate_ms?: number;
  g_concurrency?: number;
}

/** A group of a type, as the groups script counts it. */
export interface StoredGroup {
  group: string;
  waiting: number;
  active: number;
  paused: boolean;
}

/** A type's limits as stored, and how much of them is in use. */
export interface StoredLimits {
  type: string;
  rateMax: number | null;
  rateMs: number | null;
  concurrency: number | null;
  groupRateMax: number | null;
  groupRateMs: number | null;
  groupConcurrency: number | null;
  /** Until when (epoch ms) a handler's ctx.rateLimit holds the type back; null when not. */
  heldUntil: number | null;
  /** Jobs of the type active now. */
  active: number;
  /** Starts within the last rate window (0 without a rate). */
  recentStarts: number;
}

function limitsOf(type: string, flat: string[], active = 0, recentStarts = 0): StoredLimits {
  const fields = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) fields.set(flat[i]!, Number(flat[i + 1]));
  return {
    type,
    rateMax: fields.get('rate_max') ?? null,
    rateMs: fields.get('rate_ms') ?? null,
    concurrency: fields.get('concurrency') ?? null,
    groupRateMax: fields.get('g_rate_max') ?? null,
    groupRateMs: fields.get('g_rate_ms') ?? null,
    groupConcurrency: fields.get('g_concurrency') ?? null,
    heldUntil: fields.get('until') ?? null,
    active,
    recentStarts,
  };
}

/** The scripts of job types' limits: rate, concurrency and a handler's pause. */
export class FlowStore {
  constructor(private readonly run: ScriptRunner) {}

  /**
   * Changes a type's limits: `changes` set fields (null removes one); `clear` removes every
   * limit first. Resolves with the limits after the change.
   */
  async set(type: string, changes: { [F in keyof FlowFields]?: number | null }, clear: boolean): Promise<StoredLimits> {
    const args: Array<string | number> = [type, clear ? '1' : '0'];
    for (const [field, value] of Object.entries(changes)) args.push(field, value ?? '');
    await this.run('limit', args, () => ({
      refused: `the limits of "${type}" did not change`,
      uncertain: `the limits of "${type}" may have changed: Redis may have received the change`,
    }));
    const [stored] = await this.read([type]);
    return stored ?? limitsOf(type, []);
  }

  /** ctx.rateLimit: holds the type back for `ms`; true when the job went back to inactive. */
  async rateLimit(type: string, ms: number, id: number, lock: string): Promise<boolean> {
    return (await this.run('rate_limit', [type, ms, id, lock])) === ScriptStatus.DONE;
  }

  /** The limits of the types given (none: every type with limits); types without any are left out. */
  async read(types: string[] = []): Promise<StoredLimits[]> {
    const rows = (await this.run('limits', types)) as Array<[string, string[], number, number]>;
    return rows
      .map(([type, flat, active, recent]) => limitsOf(type, flat, active, recent))
      .filter(
        (l) =>
          l.rateMax !== null ||
          l.concurrency !== null ||
          l.groupRateMax !== null ||
          l.groupConcurrency !== null ||
          l.heldUntil !== null,
      );
  }

  /** Pauses or resumes one group of a type; true when the setting changed. */
  async pauseGroup(type: string, group: string, pause: boolean): Promise<boolean> {
    return (await this.run('group_pause', [type, group, pause ? '1' : '0'])) === ScriptStatus.CHANGED;
  }

  /** The groups of a type with jobs waiting or active, or paused, the largest first (at most `most`). */
  async groups(type: string, most: number): Promise<{ total: number; groups: StoredGroup[] }> {
    const [total, ...flat] = (await this.run('groups', [type, most])) as Array<string | number>;
    const groups: StoredGroup[] = [];
    for (let i = 0; i < flat.length; i += 4) {
      groups.push({
        group: String(flat[i]),
        waiting: Number(flat[i + 1]),
        active: Number(flat[i + 2]),
        paused: flat[i + 3] === 1,
      });
    }
    return { total: Number(total), groups };
  }
}
