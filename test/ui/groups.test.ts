/**
 * The Groups page: a type's groups, the largest first, with their inactive and active jobs;
 * pause and resume per group through the page, as queue.groups sees them; read-only shows no
 * buttons; a type with more groups than the server lists says so; the job panel and the
 * list rows show a job's group.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { describeUi, pageFetch, rowsFit, useBrowser } from './harness.js';

const text = (page: Page, testId: string) => page.getByTestId(testId).textContent();

/** The groups in the page's table, in its order, with what each row says. */
function tableRows(page: Page) {
  return page.locator('[data-testid="groups-table"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => {
      const cells = [...r.children].map((c) => c.textContent);
      const paused = r.querySelector('.group-name .badge')?.textContent === 'Paused';
      return { group: r.querySelector('.group-key')!.textContent, inactive: cells[1], active: cells[2], paused };
    }),
  );
}

/**
 * Three groups of "webhook" (6, 3 and 1 jobs) and a worker that holds on to the two jobs it
 * takes until `release()`, so some of them are active; and a type without groups.
 */
async function groupedQueue(queue: Queue) {
  let release!: () => void;
  const running = new Promise<void>((resolve) => (release = resolve));
  await queue.saveAll([
    ...Array.from({ length: 6 }, (_, i) => queue.create('webhook', { n: i }).group('big')),
    ...Array.from({ length: 3 }, (_, i) => queue.create('webhook', { n: i }).group('mid')),
    queue.create('webhook', { n: 0 }).group('small'),
    queue.create('email', { to: 'ada' }),
  ]);
  queue.process('webhook', 2, () => running);
  await waitFor(async () => (await queue.activeCount('webhook')) === 2, 5_000, 'two active webhooks');
  return release;
}

