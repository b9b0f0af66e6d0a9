// Issue 19: a flow is saved all or nothing, even when redis-server dies in the middle of the
// save. A producer saves flows of 1+300 and 1+5,000 jobs back to back; redis-server
// (appendonly yes, appendfsync always) is SIGKILLed at random moments inside those saves and
// restarted from its AOF. A refused save is given up for half the flows and sent again with
// the same Job objects, until acknowledged, for the others. In the end every flow whose save
// was attempted is either whole (the parent waiting on a pending set of exactly its children,
// each child saved and naming it) or absent, none is there twice, every acknowledged flow is
// whole under the id it was acknowledged with, and the checker finds nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../../src/cli/redis-process.js';
import type { Queue } from '../../src/index.js';
import { expectConsistent } from '../support/check.js';
import { testQueue, uniquePrefix } from '../support/setup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SIZES = [300, 5_000];
/** Each size killed with each DOWN_MS once. */
const KILLS = 4;
const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];
/** About how long a save of each size takes here (ms): kills land within that much of its start. */
const SAVE_MS: Record<number, number> = { 300: 30, 5_000: 250 };
/**
 * How long Redis stays down after a kill, in turn (ms): a save in flight is sent again once it
 * is back, or, after the client's few reconnection attempts (~0.3 s), refused.
 */
const DOWN_MS = [0, 600];

interface Attempt {
  flow: number;
  size: number;
  /** A refused save is sent again (the same Job objects) until acknowledged; else given up. */
  retry: boolean;
  /** Sends that were refused. */
  refused: number;
  /** The parent's id when the save was acknowledged; null when given up; undefined while in flight. */
  id?: number | null;
}

