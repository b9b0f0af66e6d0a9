/**
 * State lists: cursor-paged infinite scrolling in a virtualized list whose DOM stays the
 * same size, type filter, order, compact/detailed rows, the URL as the view's state, and
 * progress bars that move live.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { testQueue } from '../support/setup.js';
import { describeUi, numberIn, useBrowser } from './harness.js';

/** Ids of the rows on screen, top to bottom. */
async function visibleIds(page: Page): Promise<number[]> {
  return page.locator('[data-testid="job-list"] [role="listitem"][data-id]').evaluateAll((rows) =>
    rows
      .map((r) => ({ id: Number((r as HTMLElement).dataset.id), index: Number((r as HTMLElement).dataset.index) }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.id),
  );
}

/** How many rows the list has loaded so far. */
const loaded = async (page: Page) => Number(await page.getByTestId('list-shown').getAttribute('data-loaded'));

describeUi('dashboard lists', () => {
  const { serve, open } = useBrowser();

  it('scrolls 10,000 jobs of a state with cursor paging while the DOM row count stays bounded', async () => {
    const queue = testQueue({ maintenance: false });
    for (let batch = 0; batch < 10; batch++) {
      await queue.saveAll(Array.from({ length: 1_000 }, (_, i) => queue.create('bulk', { n: batch * 1_000 + i })));
    }
    const { url } = await serve(queue);
    const page = await open(`${url}inactive`);
    await expect.poll(() => numberIn(page, 'list-total')).toBe(10_000);
    const scroller = page.getByTestId('list-scroll');
    let most = 0;
    let pages = 0;
    for (;;) {
      const rows = await page.locator('[data-testid="job-list"] [role="listitem"]').count();
      most = Math.max(most, rows);
      const shown = await loaded(page);
      if (shown >= 10_000) break;
      await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await expect.poll(() => loaded(page), { timeout: 10_000 }).toBeGreaterThan(shown);
      pages++;
    }
    // 800 px of 44 px rows and a few extra above and below: never the thousands loaded.
    expect(most).toBeLessThan(45);
    expect(pages).toBeGreaterThan(10);
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(async () => (await visibleIds(page)).at(-1)).toBe(10_000);
    const last = await visibleIds(page);
    expect(await page.locator('[data-testid="job-list"] [role="listitem"]').count()).toBeLessThan(45);
    // Every id was listed once, in order: the last rows are the newest ids.
    expect(last).toEqual(Array.from({ length: last.length }, (_, i) => 10_000 - last.length + 1 + i));
  });

  it('filters by type and sorts ascending or descending; the URL holds the view so it can be shared', async () => {
    const queue = testQueue({ maintenance: false });
    const ids: Record<string, number[]> = { email: [], sms: [] };
    for (const type of ['email', 'sms', 'email', 'sms', 'email']) {
      const job = await queue.create(type, { type }).save();
      await job.failed();
      ids[type]!.push(job.id!);
    }
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    await expect.poll(() => visibleIds(page).then((r) => r.length)).toBe(5);
    await page.getByTestId('type-filter').selectOption('email');
    await expect.poll(() => visibleIds(page)).toEqual([...ids.email!].reverse());
    expect(new URL(page.url()).searchParams.get('type')).toBe('email');
    expect(await numberIn(page, 'list-total')).toBe(3);

    await page.getByTestId('order').selectOption('asc');
    await expect.poll(() => visibleIds(page)).toEqual(ids.email);
    await page.getByTestId('rows-detailed').click();
    const shared = page.url();
    expect(new URL(shared).searchParams.toString()).toBe('type=email&order=asc&rows=detailed');

    // Opened elsewhere, the same URL shows the same view.
    const other = await open(shared);
    await expect.poll(() => visibleIds(other)).toEqual(ids.email);
    expect(await other.getByTestId('type-filter').inputValue()).toBe('email');
    expect(await other.getByTestId('order').inputValue()).toBe('asc');
    expect(await other.getByTestId('rows-detailed').getAttribute('aria-pressed')).toBe('true');
    // Back and forward move between views.
    await page.goBack();
    await expect.poll(() => visibleIds(page)).toEqual([...ids.email!].reverse());
  });

  it('toggles compact and detailed rows', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('email', { to: 'someone@example.com' }).attempts(3).save();
    await job.failed();
    const { url } = await serve(queue);
    const page = await open(`${url}failed`);
    const row = page.locator(`[data-id="${job.id}"]`);
    await row.waitFor();
    const compact = (await row.boundingBox())!.height;
    expect(await row.locator('.row-facts').count()).toBe(0);
    await page.getByTestId('rows-detailed').click();
    await expect.poll(async () => (await row.boundingBox())!.height).toBeGreaterThan(compact + 20);
    expect(await row.locator('.row-facts').textContent()).toMatch(/3 attempts allowed/);
    await page.getByTestId('rows-compact').click();
    await expect.poll(async () => (await row.boundingBox())!.height).toBe(compact);
    expect(new URL(page.url()).searchParams.has('rows')).toBe(false);
  });

  it("shows active jobs' progress bars moving and new active jobs, live", async () => {
    const queue = testQueue({ maintenance: false });
    let step: () => void = () => undefined;
    queue.process('video', async (job) => {
      for (const pct of [10, 45, 80]) {
        await new Promise<void>((r) => (step = r));
        job.progress(pct, 100);
      }
      await new Promise<void>((r) => (step = r));
    });
    const { url } = await serve(queue);
    const page = await open(`${url}active`);
    await page.getByTestId('list-empty').waitFor();
    const job = await queue.create('video').save();
    // The new active job appears without reload...
    const bar = page.locator(`[data-id="${job.id}"] [role="progressbar"]`);
    await bar.waitFor();
    for (const pct of ['10', '45', '80']) {
      step();
      // ...and its bar follows the progress the worker reports.
      await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe(pct);
    }
    step();
    await expect.poll(() => page.locator(`[data-id="${job.id}"]`).count()).toBe(0);
  });
});
