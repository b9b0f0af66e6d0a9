/**
 * Keyboard alone, screen readers (axe-core finds no serious or critical violation in
 * either theme), phone-sized screens and the light / dark / system theme.
 */
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { axeViolations, describeUi, numberIn, useBrowser } from './harness.js';

/**
 * A queue with jobs in every state, of a few types, with a paused type, a schedule, limits
 * and groups (one of them paused).
 */
async function populated(queue: Queue) {
  queue.process('email', async (job) => {
    job.log('sent');
    if ((job.data as { fail?: boolean }).fail) throw new Error('mailbox unavailable');
    return { ok: true };
  });
  await queue.saveAll([
    ...Array.from({ length: 4 }, (_, i) => queue.create('email', { to: `user${i}@example.com` })),
    queue
      .create('email', { title: 'Password reset for broken', to: 'broken@example.com', fail: true })
      .attempts(2)
      .group('broken.example.com'),
  ]);
  await waitFor(async () => (await queue.completeCount()) === 4 && (await queue.failedCount()) === 1);
  await queue.create('report', { month: 5 }).priority('high').save();
  await queue.create('webhook', { url: 'https://example.com' }).delay(3_600_000).save();
  await queue.saveAll([
    queue.create('webhook', { url: 'https://example.com/a' }).group('tenant-1'),
    queue.create('webhook', { url: 'https://example.com/b' }).group('tenant-with-a-long-name-2'),
  ]);
  await queue.pauseGroup('webhook', 'tenant-with-a-long-name-2');
  await queue.admin.pauseType('report');
  await queue.schedule('nightly', { cron: '0 3 * * *', tz: 'Europe/Berlin' }, queue.create('report', {}));
  await queue.runNow('nightly');
  await queue.limit('email', { rate: { max: 100, duration: 1_000 }, concurrency: 2 });
  const failed = await queue.failed();
  return { failedId: failed[0]! };
}