describeUi('dashboard groups', () => {
  const { serve, open } = useBrowser();

  it('lists the groups of a chosen type, the largest first, and pauses and resumes one, as queue.groups sees it', async () => {
    const queue = testQueue({ maintenance: false });
    const release = await groupedQueue(queue);
    // A paused group without jobs is listed too (last), until it is resumed.
    await queue.pauseGroup('webhook', 'idle');
    try {
      const { url } = await serve(queue, { prefix: '/kue' });
      const page = await open(url);
      await page.getByTestId('nav-groups').click();
      await expect.poll(() => page.title()).toBe('Groups · Kue');
      await page.getByTestId('groups-choose').waitFor();
      await page.getByTestId('groups-type').selectOption('webhook');
      expect(page.url()).toBe(`${url}groups?type=webhook`);

      // The page says what queue.groups says, row for row: the largest first.
      const groups = await queue.groups('webhook');
      expect(groups.map((g) => g.group)).toEqual(['big', 'mid', 'small', 'idle']);
      expect(groups.reduce((sum, g) => sum + g.active, 0)).toBe(2);
      await expect
        .poll(() => tableRows(page))
        .toEqual(
          groups.map((g) => ({
            group: g.group,
            inactive: String(g.waiting),
            active: String(g.active),
            paused: g.group === 'idle',
          })),
        );
      expect(await text(page, 'groups-count')).toBe('4 groups');

      // Pause with the keyboard: the group is paused in the queue and marked; focus stays.
      const pause = page.getByRole('button', { name: 'Pause group “mid” of “webhook”' });
      await pause.focus();
      await page.keyboard.press('Enter');
      await page
        .getByTestId('toast-success')
        .filter({ hasText: 'Workers stopped taking the jobs of group “mid”' })
        .waitFor();
      await expect.poll(async () => (await queue.groups('webhook')).find((g) => g.group === 'mid')?.paused).toBe(true);
      await expect.poll(() => text(page, 'group-paused-mid')).toBe('Paused');
      expect(await page.getByTestId('group-paused-big').count()).toBe(0);
      const resume = page.getByRole('button', { name: 'Resume group “mid” of “webhook”' });
      expect(await resume.evaluate((b) => b === document.activeElement)).toBe(true);

      // The filter narrows the rows and is kept in the URL.
      await page.getByTestId('groups-filter').fill('MI');
      await expect.poll(() => tableRows(page).then((rows) => rows.map((r) => r.group))).toEqual(['mid']);
      expect(await text(page, 'groups-count')).toBe('1 of 4 groups matching “MI”');
      expect(new URL(page.url()).searchParams.get('group')).toBe('MI');

      await resume.click();
      await page
        .getByTestId('toast-success')
        .filter({ hasText: 'Workers take the jobs of group “mid” again' })
        .waitFor();
      await expect.poll(async () => (await queue.groups('webhook')).find((g) => g.group === 'mid')?.paused).toBe(false);
      await expect.poll(() => page.getByTestId('group-paused-mid').count()).toBe(0);

      // Resumed, the empty group is no longer listed: its button goes, the focus stays on the card.
      await page.getByTestId('groups-filter').fill('');
      await page.getByRole('button', { name: 'Resume group “idle” of “webhook”' }).click();
      await expect.poll(() => page.getByTestId('group-idle').count()).toBe(0);
      expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe('groups-card');
      expect((await queue.groups('webhook')).map((g) => g.group)).toEqual(['big', 'mid', 'small']);

      // A type without groups says so.
      await page.getByTestId('groups-type').selectOption('email');
      await page.getByTestId('groups-empty').waitFor();
      expect(await page.getByTestId('groups-filter').inputValue()).toBe('');
    } finally {
      release();
    }
  });

  it('read-only: lists the groups without buttons, and the Limits page links a type’s group limits to them', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll([queue.create('webhook', {}).group('a'), queue.create('webhook', {}).group('b')]);
    await queue.pauseGroup('webhook', 'b');
    await queue.limit('webhook', { group: { concurrency: 2 } });
    const { url } = await serve(queue, { readOnly: true });
    const page = await open(`${url}limits`);
    await page.getByRole('link', { name: 'Each group of “webhook”: at most 2 at once. Show the groups' }).click();
    await expect.poll(() => page.title()).toBe('Groups · Kue');
    expect(page.url()).toBe(`${url}groups?type=webhook`);
    await expect.poll(() => text(page, 'group-paused-b')).toBe('Paused');
    expect(await text(page, 'group-inactive-a')).toBe('1');
    expect(await page.getByRole('button', { name: /^(Pause|Resume) group/ }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    const refused = await pageFetch(page, 'api/groups/webhook/b/pause', { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect((await queue.groups('webhook')).find((g) => g.group === 'b')?.paused).toBe(true);
  });

  it('says so when a type has more groups than the server lists, and finds a listed one by name', async () => {
    const queue = testQueue({ maintenance: false });
    // 1,001 groups of one job each: the server lists 1,000 of them (ties go by name).
    await queue.saveAll(
      Array.from({ length: 1_001 }, (_, i) => queue.create('webhook', {}).group(`g-${String(i).padStart(4, '0')}`)),
    );
    const { url } = await serve(queue);
    const page = await open(`${url}groups?type=webhook&group=g-099`);
    await page.getByTestId('groups-cut').waitFor();
    expect(await text(page, 'groups-cut')).toContain('Only the 1,000 largest groups are listed');
    expect(await text(page, 'groups-count')).toBe('10 of 1,000 groups matching “g-099”');
    expect(await page.locator('[data-testid="groups-table"] tbody tr').count()).toBe(10);
    // The filter lives in the URL: emptied, every listed group is shown.
    await page.getByTestId('groups-filter').fill('');
    await expect.poll(() => text(page, 'groups-count')).toBe('1,000 groups');
    expect(new URL(page.url()).search).toBe('?type=webhook');
  });

  it('the job panel shows a job’s group, linking to it among its type’s groups; list rows show it and keep their height', async () => {
    const queue = testQueue({ maintenance: false });
    const long = `tenant-${'with-a-very-long-name-'.repeat(8)}end`;
    const grouped = await queue.create('webhook', { url: 'https://example.com/hook' }).group('tenant-42').save();
    const titled = await queue
      .create('webhook', { title: 'Order shipped', url: 'https://example.com' })
      .group(long)
      .save();
    const plain = await queue.create('webhook', { url: 'https://example.com/plain' }).save();
    const { url } = await serve(queue);

    const page = await open(`${url}inactive?job=${plain.id}`);
    await page.getByTestId('job-facts').waitFor();
    expect(await page.getByTestId('job-group').count()).toBe(0);
    await page.goto(`${url}inactive?job=${grouped.id}`);
    expect(await text(page, 'job-group')).toBe('tenant-42');
    await page.getByTestId('job-group').getByRole('link').click();
    await expect.poll(() => page.title()).toBe('Groups · Kue');
    expect(new URL(page.url()).search).toBe('?type=webhook&group=tenant-42');
    expect(await page.getByTestId('job-detail').count()).toBe(0);
    expect(await page.getByTestId('groups-filter').inputValue()).toBe('tenant-42');
    await expect.poll(() => text(page, 'group-inactive-tenant-42')).toBe('1');

    // The rows: the group at the start of the row's text, named for screen readers; a long
    // one is cut short, and no row grows taller, on a laptop or a phone, compact or detailed.
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      for (const rows of ['compact', 'detailed']) {
        await page.goto(`${url}inactive?rows=${rows}`);
        const row = page.locator(`[data-testid="job-list"] [data-id="${grouped.id}"]`);
        await row.waitFor();
        expect(await row.locator('.row-group').textContent()).toBe('Group tenant-42');
        expect(await page.locator(`[data-id="${plain.id}"] .row-group`).count()).toBe(0);
        const mark = page.locator(`[data-id="${titled.id}"] .row-group`);
        expect(await mark.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
        expect(
          (await rowsFit(page)).filter((r) => !r.fits),
          `${rows} ${viewport.width} px`,
        ).toEqual([]);
      }
    }
  });
});
