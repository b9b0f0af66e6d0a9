/**
 * The Schedules page: each schedule with its rule in words, its next five due times, its last
 * run and that run's state; pause, resume, run now and remove; read-only hides the actions.
 */
import { expect, it } from 'vitest';
import { testQueue } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

describeUi('dashboard schedules', () => {
  const { serve, open } = useBrowser();

  it('lists each schedule with its rule in words, next five due times and last run with its state', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('nightly-report', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', {}));
    await queue.schedule('heartbeat', { every: 30_000 }, queue.create('ping', {}));
    const run = await queue.runNow('heartbeat');
    const { url } = await serve(queue, { prefix: '/kue' });
    const page = await open(url);
    await page.getByTestId('nav-schedules').click();
    await expect.poll(() => page.title()).toBe('Schedules · Kue');
    expect(page.url()).toBe(`${url}schedules`);
    await expect
      .poll(() => page.getByTestId('schedule-rule-nightly-report').textContent())
      .toBe('At 03:00, Europe/Berlin');
    expect(await page.getByTestId('schedule-rule-heartbeat').textContent()).toBe('every 30 seconds');
    const next = page.getByTestId('schedule-next-nightly-report').locator('time');
    expect(await next.count()).toBe(5);
    const first = await next.first().getAttribute('datetime');
    expect(first).toBe((await queue.getSchedule('nightly-report')).next!.toISOString());
    expect(await page.getByTestId('last-state-heartbeat').textContent()).toBe('Inactive');
    expect(await page.getByTestId('schedule-heartbeat').textContent()).toContain(`#${run.jobId}`);
    // The last run opens in the job panel, which names its schedule.
    await page.getByRole('link', { name: `Open job #${run.jobId}` }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('job')).toBe(String(run.jobId));
    await expect.poll(() => page.getByTestId('job-schedule').textContent()).toMatch(/^“heartbeat”, due /);
    // The page is a client route of its own: opened directly, it shows the same.
    await page.goto(`${url}schedules`);
    await expect.poll(() => page.getByTestId('schedule-status-heartbeat').textContent()).toBe('Active');
  });

  it('pauses, resumes, runs now and removes a schedule', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('heartbeat', { every: 30_000 }, queue.create('ping', {}));
    const { url } = await serve(queue);
    const page = await open(`${url}schedules`);
    await page.getByTestId('schedule-pause-heartbeat').click();
    await expect.poll(() => page.getByTestId('schedule-status-heartbeat').textContent()).toBe('Paused');
    expect((await queue.getSchedule('heartbeat')).paused).toBe(true);
    expect(await page.getByTestId('schedule-next-heartbeat').locator('time').count()).toBe(0);
    await page.getByTestId('schedule-pause-heartbeat').click();
    await expect.poll(() => page.getByTestId('schedule-status-heartbeat').textContent()).toBe('Active');
    await page.getByTestId('schedule-run-heartbeat').click();
    await expect.poll(() => page.getByTestId('last-state-heartbeat').count()).toBe(1);
    expect(await queue.inactiveCount('ping')).toBe(1);
    await page.getByTestId('schedule-remove-heartbeat').click();
    expect(await page.getByTestId('confirm').textContent()).toContain('Remove schedule “heartbeat”?');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('schedule-heartbeat').count()).toBe(0);
    expect(await queue.schedules()).toEqual([]);
  });

  it('read-only: lists schedules without their actions', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.schedule('heartbeat', { every: 30_000 }, queue.create('ping', {}));
    const { url } = await serve(queue, { readOnly: true });
    const page = await open(`${url}schedules`);
    await expect.poll(() => page.getByTestId('schedule-heartbeat').count()).toBe(1);
    expect(await page.getByTestId('schedule-pause-heartbeat').count()).toBe(0);
    expect(await page.getByTestId('schedule-remove-heartbeat').count()).toBe(0);
  });

  it('shows a hostile schedule id and job type as text, never as markup', async () => {
    const queue = testQueue({ maintenance: false });
    const id = '<img src=x onerror="window.pwned=1">';
    await queue.schedule(id, { every: 60_000 }, queue.create('<script>window.pwned=2</script>', {}));
    await queue.runNow(id);
    const { url } = await serve(queue);
    const page = await open(`${url}schedules`);
    await expect.poll(() => page.getByTestId(`schedule-${id}`).count()).toBe(1);
    expect(await page.getByTestId(`schedule-${id}`).textContent()).toContain(id);
    expect(await page.locator('.schedules-table img, .schedules-table script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });
});
