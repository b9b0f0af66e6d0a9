// Issue 17: a unique key decided in Redis, not by a read-then-write in each process. Five
// producer processes start ten saves each of one key at the same instant, every save a script
// call of its own: one job is made, and all fifty saves resolve to it. The same for a throttle
// (ttl) and a debounce (replace and a delay): one job, holding the data of one of the saves.
import { describe, expect, it } from 'vitest';
import { expectConsistent } from '../support/check.js';
import { redisPort, testQueue, uniquePrefix } from '../support/setup.js';
import { startSaver, type SaveOutcome, type SaveSpec } from '../process/saver-process.js';

const PROCESSES = 5;
const SAVES = 10;

describe('many processes saving one unique key at once', () => {
  it(
    `${PROCESSES} processes × ${SAVES} concurrent saves of one key make one job, for plain, throttled and debounced keys`,
    {
      timeout: 60_000,
    },
    async () => {
      const prefix = uniquePrefix('u22');
      const queue = testQueue({ prefix });
      const savers = await Promise.all(
        Array.from({ length: PROCESSES }, () => startSaver({ KUE_REDIS_PORT: redisPort, KUE_PREFIX: prefix })),
      );
      const kinds: Array<[string, (p: number, i: number) => SaveSpec]> = [
        ['plain', (p, i) => ({ type: 'sync', data: { p, i }, unique: ['sync:7'] })],
        ['throttle', (p, i) => ({ type: 'digest', data: { p, i }, unique: ['digest:7', { ttl: 60_000 }] })],
        [
          'debounce',
          (p, i) => ({ type: 'reindex', data: { p, i }, delay: 60_000, unique: ['reindex:9', { replace: true }] }),
        ],
      ];
      const at = Date.now() + 500;
      savers.forEach((saver, p) =>
        saver.child.send({
          at,
          saves: kinds.flatMap(([, spec]) => Array.from({ length: SAVES }, (_, i) => spec(p, i))),
        }),
      );
      const results = await Promise.all(savers.map((saver) => saver.next<SaveOutcome[]>('saved')));

      for (const [k, [kind]] of kinds.entries()) {
        const outcomes = results.flatMap((r) => r.slice(k * SAVES, (k + 1) * SAVES));
        expect(
          outcomes.filter((o) => o.error),
          kind,
        ).toEqual([]);
        const ids = new Set(outcomes.map((o) => o.id));
        expect(ids.size, `${kind}: every save resolves to one job`).toBe(1);
        expect(
          outcomes.filter((o) => !o.duplicate),
          `${kind}: one save made it`,
        ).toHaveLength(1);
      }
      expect(await queue.card('inactive', 'sync')).toBe(1);
      expect(await queue.card('inactive', 'digest')).toBe(1);
      // The debounce's job holds the data of one of the fifty saves (the last Redis ran).
      const [debounced] = await queue.rangeByType('reindex', 'delayed', 0, -1);
      const data = debounced!.data as { p: number; i: number };
      expect(data.p).toBeLessThan(PROCESSES);
      expect(data.i).toBeLessThan(SAVES);
      for (const saver of savers) expect(saver.stderr()).toBe('');
      await expectConsistent(queue, { inactive: 2, delayed: 1 });
    },
  );
});
