import type { RedisProcess } from './redis-server.mjs';

export const MASTER_NAME: string;
export interface RunningSentinelSet {
  master: RedisProcess & { args: string[] };
  replicas: RedisProcess[];
  sentinels: RedisProcess[];
  nodes: Array<{ host: string; port: number }>;
  stop(): Promise<void[]>;
}
export function startSentinelSet(options?: {
  replicas?: number;
  sentinels?: number;
  downAfter?: number;
  failoverTimeout?: number;
  args?: string[];
}): Promise<RunningSentinelSet>;
