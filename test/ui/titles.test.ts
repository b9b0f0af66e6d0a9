/**
 * Kue's `data.title`: "will display in the job listings within the UI, making it easier to
 * find a specific job". Rows are labelled by their title in every state (failed rows: title
 * and error), the title opens its job, the job panel shows it, and search finds it.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { describeUi, rowsFit, useBrowser } from './harness.js';

const HOSTILE = 'Invoice <img src=x onerror="window.__xss=1"> for ACME';
const LONG = `Quarterly revenue reconciliation ${'for every region and subsidiary '.repeat(12)}end`;

/** Saves jobs with titles in several states (and a few without one) and waits for the workers. */
async function titledJobs(queue: Queue) {
  queue.process('mail', async (job) => {
    if ((job.data as { fail?: boolean }).fail) throw new Error('550 mailbox unavailable\nsecond line of the error');
    return { sent: true };
  });
  const failed = await queue.create('mail', { title: 'Account renewal required', fail: true, to: 'ada' }).save();
  const complete = await queue.create('mail', { title: 'welcome email for tj', to: 'tj' }).save();
  const failedPlain = await queue.create('mail', { fail: true, to: 'bob' }).save();
  await waitFor(async () => (await queue.failedCount()) === 2 && (await queue.completeCount()) === 1);
  const inactive = await queue.create('report', { title: HOSTILE, month: '2026-02' }).priority('high').save();
  const plain = await queue.create('report', { month: '2026-03' }).save();
  const notString = await queue.create('report', { title: 42, month: '2026-04' }).save();
  const blank = await queue.create('report', { title: '   ', month: '2026-05' }).save();
  const long = await queue.create('report', { title: LONG }).save();
  return { failed, complete, failedPlain, inactive, plain, notString, blank, long };
}

const row = (page: Page, id: number | undefined) => page.locator(`[data-testid="job-list"] [data-id="${id}"]`);

