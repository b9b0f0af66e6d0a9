/**
 * Cancelling from the dashboard: one running job from its panel, with a reason its handler
 * reads from the aborted signal; and 1,000 selected waiting jobs at once.
 */
import { expect, it } from 'vitest';
import { CancelledError, type SavedJob } from '../../src/index.js';
import { testQueue } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

describeUi('dashboard cancellation', () => {
  const { serve, open } = useBrowser();

  it("cancels a running job from its panel: the handler's signal aborts with the reason given", async () => {
    const queue = testQueue();
    const reasons: unknown[] = [];
    queue.process('video', async (_job: SavedJob, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      reasons.push(ctx.signal.reason);
    });
    const job = await queue.create('video', { title: 'a long conversion' }).attempts(3).save();
    await expect.poll(async () => (await queue.getJob(job.id)).state()).toBe('active');
    const { url } = await serve(queue);
    const page = await open(`${url}active?job=${job.id}`);
    await page.getByTestId('job-cancel').click();
    const dialog = page.getByTestId('confirm');
    expect(await dialog.textContent()).toContain(`Cancel job #${job.id}?`);
    await dialog.getByTestId('confirm-reason').fill('wrong file');
    await dialog.getByTestId('confirm-ok').click();
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${job.id} cancelled` })
      .waitFor();
    await expect.poll(() => reasons.length).toBe(1);
    expect(reasons[0]).toBeInstanceOf(CancelledError);
    expect((reasons[0] as CancelledError).reason).toBe('wrong file');
    const stored = await queue.getJob(job.id);
    expect(stored.state()).toBe('failed');
    expect(stored.attempts()).toMatchObject({ made: 1, max: 3 });
    await expect.poll(() => page.getByTestId('job-cancelled').textContent()).toBe('“wrong file”');
    // A failed job offers no cancel.
    expect(await page.getByTestId('job-cancel').count()).toBe(0);
  });

  it('cancels 1,000 selected waiting jobs after a confirmation stating the count', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll(Array.from({ length: 1_000 }, (_, i) => queue.create('email', { i })));
    const { url } = await serve(queue);
    const page = await open(`${url}inactive?type=email`);
    const scroller = page.getByTestId('list-scroll');
    await scroller.waitFor();
    while (Number(await page.getByTestId('list-shown').getAttribute('data-loaded')) < 1_000) {
      await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForTimeout(50);
    }
    await page.getByTestId('select-loaded').check();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('1,000 selected');
    await page.getByTestId('bulk-cancel').click();
    const dialog = page.getByTestId('bulk-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Cancel 1,000 jobs?');
    expect(await dialog.textContent()).toContain('will end failed and not run again');
    await dialog.getByTestId('bulk-confirm').click();
    await page.getByTestId('toast-success').filter({ hasText: 'Cancelled 1,000 jobs' }).waitFor({ timeout: 20_000 });
    expect(await queue.inactiveCount('email')).toBe(0);
    expect(await queue.failedCount('email')).toBe(1_000);
  });
});
