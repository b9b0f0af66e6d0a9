import type { RunningRedis } from './redis-server.mjs';

export interface RunningCluster {
  nodes: Array<{ host: string; port: number }>;
  servers: RunningRedis[];
  stop(): Promise<void[]>;
}
export function clusterInfo(port: number): Record<string, string> | null;
export function startCluster(options?: { masters?: number; replicas?: number; nodeTimeout?: number }): Promise<RunningCluster>;
