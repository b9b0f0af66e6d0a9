// The schedule timer costs nothing without schedules: it reads no schedule until the promotion
// sweep (or a hint) reports one, and then runs exactly when it falls due.
import { describe, expect, it } from 'vitest';
import { testQueue, waitFor } from '../support/setup.js';

describe('the schedule timer', () => {
  it('reads no schedule while there is none, however often the promotion sweep runs', async () => {
    const queue = testQueue({ maintenanceInterval: 50 });
    let reads = 0;
    const due = queue.store.schedules.due.bind(queue.store.schedules);
    queue.store.schedules.due = (limit, lease) => {
      reads++;
      return due(limit, lease);
    };
    await new Promise((r) => setTimeout(r, 1_000));
    expect(reads).toBe(0);
    // A schedule made elsewhere is learnt from the promotion sweep's reply.
    const other = testQueue({ prefix: queue.prefix, maintenance: false });
    await other.schedule('later', { every: 200 }, other.create('t'));
    await waitFor(async () => (await queue.inactiveCount('t')) >= 2, 2_000);
    // One read per due time (and sometimes one more, a few ms early), not one per promotion.
    expect(reads).toBeLessThanOrEqual(8);
  });
});