describeUi('dashboard job titles', () => {
  const { serve, open } = useBrowser();

  it('labels rows with data.title in every state (failed: title and error); a row without one looks as before', async () => {
    const queue = testQueue({ maintenance: false });
    const jobs = await titledJobs(queue);
    const { url } = await serve(queue);
    const page = await open(`${url}inactive`);

    const titled = row(page, jobs.inactive.id);
    await titled.waitFor();
    // The title is text, never HTML: nothing of it became an element or ran.
    expect(await titled.locator('.row-title').textContent()).toBe(HOSTILE);
    expect(await page.locator('#app img').count()).toBe(0);
    // The id and the type stay, in the same link as the title: its name says all three.
    const link = titled.getByRole('link');
    expect(await link.textContent()).toBe(`#${jobs.inactive.id}report${HOSTILE}`);
    expect(await titled.locator('.badge-priority').textContent()).toBe('high');
    // Beside the title, the rest of the data, without the title again.
    expect(await titled.locator('.row-preview').textContent()).toBe('{"month":"2026-02"}');

    // Without a (string, non-blank) title, a row is as it was: id, type, the data.
    for (const job of [jobs.plain, jobs.notString, jobs.blank]) {
      const r = row(page, job.id);
      expect(await r.getAttribute('class')).not.toContain('row-titled');
      expect(await r.locator('.row-title').count()).toBe(0);
      expect(await r.getByRole('link').textContent()).toBe(`#${job.id}report`);
      expect(await r.locator('.row-preview').textContent()).toBe(JSON.stringify(job.data));
    }

    await page.goto(`${url}failed`);
    const failed = row(page, jobs.failed.id);
    await failed.waitFor();
    expect(await failed.locator('.row-title').textContent()).toBe('Account renewal required');
    // Title and the error's first line.
    expect(await failed.locator('.row-preview.row-error').textContent()).toBe('550 mailbox unavailable');
    // An untitled failed row shows its whole error, as before.
    expect(await row(page, jobs.failedPlain.id).locator('.row-preview.row-error').textContent()).toBe(
      '550 mailbox unavailable\nsecond line of the error',
    );
    await page.getByTestId('rows-detailed').click();
    await expect.poll(() => failed.locator('.row-text.row-error').textContent()).toBe('550 mailbox unavailable');
    expect(await failed.locator('.row-title').textContent()).toBe('Account renewal required');
    expect(await failed.locator('.row-facts-data').textContent()).toBe(' · {"fail":true,"to":"ada"}');

    await page.goto(`${url}complete`);
    await row(page, jobs.complete.id).locator('.row-title').filter({ hasText: 'welcome email for tj' }).waitFor();
  });

  it('opens the job from its title, by click or keyboard; the job panel shows the title', async () => {
    const queue = testQueue({ maintenance: false });
    const jobs = await titledJobs(queue);
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    await row(page, jobs.failed.id).locator('.row-title').click();
    const detail = page.getByTestId('job-detail');
    await detail.getByRole('heading', { name: `Job #${jobs.failed.id}` }).waitFor();
    expect(await detail.getByTestId('job-title-text').textContent()).toBe('Account renewal required');
    expect(new URL(page.url()).searchParams.get('job')).toBe(String(jobs.failed.id));
    expect(await page.getByRole('dialog').getAttribute('aria-describedby')).toBe('job-title-text');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // The title is a link with an accessible name: Tab or j reach it, Enter opens the job.
    await page.goto(`${url}complete`);
    const title = page.getByRole('link', { name: 'welcome email for tj' });
    await title.focus();
    await page.keyboard.press('Enter');
    await detail.getByRole('heading', { name: `Job #${jobs.complete.id}` }).waitFor();
    expect(await detail.getByTestId('job-title-text').textContent()).toBe('welcome email for tj');

    // A job without a title has no title line in its panel.
    await page.goto(`${url}failed?job=${jobs.failedPlain.id}`);
    await detail.getByTestId('job-data').waitFor();
    expect(await detail.getByTestId('job-title-text').count()).toBe(0);
  });

  it('fits titled rows in compact, detailed and phone rows; a long title ends with an ellipsis', async () => {
    const queue = testQueue({ maintenance: false });
    const jobs = await titledJobs(queue);
    const { url } = await serve(queue);
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      for (const [state, rows] of [
        ['inactive', 'compact'],
        ['inactive', 'detailed'],
        ['failed', 'compact'],
        ['failed', 'detailed'],
      ] as const) {
        const page = await open(`${url}${state}${rows === 'detailed' ? '?rows=detailed' : ''}`, { viewport });
        await expect.poll(() => page.locator('[data-testid="job-list"] .row-titled').count()).toBeGreaterThan(0);
        const fit = await rowsFit(page);
        expect(
          fit.filter((r) => !r.fits),
          `${state} ${rows} ${viewport.width} px`,
        ).toEqual([]);
        if (state === 'inactive') {
          const title = row(page, jobs.long.id).locator('.row-title');
          const cut = await title.evaluate((e) => e.scrollWidth > e.clientWidth);
          expect(cut).toBe(true);
          expect(await title.evaluate((e) => getComputedStyle(e).textOverflow)).toBe('ellipsis');
        }
      }
    }
  });

  it('finds a job by a word of its title from the search box, though its searchKeys leave the title out', async () => {
    const queue = testQueue({ maintenance: false, disableSearch: false });
    const job = await queue
      .create('report', { title: 'Quarterly invoices for ACME', customer: 'acme' })
      .searchKeys(['customer'])
      .save();
    await queue.create('report', { title: 'Weekly digest', customer: 'other' }).save();
    const { url } = await serve(queue);
    const page = await open(url);
    const box = page.getByRole('searchbox', { name: 'Search jobs' });
    expect(await box.getAttribute('placeholder')).toBe('Search titles and data, or #id to open a job');
    await box.fill('quarterly INVOICE');
    await page.keyboard.press('Enter');
    await row(page, job.id).locator('.row-title').filter({ hasText: 'Quarterly invoices for ACME' }).waitFor();
    expect(await page.locator('[data-testid="job-list"] [data-id]').count()).toBe(1);
    expect(await page.getByTestId('search-off').count()).toBe(0);
    await row(page, job.id).locator('.row-title').click();
    await page.getByTestId('job-title-text').filter({ hasText: 'Quarterly invoices for ACME' }).waitFor();
  });

  it("says so when the dashboard's queue does not index jobs for search (Kue's default)", async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('report', { title: 'Quarterly invoices' }).save();
    const { url } = await serve(queue);
    const page = await open(url);
    const box = page.getByRole('searchbox', { name: 'Search jobs' });
    await expect.poll(() => box.getAttribute('placeholder')).toBe('Open a job by #id (search is off)');
    await box.fill('quarterly');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('search-off').textContent()).toMatch(/Search is off.*disableSearch: false/);
    await page.getByTestId('list-empty').waitFor();
  });
});
