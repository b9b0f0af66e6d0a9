/**
 * The Activity page: the job events of the last minutes from the queue's event stream (also
 * those from before the dashboard started), newest first, then the live ones; each opens its job.
 */
import { expect, it } from 'vitest';
import { testQueue } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

describeUi('dashboard activity', () => {
  const { serve, open } = useBrowser();

  it('shows what happened before the dashboard started, then live events, each opening its job', async () => {
    const queue = testQueue({ maintenance: false });
    // Before any dashboard runs.
    const early = await queue.create('email', { to: 'a' }).save();
    await early.remove();
    const dashboard = testQueue({ prefix: queue.prefix, maintenance: false });
    const { url } = await serve(dashboard);
    const page = await open(url);
    await page.getByTestId('nav-activity').click();
    await expect.poll(() => page.title()).toBe('Activity · Kue');
    expect(page.url()).toBe(`${url}activity`);
    const events = () => page.getByTestId('activity-event').allTextContents();
    await expect.poll(events).toEqual(['remove', 'enqueue']);

    const live = await queue.create('report', { month: 11 }).save();
    await expect.poll(events).toEqual(['enqueue', 'remove', 'enqueue']);
    const first = page.getByTestId('activity-row').first();
    expect(await first.textContent()).toContain('report');
    await first.getByRole('link', { name: `#${live.id}` }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('job')).toBe(String(live.id));

    // Opened directly, the page reads the history again.
    await page.goto(`${url}activity`);
    await expect.poll(events).toEqual(['enqueue', 'remove', 'enqueue']);
  });
});
