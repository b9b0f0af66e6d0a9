// Starts test/process/fixtures/saver.mjs producer processes (over IPC), killed after each test
// (see test/support/children.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopAfterTest } from '../support/children.js';

const saverScript = fileURLToPath(new URL('./fixtures/saver.mjs', import.meta.url));

/** One save as saver.mjs takes it. */
export interface SaveSpec {
  type: string;
  data?: unknown;
  delay?: number;
  unique?: [key: string, options?: { ttl?: number; replace?: boolean }];
}

export interface SaveOutcome {
  id?: number;
  duplicate?: boolean;
  error?: string;
}

export interface SaverProcess {
  child: ChildProcess;
  /** The CLIENT ID of its command connection. */
  clientId: number;
  /** Resolves with the value of `key` in the next message that has it. */
  next<T = unknown>(key: string, timeoutMs?: number): Promise<T>;
  /**
   * One save (saved again once after a "may have been saved" failure with `retry`): `sent`
   * settles once its command is on the socket, `saved` with what it resolved to.
   */
  save(spec: SaveSpec, retry?: boolean): { sent: Promise<unknown>; saved: Promise<SaveOutcome> };
  stderr: () => string;
}

/** Forks saver.mjs and resolves once it is connected. */
export async function startSaver(env: Record<string, string | number>): Promise<SaverProcess> {
  const child = fork(saverScript, [], {
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  stopAfterTest(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const messages: Array<Record<string, unknown>> = [];
  child.on('message', (m: Record<string, unknown>) => messages.push(m));
  const next = async <T>(key: string, timeoutMs = 15_000): Promise<T> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const at = messages.findIndex((m) => key in m);
      if (at >= 0) return messages.splice(at, 1)[0]![key] as T;
      if (Date.now() > end) throw new Error(`saver.mjs sent no "${key}" within ${timeoutMs} ms; stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const clientId = await next<number>('clientId');
  const save = (spec: SaveSpec, retry = false) => {
    child.send({ save: spec, retry });
    const sent = next('sent');
    return { sent, saved: sent.then(() => next<SaveOutcome>('saved')) };
  };
  return { child, clientId, next, save, stderr: () => err };
}