let server: RedisProcess | undefined;
let dir: string | undefined;
const ownQueues: Queue[] = [];
const plain: Redis[] = [];
afterEach(async () => {
  await Promise.all(ownQueues.splice(0).map((q) => q.shutdown(500).catch(() => undefined)));
  for (const c of plain.splice(0)) c.disconnect();
  await server?.stop();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('redis-server SIGKILLed while flows are being saved (AOF always)', () => {
  it(
    'leaves every flow whole or absent, each acknowledged one whole, after restarts from the AOF',
    { timeout: 60_000 },
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'kue-flow-aof-'));
      server = await startRedis({ dir, args: AOF });
      const port = server.port;
      const prefix = uniquePrefix('f27');
      const base = `{${prefix}}`;
      const queue = testQueue({ prefix, redis: { port } });
      ownQueues.push(queue);

      const attempts: Attempt[] = [];
      let current: Attempt | undefined;
      let producing = true;
      const produce = async () => {
        for (let flow = 0; producing; flow++) {
          const size = SIZES[flow % SIZES.length]!;
          const attempt: Attempt = { flow, size, retry: Math.floor(flow / 2) % 2 === 1, refused: 0 };
          attempts.push(attempt);
          current = attempt;
          const parent = queue.create('assemble', { flow });
          const children = Array.from({ length: size }, (_, n) => queue.create('part', { flow, n }));
          while (attempt.id === undefined) {
            try {
              await queue.flow(parent, children);
              attempt.id = parent.id;
            } catch {
              attempt.refused++;
              if (!attempt.retry) attempt.id = null;
              await sleep(20);
            }
          }
        }
      };
      const producer = produce();

      const kills: string[] = [];
      for (let k = 0; k < KILLS; k++) {
        // Alternate the size of the save the kill lands in; the moment within it is random.
        const size = SIZES[k % SIZES.length]!;
        const started = Date.now();
        while (!(current?.size === size && current.id === undefined) && Date.now() - started < 10_000) await sleep(1);
        const at = Math.floor(Math.random() * SAVE_MS[size]!);
        await sleep(at);
        const during = current!;
        const gone = server.exited;
        server.process.kill('SIGKILL');
        await gone;
        const down = DOWN_MS[Math.floor(k / SIZES.length) % DOWN_MS.length]!;
        kills.push(`flow ${during.flow} (1+${during.size}) +${at} ms, down ${down} ms`);
        await sleep(down);
        server = await startRedis({ port, dir, args: AOF });
        // The save in flight settles before the next kill.
        const next = attempts.length;
        while (attempts.length <= next && Date.now() - started < 20_000) await sleep(5);
      }
      producing = false;
      await producer;

      // Every job of the queue, grouped by the flow its data names.
      const reader = new Redis({ port, host: '127.0.0.1' });
      plain.push(reader);
      const parentIds = await queue.waiting('assemble');
      const childIds = await queue.inactive('part');
      const [parentRows, childRows, pendingSets] = await Promise.all([
        reader.pipeline(parentIds.map((id) => ['hmget', `${base}:job:${id}`, 'data', 'children'])).exec(),
        reader.pipeline(childIds.map((id) => ['hmget', `${base}:job:${id}`, 'data', 'parent'])).exec(),
        reader.pipeline(parentIds.map((id) => ['smembers', `${base}:job:${id}:pending`])).exec(),
      ]);
      const parentsOf = new Map<number, Array<{ id: number; children: number; pending: number[] }>>();
      parentIds.forEach((id, i) => {
        const [data, children] = parentRows![i]![1] as [string, string];
        const { flow } = JSON.parse(data) as { flow: number };
        const pending = (pendingSets![i]![1] as string[]).map(Number).sort((a, b) => a - b);
        parentsOf.set(flow, [...(parentsOf.get(flow) ?? []), { id, children: Number(children), pending }]);
      });
      const childrenOf = new Map<number, Array<{ id: number; n: number; parent: number }>>();
      childIds.forEach((id, i) => {
        const [data, parent] = childRows![i]![1] as [string, string];
        const { flow, n } = JSON.parse(data) as { flow: number; n: number };
        childrenOf.set(flow, [...(childrenOf.get(flow) ?? []), { id, n, parent: Number(parent) }]);
      });

      const attempted = new Set(attempts.map((a) => a.flow));
      expect([...parentsOf.keys(), ...childrenOf.keys()].filter((f) => !attempted.has(f))).toEqual([]);
      let whole = 0;
      let absent = 0;
      for (const { flow, size, id, retry, refused } of attempts) {
        if (retry && refused > 0) expect(id, `flow ${flow} was sent again until acknowledged`).toBeTypeOf('number');
        const parents = parentsOf.get(flow) ?? [];
        const children = (childrenOf.get(flow) ?? []).sort((a, b) => a.id - b.id);
        if (parents.length === 0 && children.length === 0) {
          expect(id, `flow ${flow} was acknowledged as ${id} but is gone`).not.toBeTypeOf('number');
          absent++;
          continue;
        }
        expect(parents, `flow ${flow}: exactly one parent`).toHaveLength(1);
        const parent = parents[0]!;
        if (typeof id === 'number') expect(parent.id).toBe(id);
        expect(parent.children).toBe(size);
        expect(children, `flow ${flow}: all ${size} children`).toHaveLength(size);
        expect(children.map((c) => c.n)).toEqual(Array.from({ length: size }, (_, n) => n));
        expect(children.every((c) => c.parent === parent.id)).toBe(true);
        expect(parent.pending).toEqual(children.map((c) => c.id));
        whole++;
      }
      expect(whole + absent).toBe(attempts.length);
      const acknowledged = attempts.filter((a) => typeof a.id === 'number').length;
      const resent = attempts.filter((a) => a.retry && a.refused > 0).length;
      expect(whole).toBeGreaterThanOrEqual(acknowledged);

      const waiting = parentIds.length;
      await expectConsistent(queue, { waiting, inactive: childIds.length });
      console.log(
        `flow saves under redis SIGKILL (AOF always): ${attempts.length} flows attempted, ${acknowledged} acknowledged, ` +
          `${whole} whole, ${absent} absent, ${resent} acknowledged after a refusal; kills during ${kills.join(', ')}`,
      );
    },
  );
});
