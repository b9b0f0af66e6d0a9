/**
 * One job: data as collapsible JSON with copy, every attempt, the timeline and the log
 * followed live; job content always rendered as text; huge payloads truncated; jumping
 * to a job by id; and the actions on one job, each answering visibly.
 */
import { expect, it } from 'vitest';
import { redisClient, testQueue, waitFor } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

const XSS = '<img src=x onerror="window.__xss=1;alert(1)">';

describeUi('dashboard job detail', () => {
  const { serve, open } = useBrowser();

  it('renders job content as text, never as HTML: data, error, log and the title', async () => {
    const queue = testQueue({ maintenance: false });
    queue.process('hostile', async (job) => {
      job.log(XSS);
      throw new Error(`failed on ${XSS}`);
    });
    const job = await queue.create('hostile', { html: XSS, nested: { [XSS]: [XSS] } }).save();
    await waitFor(async () => (await queue.failedCount()) === 1);
    const { url, app } = await serve(queue);
    app.set('title', `</title><script>window.__xss=2</script>${XSS}`);
    const page = await open(`${url}failed`);
    const row = page.locator(`[data-id="${job.id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('failed on <img src=x onerror=');
    await row.getByRole('link').click();
    const detail = page.getByTestId('job-detail');
    await detail.getByTestId('log').waitFor();
    await detail.getByRole('button', { name: 'Expand all' }).click();
    expect(await detail.getByTestId('job-data').textContent()).toContain(XSS);
    expect(await detail.getByTestId('log').textContent()).toContain(XSS);
    expect(await detail.getByTestId('job-error-text').textContent()).toBe(`failed on ${XSS}`);
    expect(await page.title()).toContain(`</title><script>window.__xss=2</script>${XSS}`);
    // Nothing ran and no element came out of the payload.
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#app img, script:not([src])').count()).toBe(0);
  });

  it('shows every attempt with its start, end, error and stack, the timeline, result and log', async () => {
    const queue = testQueue({ maintenance: false });
    let tries = 0;
    let workerId = '';
    queue.process('flaky', async (job, ctx) => {
      workerId = ctx.id;
      tries++;
      job.log(`try ${tries}`);
      if (tries < 3) throw new Error(`boom ${tries}`);
      return { ok: true, tries };
    });
    const job = await queue.create('flaky', { n: 1 }).attempts(3).save();
    await waitFor(async () => (await queue.completeCount()) === 1);
    const { url } = await serve(queue);
    const page = await open(`${url}complete?job=${job.id}`);
    const detail = page.getByTestId('job-detail');
    await detail.getByTestId('attempts').waitFor();
    const attempts = detail.getByTestId('attempt');
    await expect.poll(() => attempts.count()).toBe(3);
    expect(await attempts.nth(0).textContent()).toMatch(/Attempt 1.*Failed.*→.*boom 1/s);
    expect(await attempts.nth(1).textContent()).toMatch(/Attempt 2.*Failed.*→.*boom 2/s);
    expect(await attempts.nth(2).textContent()).toMatch(/Attempt 3.*Complete/s);
    await attempts.nth(0).getByText('Stack trace').click();
    expect(await attempts.nth(0).locator('pre').textContent()).toMatch(/Error: boom 1\n\s+at /);
    const timeline = await detail.getByTestId('timeline').textContent();
    for (const moment of ['Created', 'Attempt 1 failed', 'Attempt 2 failed', 'Completed', 'Duration'])
      expect(timeline).toContain(moment);
    expect(await detail.getByTestId('job-result').textContent()).toContain('tries');
    expect(await detail.getByTestId('log').locator('li').allTextContents()).toEqual(['try 1', 'try 2', 'try 3']);
    expect(await detail.getByTestId('job-state').textContent()).toBe('Complete');
    expect(await detail.getByTestId('job-worker').textContent()).toBe(workerId);
  });

  it("names the job's unique key, and how long it is held after the save when it has a ttl", async () => {
    const queue = testQueue({ maintenance: false });
    const held = await queue.create('sync', { user: 7 }).unique('sync:7').save();
    const throttled = await queue.create('digest', { user: 7 }).unique('digest:<7>', { ttl: 3_600_000 }).save();
    const plain = await queue.create('plain', {}).save();
    const { url } = await serve(queue);
    const page = await open(`${url}inactive?job=${held.id}`);
    await expect.poll(() => page.getByTestId('job-unique').textContent()).toBe('“sync:7”');
    await page.goto(`${url}inactive?job=${throttled.id}`);
    await expect
      .poll(() => page.getByTestId('job-unique').textContent())
      .toBe('“digest:<7>”, held 1 h 0 min after its save');
    await page.goto(`${url}inactive?job=${plain.id}`);
    await page.getByTestId('job-facts').waitFor();
    await expect.poll(() => page.getByTestId('job-state').count()).toBe(1);
    expect(await page.getByTestId('job-unique').count()).toBe(0);
  });

  it('follows the log and progress of a running job live', async () => {
    const queue = testQueue({ maintenance: false });
    let next: () => void = () => undefined;
    queue.process('long', async (job) => {
      for (let i = 1; i <= 3; i++) {
        await new Promise<void>((r) => (next = r));
        job.log(`step ${i}`);
        job.progress(i, 3);
      }
      await new Promise<void>((r) => (next = r));
    });
    const job = await queue.create('long').save();
    await waitFor(async () => (await queue.activeCount()) === 1);
    const { url } = await serve(queue);
    const page = await open(`${url}active?job=${job.id}`);
    const detail = page.getByTestId('job-detail');
    await detail.getByText('Following live').waitFor();
    for (let i = 1; i <= 3; i++) {
      next();
      await expect
        .poll(() => detail.locator('[data-testid="log"] li').allTextContents(), { timeout: 5_000 })
        .toEqual(Array.from({ length: i }, (_, k) => `step ${k + 1}`));
    }
    await expect.poll(() => detail.locator('.facts [role="progressbar"]').getAttribute('aria-valuenow')).toBe('100');
    next();
    await expect.poll(() => detail.getByTestId('job-state').textContent()).toBe('Complete');
    expect(await detail.getByText('Following live').count()).toBe(0);
  });

  it('truncates huge payloads with "show all" and opens them without freezing the page', async () => {
    const queue = testQueue({ maintenance: false });
    const big = {
      text: 'x'.repeat(300_000),
      items: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `item ${i}` })),
    };
    const job = await queue.create('big', big).save();
    const { url } = await serve(queue);
    const page = await open(`${url}inactive`);
    const row = page.locator(`[data-id="${job.id}"]`);
    await row.waitFor();
    // The row's preview is a few hundred characters, not the megabyte.
    expect((await row.locator('.row-preview').textContent())!.length).toBeLessThan(200);
    const started = Date.now();
    await row.getByRole('link').click();
    const data = page.getByTestId('job-data');
    await data.getByRole('button', { name: 'Show all 300,000 characters' }).waitFor();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await data.textContent())!.length).toBeLessThan(5_000);
    // Long lists show their first hundred items.
    await data.getByRole('button', { name: /19,900 more items · Show all 20,000/ }).waitFor();
    expect(await data.locator('.j-children .j-children > li').count()).toBeLessThanOrEqual(101);
    // The page still answers at once.
    const ping = Date.now();
    await page.evaluate(() => 1);
    expect(Date.now() - ping).toBeLessThan(500);
    await data.getByRole('button', { name: 'Show all 300,000 characters' }).click();
    await data.getByRole('button', { name: 'Show less' }).waitFor();
  });

  it('copies job data as JSON', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('email', { to: 'tj@example.com', tags: ['a', 'b'] }).save();
    const { url } = await serve(queue);
    const page = await open(`${url}inactive?job=${job.id}`, { permissions: ['clipboard-read', 'clipboard-write'] });
    await page.getByRole('button', { name: 'Copy Data as JSON' }).click();
    await page.getByTestId('toast-success').filter({ hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toEqual({ to: 'tj@example.com', tags: ['a', 'b'] });
  });

  it('jumps to a job by id from the search box', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('email', { to: 'x' }).save();
    const { url } = await serve(queue);
    const page = await open(url);
    await page.getByRole('searchbox', { name: 'Search jobs' }).fill(`#${job.id}`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Job #${job.id}` }).waitFor();
    expect(new URL(page.url()).searchParams.get('job')).toBe(String(job.id));
    await page.getByTestId('job-close').click();
    await page.getByRole('searchbox', { name: 'Search jobs' }).fill('999999');
    await page.keyboard.press('Enter');
    await page.getByTestId('job-error').filter({ hasText: 'Job #999999 does not exist' }).waitFor();
  });

  it('retries, promotes, reprioritizes and removes one job, each answering visibly', async () => {
    const queue = testQueue({ maintenance: false });
    const failed = await queue.create('email').save();
    await failed.failed();
    const delayed = await queue.create('email').delay(3_600_000).save();
    const { url } = await serve(queue);
    const page = await open(`${url}failed?job=${failed.id}`);
    await page.getByTestId('job-retry').click();
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${failed.id} is inactive again` })
      .waitFor();
    await expect.poll(async () => (await queue.getJob(failed.id!)).state()).toBe('inactive');
    await expect.poll(() => page.getByTestId('job-state').textContent()).toBe('Inactive');

    await page.getByTestId('job-priority').selectOption('-10');
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${failed.id}: priority high` })
      .waitFor();
    expect((await queue.getJob(failed.id!)).priority()).toBe(-10);

    await page.goto(`${url}delayed?job=${delayed.id}`);
    await page.getByTestId('job-promote').click();
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${delayed.id} promoted` })
      .waitFor();
    await expect.poll(async () => (await queue.getJob(delayed.id!)).state()).toBe('inactive');
    // The remove names the state the page shows: wait until it shows the promoted job's.
    await expect.poll(() => page.getByTestId('job-state').textContent()).toBe('Inactive');

    await page.getByTestId('job-remove').click();
    expect(await page.getByTestId('confirm').textContent()).toContain(`Remove job #${delayed.id}?`);
    await page.getByTestId('confirm-ok').click();
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${delayed.id} removed` })
      .waitFor();
    await expect(queue.getJob(delayed.id!)).rejects.toThrow(/does not exist/);
    await page.getByTestId('job-detail').waitFor({ state: 'detached' });
  });

  it("shows the server's error message when an action fails", async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('email').save();
    const { url } = await serve(queue);
    const page = await open(`${url}inactive?job=${job.id}`);
    await page.getByTestId('job-remove').waitFor();
    // Gone behind the dashboard's back, without an event: the server refuses the removal.
    await redisClient().del(queue.store.keys.job(job.id!));
    await page.getByTestId('job-remove').click();
    await page.getByTestId('confirm-ok').click();
    const error = page.getByTestId('toast-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(`Failed: job ${job.id} does not exist`);
  });

  it('an action on a job that moved on meanwhile is refused, and the job is left with its worker', async () => {
    const queue = testQueue({ maintenance: false });
    const job = await queue.create('email').delay(3_600_000).save();
    const { url } = await serve(queue);
    const page = await open(`${url}delayed?job=${job.id}`);
    await page.getByTestId('job-promote').waitFor();
    // The job becomes active (as if a worker took it) while the click is on its way.
    let lock: string | undefined;
    await page.route('**/promote*', async (route) => {
      await queue.store.move(job.id!, 'inactive', 60_000);
      const { taken } = await queue.store.take({ type: 'email', count: 1, workerId: 'w', lockDuration: 60_000 });
      lock = taken[0]?.lock;
      await route.continue();
    });
    await page.getByTestId('job-promote').click();
    const error = page.getByTestId('toast-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(`Failed: job ${job.id} is active, not delayed: it was left as it is`);
    const after = await queue.getJob(job.id!);
    expect(after.state()).toBe('active');
    expect(after._lock).toBe(lock);
    expect(lock).toMatch(/^w/);
  });
});