describeUi('dashboard accessibility, keyboard, phone and themes', () => {
  const { serve, open } = useBrowser();

  for (const theme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violations in the ${theme} theme`, async () => {
      const queue = testQueue({ maintenance: false });
      const { failedId } = await populated(queue);
      const { url } = await serve(queue);
      // axe is injected as a script, which the page's CSP would (rightly) refuse.
      const page = await open(url, { theme, bypassCSP: true });
      await expect.poll(() => numberIn(page, 'count-complete')).toBe(4);
      await page.locator('.plot canvas').first().waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      expect(await axeViolations(page), 'overview').toEqual([]);

      await page.getByTestId('nav-schedules').click();
      await page.getByTestId('schedule-nightly').waitFor();
      expect(await axeViolations(page), 'schedules').toEqual([]);

      // The type chosen filters the lists too, until a page without one (Limits) drops it.
      await page.getByTestId('nav-groups').click();
      await page.getByTestId('groups-type').selectOption('webhook');
      await page.getByTestId('group-paused-tenant-with-a-long-name-2').waitFor();
      expect(await axeViolations(page), 'groups').toEqual([]);

      await page.getByTestId('nav-limits').click();
      await page.getByTestId('limits-edit-email').click();
      expect(await axeViolations(page), 'limits, editing a row').toEqual([]);

      await page.getByTestId('nav-failed').click();
      await page.locator(`[data-id="${failedId}"]`).waitFor();
      await page.getByRole('checkbox', { name: `Select job ${failedId}` }).check();
      await page.getByTestId('rows-detailed').click();
      expect(await axeViolations(page), 'failed list with a selection').toEqual([]);

      await page.getByRole('link', { name: 'Password reset for broken' }).click();
      await page.getByTestId('attempts').waitFor();
      await page.getByText('Stack trace').first().click();
      expect(await axeViolations(page), 'job detail').toEqual([]);

      await page.getByTestId('job-remove').click();
      await page.getByTestId('confirm').waitFor();
      expect(await axeViolations(page), 'confirmation').toEqual([]);
    });
  }

  it('works with the keyboard alone: "/" focuses search, shortcuts move between views and rows, focus is visible', async () => {
    const queue = testQueue({ maintenance: false });
    const jobs = await queue.saveAll(Array.from({ length: 5 }, (_, i) => queue.create('email', { n: i })));
    await Promise.all(jobs.map((j) => j.failed()));
    const { url } = await serve(queue);
    const page = await open(url);
    await expect.poll(() => numberIn(page, 'count-failed')).toBe(5);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        return {
          id: el.id,
          testId: el.dataset.testid ?? el.closest('[data-id]')?.getAttribute('data-id') ?? '',
          tag: el.tagName,
          text: el.textContent,
        };
      });

    await page.keyboard.press('/');
    expect((await focused()).id).toBe('search');
    await page.keyboard.press('Escape');
    await page.locator('body').click({ position: { x: 1, y: 790 } });

    // "g f" opens the failed list; "j" / "k" move between rows; Enter opens the job.
    await page.keyboard.press('g');
    await page.keyboard.press('f');
    await page.waitForURL(/\/failed$/);
    await page.locator('[data-row-link]').first().waitFor();
    await page.keyboard.press('j');
    await expect.poll(async () => (await focused()).testId).toBe(String(jobs[4]!.id));
    await page.keyboard.press('j');
    await expect.poll(async () => (await focused()).testId).toBe(String(jobs[3]!.id));
    await page.keyboard.press('k');
    await expect.poll(async () => (await focused()).testId).toBe(String(jobs[4]!.id));
    // The focused row is visibly marked.
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('x');
    expect(await page.getByTestId('bulk-count').textContent()).toBe('1 selected');
    await page.keyboard.press('Enter');
    await page.getByTestId('job-retry').waitFor();
    expect(await page.getByRole('heading', { name: `Job #${jobs[4]!.id}` }).count()).toBe(1);
    // Tab reaches the job's actions.
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focused()).testId === 'job-retry';
    }
    expect(reached).toBe(true);
    // Escape closes the job and gives focus back to its row.
    await page.keyboard.press('Escape');
    await page.getByTestId('job-detail').waitFor({ state: 'detached' });
    expect((await focused()).testId).toBe(String(jobs[4]!.id));

    // "?" lists the shortcuts; Escape closes the list.
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').getByRole('heading', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcuts').isVisible()).toBe(false);

    // The focused job's actions answer the keyboard.
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Job #${jobs[4]!.id}` }).waitFor();
    await page.getByTestId('job-retry').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('toast-success').filter({ hasText: 'is inactive again' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('job-detail').waitFor({ state: 'detached' });

    // Typing in the search box is never taken for a shortcut.
    await page.keyboard.press('/');
    await page.keyboard.type('g f j');
    expect(await page.getByRole('searchbox').inputValue()).toBe('g f j');
  });

  it('fits a phone-sized screen', async () => {
    const queue = testQueue({ maintenance: false });
    const { failedId } = await populated(queue);
    const { url } = await serve(queue);
    const page = await open(url, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await expect.poll(() => numberIn(page, 'count-complete')).toBe(4);
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBe(0);
    // Every state is a tap away.
    for (const state of ['inactive', 'active', 'delayed', 'failed', 'complete']) {
      const box = (await page.getByTestId(`nav-${state}`).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(24);
    }
    await page.getByTestId('nav-failed').tap();
    const row = page.locator(`[data-id="${failedId}"]`);
    await row.waitFor();
    expect(await overflow()).toBe(0);
    expect((await row.boundingBox())!.width).toBeLessThanOrEqual(390);
    await row.getByRole('link').tap();
    const detail = page.getByTestId('job-detail');
    await detail.getByTestId('attempts').waitFor();
    // The job fills the screen.
    await expect.poll(async () => (await detail.boundingBox())!.x).toBe(0);
    expect((await detail.boundingBox())!.width).toBe(390);
    expect(await overflow()).toBe(0);
    // The limits' table scrolls in its card; the form's fields wrap to the screen.
    await page.goto(`${url}limits`);
    await page.getByTestId('limits-email').waitFor();
    expect(await overflow()).toBe(0);
    const form = (await page.getByTestId('limits-form').boundingBox())!;
    expect(form.x + form.width).toBeLessThanOrEqual(390);
    // A type's groups: the counts and the buttons fit beside the names, without scrolling.
    await page.goto(`${url}groups?type=webhook`);
    await page.getByTestId('group-paused-tenant-with-a-long-name-2').waitFor();
    expect(await overflow()).toBe(0);
    for (const group of ['tenant-1', 'tenant-with-a-long-name-2']) {
      const button = (await page.getByTestId(`group-pause-${group}`).boundingBox())!;
      expect(button.x + button.width, group).toBeLessThanOrEqual(390);
    }
  });

  it('switches between system, light and dark themes and remembers the choice', async () => {
    const queue = testQueue({ maintenance: false });
    const { url } = await serve(queue);
    const page = await open(url, { theme: 'dark' });
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    const button = page.getByRole('button', { name: /theme/i });
    expect(await button.getAttribute('data-theme-choice')).toBe('system');
    expect(await theme()).toBe('dark');
    await button.click();
    expect(await button.getAttribute('data-theme-choice')).toBe('light');
    expect(await theme()).toBe('light');
    await page.reload();
    expect(await theme()).toBe('light');
    await button.click();
    expect(await theme()).toBe('dark');
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(11, 15, 20)');
    await button.click();
    expect(await button.getAttribute('data-theme-choice')).toBe('system');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(theme).toBe('light');
  });
});
