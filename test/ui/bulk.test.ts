/**
 * Many jobs at once: the selected rows, or "all N matching this filter", retried, promoted
 * or removed in server-side batches after a confirmation that states the count, with a
 * progress indicator; and full-text search combined with the state and type filters.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue } from '../support/setup.js';
import { describeUi, numberIn, useBrowser } from './harness.js';

async function failedJobs(queue: Queue, type: string, n: number): Promise<number[]> {
  const jobs = await queue.saveAll(Array.from({ length: n }, (_, i) => queue.create(type, { i })));
  await Promise.all(jobs.map((j) => j.failed()));
  return jobs.map((j) => j.id!);
}

const listedIds = (page: Page) =>
  page
    .locator('[data-testid="job-list"] [data-id]')
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)).sort((a, b) => a - b));

describeUi('dashboard bulk actions and search', () => {
  const { serve, open } = useBrowser();

  it('retries all 1,000 failed jobs matching the filter after a confirmation stating the count', async () => {
    const queue = testQueue({ maintenance: false });
    await failedJobs(queue, 'email', 1_000);
    await failedJobs(queue, 'sms', 3);
    const { url } = await serve(queue);
    const page = await open(`${url}failed?type=email`);
    await expect.poll(() => numberIn(page, 'list-total')).toBe(1_000);
    await page.getByTestId('select-loaded').check();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('100 selected');
    await page.getByTestId('select-all-matching').click();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('All 1,000 matching jobs selected');
    await page.getByTestId('bulk-retry').click();
    const dialog = page.getByTestId('bulk-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Retry 1,000 jobs?');
    expect(await dialog.textContent()).toContain('failed, type “email”');
    await dialog.getByTestId('bulk-confirm').click();
    await page.getByTestId('toast-success').filter({ hasText: 'Retried 1,000 jobs' }).waitFor({ timeout: 20_000 });
    expect(await queue.failedCount('email')).toBe(0);
    expect(await queue.inactiveCount('email')).toBe(1_000);
    // Other types are left alone.
    expect(await queue.failedCount('sms')).toBe(3);
    await page.getByTestId('list-empty').waitFor();
    await expect.poll(() => numberIn(page, 'nav-count-failed')).toBe(0);
  });

  it('shows a progress indicator while a bulk action runs', async () => {
    const queue = testQueue({ maintenance: false });
    const ids = await failedJobs(queue, 'email', 1_200);
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    // Slow each batch of ids down so the progress can be seen.
    await page.route('**/api/jobs/bulk', async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.continue();
    });
    // Scroll until all 1,200 are loaded, then select them.
    const scroller = page.getByTestId('list-scroll');
    await scroller.waitFor();
    while (Number(await page.getByTestId('list-shown').getAttribute('data-loaded')) < 1_200) {
      await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForTimeout(50);
    }
    await page.getByTestId('select-loaded').check();
    expect(await page.getByTestId('bulk-count').textContent()).toBe('1,200 selected');
    await page.getByTestId('bulk-remove').click();
    expect(await page.getByTestId('bulk-dialog').getByRole('heading').textContent()).toBe('Remove 1,200 jobs?');
    await page.getByTestId('bulk-confirm').click();
    // A determinate bar: 500 of 1,200 done after the first batch.
    await page.waitForFunction(() => {
      const box = document.querySelector('[data-testid="bulk-progress"]');
      const bar = box?.querySelector('progress');
      return box?.textContent === 'Removing… 500 of 1,200' && bar?.max === 1_200 && bar.value === 500;
    });
    await page.getByTestId('toast-success').filter({ hasText: 'Removed 1,200 jobs' }).waitFor({ timeout: 5_000 });
    expect(await queue.failedCount()).toBe(0);
    await expect(queue.getJob(ids[0]!)).rejects.toThrow(/does not exist/);
  });

  it('acts on selected rows only: remove some failed, promote some delayed', async () => {
    const queue = testQueue({ maintenance: false });
    const ids = await failedJobs(queue, 'email', 5);
    const delayed = await queue.saveAll(Array.from({ length: 3 }, () => queue.create('later').delay(3_600_000)));
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    await page.getByRole('checkbox', { name: `Select job ${ids[0]}` }).check();
    // Shift-click selects the range.
    await page.getByRole('checkbox', { name: `Select job ${ids[2]}` }).click({ modifiers: ['Shift'] });
    expect(await page.getByTestId('bulk-count').textContent()).toBe('3 selected');
    await page.getByTestId('bulk-remove').click();
    expect(await page.getByTestId('bulk-dialog').getByRole('heading').textContent()).toBe('Remove 3 jobs?');
    await page.getByTestId('bulk-confirm').click();
    await page.getByTestId('toast-success').filter({ hasText: 'Removed 3 jobs' }).waitFor();
    expect(await queue.failedCount()).toBe(2);
    await expect.poll(() => listedIds(page)).toEqual([ids[3], ids[4]]);

    await page.goto(`${url}delayed`);
    await page.getByRole('checkbox', { name: `Select job ${delayed[1]!.id}` }).check();
    await page.getByTestId('bulk-promote').click();
    await page.getByTestId('bulk-confirm').click();
    await page.getByTestId('toast-success').filter({ hasText: 'Promoted 1 job' }).waitFor();
    expect((await queue.getJob(delayed[1]!.id!)).state()).toBe('inactive');
    expect(await queue.delayedCount()).toBe(2);
  });

  it('searches job data and combines the query with the state and type filters', async () => {
    const queue = testQueue({ maintenance: false, disableSearch: false });
    const invoiceMail = await queue.create('email', { subject: 'Your invoice is ready' }).save();
    const invoiceFailed = await queue.create('email', { subject: 'Invoice overdue' }).save();
    await invoiceFailed.failed();
    const invoiceReport = await queue.create('report', { title: 'Invoices per month' }).save();
    await queue.create('email', { subject: 'Welcome aboard' }).save();
    const { url } = await serve(queue);
    const page = await open(url);
    await page.getByRole('searchbox', { name: 'Search jobs' }).fill('invoice');
    await page.keyboard.press('Enter');
    await expect.poll(() => listedIds(page)).toEqual([invoiceMail.id, invoiceFailed.id, invoiceReport.id]);
    expect(new URL(page.url()).pathname).toBe('/all');
    expect(new URL(page.url()).searchParams.get('q')).toBe('invoice');

    await page.getByTestId('type-filter').selectOption('email');
    await expect.poll(() => listedIds(page)).toEqual([invoiceMail.id, invoiceFailed.id]);
    // Switching state keeps the query and the type.
    await page.getByTestId('nav-failed').click();
    await expect.poll(() => listedIds(page)).toEqual([invoiceFailed.id]);
    expect(new URL(page.url()).search).toBe('?type=email&q=invoice');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Failed jobs matching “invoice”');

    await page.getByRole('searchbox', { name: 'Search jobs' }).fill('nothing-like-this');
    await page.keyboard.press('Enter');
    await page.getByTestId('list-empty').waitFor();
  });
});
