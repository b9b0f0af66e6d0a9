import type { RedisProcess } from './redis-server.mjs';

export interface RunningCluster {
  nodes: Array<{ host: string; port: number }>;
  servers: Array<RedisProcess & { args: string[] }>;
  stop(): Promise<void[]>;
}
export function replicationReady(port: number): boolean;
export function clusterInfo(port: number): Record<string, string> | null;
export function startCluster(options?: {
  masters?: number;
  replicas?: number;
  nodeTimeout?: number;
  args?: string[];
}): Promise<RunningCluster>;
