import type { ChildProcess } from 'node:child_process';
import type { RunningRedis } from './redis-server.mjs';

export const MASTER_NAME: string;
export interface RunningSentinelSet {
  master: RunningRedis & { args: string[] };
  replicas: RunningRedis[];
  sentinels: Array<{ port: number; process: ChildProcess; stop(): Promise<void> }>;
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void[]>;
}
export function startSentinelSet(options?: { replicas?: number; sentinels?: number; downAfter?: number; failoverTimeout?: number; args?: string[] }): Promise<RunningSentinelSet>;
