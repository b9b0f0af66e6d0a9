/**
 * The overview: every state's count, overall and per type, on one screen and live; Kue's
 * URLs; the live-updates indicator; pausing a type; the throughput charts.
 */
import { expect, it } from 'vitest';
import { testQueue, waitFor } from '../support/setup.js';
import { describeUi, numberIn, pageFetch, useBrowser } from './harness.js';

describeUi('dashboard overview', () => {
  const { serve, open } = useBrowser();

  it("opens under any mount path, and Kue's /active, /inactive, /failed, /complete, /delayed open the matching list", async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('email', { to: 'a' }).save();
    const { url } = await serve(queue, { prefix: '/kue', title: 'Jobs & more' });
    const page = await open(url);
    await expect.poll(() => page.title()).toBe('Overview · Jobs & more');
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(1);
    for (const state of ['active', 'inactive', 'failed', 'complete', 'delayed']) {
      await page.goto(`${url}${state}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(
        new RegExp(`^${state} jobs`, 'i'),
      );
      expect(await page.getByTestId(`nav-${state}`).getAttribute('aria-current')).toBe('page');
    }
    // A bare mount path is redirected to the folder, so the relative URLs resolve under it.
    await page.goto(url.slice(0, -1));
    expect(page.url()).toBe(url);
    await expect.poll(() => numberIn(page, 'nav-count-inactive')).toBe(1);
  });

  it("shows every state's count, overall and per type, and they change live without reload when jobs are added through the API", async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('email').save();
    await queue.create('report').delay(60_000).save();
    const { url } = await serve(queue);
    const page = await open(url);
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(1);
    expect(await numberIn(page, 'count-delayed')).toBe(1);
    expect(await numberIn(page, 'type-count-email-inactive')).toBe(1);
    expect(await numberIn(page, 'type-count-report-delayed')).toBe(1);
    // A marker that a reload would lose.
    await page.evaluate(() => Object.assign(window, { stillHere: true }));

    const created = await pageFetch(page, 'job', {
      method: 'POST',
      json: [{ type: 'email' }, { type: 'email' }, { type: 'sms' }],
    });
    expect(created.status).toBe(200);
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(4);
    await expect.poll(() => numberIn(page, 'type-count-email-inactive')).toBe(3);
    await expect.poll(() => page.getByTestId('type-count-sms-inactive').count()).toBe(1);
    expect(await numberIn(page, 'nav-count-inactive')).toBe(4);

    // A worker picks the sms job up and fails it: pushed too.
    queue.process('sms', async () => {
      throw new Error('no signal');
    });
    await expect.poll(() => numberIn(page, 'count-failed')).toBe(1);
    expect(await numberIn(page, 'count-inactive')).toBe(3);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  });

  it('paints its first counts in under a second on a local server', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll(Array.from({ length: 50 }, (_, i) => queue.create(`type-${i % 5}`, { i })));
    const { url } = await serve(queue);
    const page = await open(url);
    await page.getByTestId('count-inactive').filter({ hasText: '50' }).waitFor();
    const painted = await page.evaluate(() => performance.now());
    // performance.now() counts from the navigation's start.
    console.log(`first render (navigation start → counts painted): ${Math.round(painted)} ms`);
    expect(painted).toBeLessThan(1_000);
  });

  it('updates at most a few times a second however fast jobs come', async () => {
    const queue = testQueue({ maintenance: false });
    const { url } = await serve(queue);
    const page = await open(url);
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(0);
    await page.evaluate(() => {
      const target = document.querySelector('[data-testid="count-inactive"]')!;
      const w = window as unknown as { changes: number };
      w.changes = 0;
      new MutationObserver(() => w.changes++).observe(target, { childList: true, characterData: true, subtree: true });
    });
    const started = Date.now();
    for (let i = 0; i < 40; i++) {
      await queue.saveAll(Array.from({ length: 5 }, () => queue.create('burst')));
      await new Promise((r) => setTimeout(r, 25));
    }
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(200);
    const seconds = (Date.now() - started) / 1_000;
    const changes = await page.evaluate(() => (window as unknown as { changes: number }).changes);
    // 200 jobs in 40 saves; the server sends counts at most every 250 ms.
    expect(changes).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 2);
  });

  it('closes the live stream while the tab is hidden and reopens it when it shows again', async () => {
    const queue = testQueue({ maintenance: false });
    const served = await serve(queue);
    let streams = 0;
    served.server.on('request', (req, res) => {
      if (!req.url?.endsWith('/api/events')) return;
      streams++;
      res.on('close', () => streams--);
    });
    const page = await open(served.url);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    expect(streams).toBe(1);
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { value: h, configurable: true });
        Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await waitFor(() => streams === 0, 5_000, 'the event stream to close');
    await queue.create('while-hidden').save();
    await setHidden(false);
    await waitFor(() => streams === 1, 5_000, 'the event stream to reopen');
    // What happened while hidden shows once visible.
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(1);
  });

  it('shows a visible indicator when live updates are lost, and clears it when they come back', async () => {
    const queue = testQueue({ maintenance: false });
    const first = await serve(queue);
    const page = await open(first.url);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    await expect(page.getByTestId('live-lost').count()).resolves.toBe(0);
    // The charts' chunk has loaded: closing the server mid-load would fail it (that retries).
    await page.locator('.charts-placeholder').waitFor({ state: 'detached' });
    const port = Number(new URL(first.url).port);
    await first.close();
    await page.getByTestId('live-lost').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('live-lost').textContent()).toMatch(/live updates lost/i);

    await serve(queue, { port });
    await queue.create('after').save();
    await page.getByTestId('live-lost').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status')).toBe('live');
    await expect.poll(() => numberIn(page, 'count-inactive')).toBe(1);
  });

  it('pauses and resumes taking jobs of a type, in every worker', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('video').save();
    const { url } = await serve(queue);
    const page = await open(url);
    await page.getByRole('button', { name: 'Pause taking “video” jobs' }).click();
    await expect.poll(() => page.getByTestId('type-status-video').textContent()).toBe('Paused');
    expect(await queue.admin.pausedTypes()).toEqual(['video']);
    await page.getByTestId('toast-success').filter({ hasText: 'stopped taking “video” jobs' }).waitFor();
    await page.getByRole('button', { name: 'Resume taking “video” jobs' }).click();
    await expect.poll(() => page.getByTestId('type-status-video').textContent()).toBe('Running');
    expect(await queue.admin.pausedTypes()).toEqual([]);
  });

  it('charts completed and failed per minute and wait/run times, per type', async () => {
    const queue = testQueue({ maintenance: false });
    queue.process('ok', 5, async () => 'done');
    queue.process('bad', 5, async () => {
      throw new Error('nope');
    });
    await queue.saveAll([
      ...Array.from({ length: 6 }, () => queue.create('ok')),
      ...Array.from({ length: 2 }, () => queue.create('bad')),
    ]);
    await waitFor(async () => (await queue.completeCount()) === 6 && (await queue.failedCount()) === 2);
    const { url } = await serve(queue);
    const page = await open(url);
    await expect.poll(() => numberIn(page, 'total-complete')).toBe(6);
    expect(await numberIn(page, 'total-failed')).toBe(2);
    expect(await page.locator('.plot canvas').count()).toBe(2);
    await page.getByRole('button', { name: '6 h' }).click();
    expect(new URL(page.url()).searchParams.get('range')).toBe('360');
    // Per type: choosing a type in the table filters the charts.
    await page.getByRole('link', { name: 'bad', exact: true }).click();
    expect(new URL(page.url()).searchParams.get('type')).toBe('bad');
    await expect.poll(() => numberIn(page, 'total-complete')).toBe(0);
    expect(await numberIn(page, 'total-failed')).toBe(2);
  });
});
