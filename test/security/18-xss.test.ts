/**
 * Scenario 18: markup in a job's type, data, log, error, stack, progress data and result, in
 * the search box and in the page title is shown as text in a real (headless) Chromium: no
 * element comes out of it, nothing runs, no dialog opens, and the page is served with a
 * strict Content-Security-Policy. The harness also fails a test on any page error, CSP
 * violation or dialog.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { describeUi, useBrowser } from '../ui/harness.js';

/**
 * Markup that would set `window.__xss` (and open a dialog) if it ever became DOM. No double
 * quotes, so the JSON view shows it unescaped and the texts compare as they are.
 */
const payload = (where: string) =>
  `<img src=x onerror=window.__xss='${where}';alert('${where}')><script>window.__xss='${where}'</script><svg/onload=window.__xss='${where}'>`;

const TYPE = payload('type');
const TITLE = `</title>${payload('title')}`;

/** Nothing ran, and nothing the payloads hold exists as an element or handler in the page. */
async function expectInert(page: Page, where: string) {
  expect(
    await page.evaluate(() => (window as unknown as { __xss?: string }).__xss),
    `${where}: a payload ran`,
  ).toBeUndefined();
  const injected = await page.evaluate(() =>
    [...document.querySelectorAll('img, iframe, object, embed, script:not([src]), [onerror], [onload], [srcdoc]')].map(
      (e) => e.outerHTML.slice(0, 80),
    ),
  );
  expect(injected, `${where}: elements made from job content`).toEqual([]);
}

/** A queue with a failed job whose every field carries markup, and a complete one whose result does. */
async function hostileQueue(): Promise<{ queue: Queue; failedId: number; completeId: number }> {
  const queue = testQueue({ maintenance: false, disableSearch: false });
  queue.process(TYPE, async (job) => {
    job.log(payload('log'));
    job.progress(1, 2, { note: payload('progress') });
    const err = new Error(payload('error'));
    err.stack = `Error: ${payload('stack')}\n    at hostile (${payload('frame')}:1:1)`;
    throw err;
  });
  queue.process('report', async () => ({ html: payload('result') }));
  const failed = await queue
    .create(TYPE, { html: payload('data'), [payload('key')]: [payload('item')], needle: 'haystack' })
    .save();
  const complete = await queue.create('report', { title: 'fine' }).save();
  await waitFor(
    async () => (await queue.failedCount()) === 1 && (await queue.completeCount()) === 1,
    10_000,
    'the jobs to finish',
  );
  return { queue, failedId: failed.id!, completeId: complete.id! };
}

describeUi('scenario 18: job content is rendered as text', () => {
  const { serve, open } = useBrowser();

  it('the HTML page carries a strict CSP; the title option and the types on the overview are text', async () => {
    const { queue } = await hostileQueue();
    const { url } = await serve(queue, { title: TITLE });
    const page = await open(url);
    const res = await page.goto(url);
    const csp = res!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res!.headers()['x-content-type-options']).toBe('nosniff');

    const typeCell = page.locator('tr[data-type] th').filter({ hasText: '<img' });
    await typeCell.waitFor();
    expect(await typeCell.textContent()).toBe(TYPE);
    expect((await page.title()).endsWith(TITLE), await page.title()).toBe(true);
    // Escaped by the server in the page itself, before any script runs.
    const html = await res!.text();
    expect(html).toContain('<title>&lt;/title&gt;&lt;img src=x onerror=window.__xss=&#39;title&#39;;');
    expect(html).not.toContain("window.__xss='title'");
    expect(await page.locator('.brand-title').textContent()).toBe(TITLE);
    await expectInert(page, 'overview');
  });

  it('a job saved while the overview is open arrives live, its type still text', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('plain').save();
    const { url } = await serve(queue);
    const page = await open(url);
    await page.locator('tr[data-type="plain"]').waitFor();
    await queue.create(payload('live'), { html: payload('live-data') }).save();
    const cell = page.locator('tr[data-type] th').filter({ hasText: 'live' });
    await cell.waitFor({ timeout: 10_000 });
    expect(await cell.textContent()).toBe(payload('live'));
    await expectInert(page, 'live update');
  });

  it('the failed list filtered by the type: the filter, the rows and their error previews are text', async () => {
    const { queue, failedId } = await hostileQueue();
    const { url } = await serve(queue);
    const page = await open(`${url}failed?type=${encodeURIComponent(TYPE)}`);
    const row = page.locator(`[data-id="${failedId}"]`);
    await row.waitFor();
    expect(await row.locator('.type-chip').textContent()).toBe(TYPE);
    expect(await row.textContent()).toContain(payload('error'));
    const filter = page.getByTestId('type-filter');
    expect(await filter.inputValue()).toBe(TYPE);
    expect(await filter.locator('option:checked').textContent()).toBe(TYPE);
    await expectInert(page, 'failed list');
  });

  it('the job panel: data (keys and values), log, error, stack and progress data are text', async () => {
    const { queue, failedId } = await hostileQueue();
    const { url } = await serve(queue);
    const page = await open(`${url}failed?job=${failedId}`);
    const detail = page.getByTestId('job-detail');
    await detail.getByTestId('log').locator('li').first().waitFor();
    await detail.getByRole('button', { name: 'Expand all' }).first().click();
    expect(await detail.locator('.type-chip').textContent()).toBe(TYPE);
    const data = await detail.getByTestId('job-data').textContent();
    for (const part of ['data', 'key', 'item']) expect(data, part).toContain(payload(part));
    expect(await detail.getByTestId('log').locator('li').allTextContents()).toEqual([payload('log')]);
    expect(await detail.getByTestId('job-error-text').textContent()).toBe(payload('error'));
    const progress = detail.locator('section[aria-labelledby="detail-progress-data"]');
    expect(await progress.textContent()).toContain(payload('progress'));
    const attempt = detail.getByTestId('attempt').first();
    await attempt.getByText('Stack trace').click();
    const stack = await attempt.locator('pre.stack').textContent();
    expect(stack).toContain(payload('stack'));
    expect(stack).toContain(payload('frame'));
    expect(await attempt.locator('pre.stack').isVisible()).toBe(true);
    await expectInert(page, 'job panel');
  });

  it('a job result is text', async () => {
    const { queue, completeId } = await hostileQueue();
    const { url } = await serve(queue);
    const page = await open(`${url}complete?job=${completeId}`);
    const result = page.getByTestId('job-result');
    await result.waitFor();
    await expect.poll(() => result.textContent()).toContain(payload('result'));
    await expectInert(page, 'result');
  });

  it('markup typed into the search box is shown as text in the list heading and the box', async () => {
    const { queue } = await hostileQueue();
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    const box = page.getByRole('searchbox', { name: 'Search jobs' });
    await box.fill(payload('search'));
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(payload('search'));
    const heading = page.locator('h1, h2').filter({ hasText: 'matching' }).first();
    await heading.waitFor();
    expect(await heading.textContent()).toContain(`matching “${payload('search')}”`);
    expect(await box.inputValue()).toBe(payload('search'));
    // Opened from a link (the URL carries the query), the same.
    await page.goto(`${url}all?q=${encodeURIComponent(payload('link'))}`);
    await page.locator('h1, h2').filter({ hasText: 'matching' }).first().waitFor();
    expect(await page.locator('h1, h2').filter({ hasText: 'matching' }).first().textContent()).toContain(
      payload('link'),
    );
    await expectInert(page, 'search');
  });
});
