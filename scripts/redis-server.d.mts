import type { ChildProcess } from 'node:child_process';

export interface RunningRedis {
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}
export function freePort(): Promise<number>;
export function ping(port: number): Promise<boolean>;
export function hasRedisServer(): boolean;
export function ensureRedisServer(log?: (line: string) => void): boolean;
export function startRedis(options?: { port?: number; dir?: string; args?: string[] }): Promise<RunningRedis>;
