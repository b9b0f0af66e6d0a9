// ActiveRuns, the worker's table of running attempts by job id (a Map's replacement: see the
// module's comment): it must answer as the Map did, for the ids workers see (small and dense,
// large and sparse, past the array-index range).
import { describe, expect, it } from 'vitest';
import { ActiveRuns } from '../../src/worker/active-runs.js';

describe('ActiveRuns', () => {
  it('counts each id once, replaces a run set again, and ignores deleting an id it lacks', () => {
    const runs = new ActiveRuns<string>();
    runs.set(7, 'a');
    runs.set(7, 'b');
    runs.delete(8);
    expect(runs.size).toBe(1);
    expect(runs.get(7)).toBe('b');
    runs.delete(7);
    runs.delete(7);
    expect(runs.size).toBe(0);
    expect(runs.get(7)).toBeUndefined();
    expect(runs.values()).toEqual([]);
  });

  it('answers as a Map over a long churn of small, sparse and huge ids', () => {
    const runs = new ActiveRuns<{ id: number }>();
    const map = new Map<number, { id: number }>();
    // Sequential ids as a queue gives them, then far apart ones, then past 2^32 (not array indexes).
    const ids = [
      ...Array.from({ length: 3_000 }, (_, i) => i + 1),
      ...Array.from({ length: 200 }, (_, i) => 1_000_000 + i * 7_919),
      ...Array.from({ length: 50 }, (_, i) => 2 ** 32 + i * 3),
    ];
    ids.forEach((id, i) => {
      const run = { id };
      runs.set(id, run);
      map.set(id, run);
      // Keep about 40 running, removing the oldest, as a worker of concurrency 40 does.
      const old = ids[i - 40];
      if (old !== undefined) {
        runs.delete(old);
        map.delete(old);
      }
      expect(runs.size).toBe(map.size);
    });
    for (const id of ids) expect(runs.get(id)).toBe(map.get(id));
    const byId = (a: number, b: number) => a - b;
    expect(
      runs
        .values()
        .map((r) => r.id)
        .sort(byId),
    ).toEqual([...map.keys()].sort(byId));
  });
});
