// The parent's Kue worker keeps renewing the lock of a job whose handler runs in a child, so a
// CPU-bound sandboxed job that runs three times the lock duration completes without a stall.
import { describe, expect, it } from 'vitest';
import { testQueue } from '../support/setup.js';
import { fixture, ISOLATIONS, settled, type Where } from './support.js';

// Long enough that a loaded 2-core machine (two test suites at once) still renews in time.
const LOCK_MS = 1_000;

describe.each(ISOLATIONS)('a CPU-bound sandboxed job (isolation %s)', (isolation) => {
  it(`spinning ${LOCK_MS * 3} ms with a ${LOCK_MS} ms lock completes on its first attempt, never stalled`, async () => {
    const queue = testQueue({ lockDuration: LOCK_MS, maintenanceInterval: 100 });
    const stalled: number[] = [];
    queue.on('job stalled', (id: number) => stalled.push(id));
    queue.process('spin', fixture('behaviours.cjs'), { isolation });
    const job = await queue.create('spin', { do: 'spin', ms: LOCK_MS * 3 }).save();
    const [stored] = await settled(queue, [job]);
    expect(stored!.state()).toBe('complete');
    expect(stored!.attempts().made).toBe(0);
    expect(stored!.duration).toBeGreaterThanOrEqual(LOCK_MS * 3);
    expect((stored!.result as Where).runs).toBe(1);
    expect(stalled).toEqual([]);
  });
});
