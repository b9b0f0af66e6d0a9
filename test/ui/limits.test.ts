/**
 * The Limits page: each limited type with its rate, concurrency, use and a handler's hold;
 * the form sets and edits limits, the server's message answers a bad value, a row's limits
 * are removed after a confirmation; read-only shows the table alone.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Job } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

/** Fills the form's fields that are given (an empty string empties one) and saves. */
async function submitLimits(
  page: Page,
  fields: { type?: string; max?: string; duration?: string; unit?: string; concurrency?: string },
) {
  if (fields.type !== undefined) await page.getByTestId('limits-type').fill(fields.type);
  if (fields.max !== undefined) await page.getByTestId('limits-rate-max').fill(fields.max);
  if (fields.duration !== undefined) await page.getByTestId('limits-rate-duration').fill(fields.duration);
  if (fields.unit !== undefined) await page.getByTestId('limits-rate-unit').selectOption(fields.unit);
  if (fields.concurrency !== undefined) await page.getByTestId('limits-concurrency').fill(fields.concurrency);
  await page.getByTestId('limits-save').click();
}

const text = (page: Page, testId: string) => page.getByTestId(testId).textContent();
const focusedTestId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid);

describeUi('dashboard limits', () => {
  const { serve, open } = useBrowser();

  it('sets a type’s limits through the form, shows them in the table and in queue.limits(), and edits them', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.create('email', {}).save();
    const { url } = await serve(queue, { prefix: '/kue' });
    const page = await open(url);
    await page.getByTestId('nav-limits').click();
    await expect.poll(() => page.title()).toBe('Limits · Kue');
    expect(page.url()).toBe(`${url}limits`);
    await page.getByTestId('limits-empty').waitFor();
    // The form offers the queue's known types.
    await expect.poll(() => page.locator('#limits-known-types option[value="email"]').count()).toBe(1);

    await submitLimits(page, { type: 'email', max: '100', duration: '1', concurrency: '20' });
    await page.getByTestId('toast-success').filter({ hasText: 'Limits of “email” saved' }).waitFor();
    await expect.poll(() => text(page, 'limits-rate-email')).toBe('100 per 1 s');
    expect(await text(page, 'limits-concurrency-email')).toBe('20');
    expect(await text(page, 'limits-active-email')).toBe('0 / 20');
    expect(await text(page, 'limits-starts-email')).toBe('0 / 100');
    expect(await queue.limits()).toEqual([
      {
        type: 'email',
        rate: { max: 100, duration: 1_000 },
        concurrency: 20,
        group: null,
        heldUntil: null,
        active: 0,
        recentStarts: 0,
      },
    ]);
    // The form is empty again, ready for the next type, with the focus in it.
    expect(await page.getByTestId('limits-type').inputValue()).toBe('');
    expect(await focusedTestId(page)).toBe('limits-type');

    // Edit fills the form with the row's values; an emptied field removes that limit.
    await page.getByRole('button', { name: 'Edit the limits of “email”' }).click();
    await page.getByRole('heading', { name: 'Edit the limits of “email”' }).waitFor();
    expect(await focusedTestId(page)).toBe('limits-type');
    expect(await page.getByTestId('limits-type').inputValue()).toBe('email');
    expect(await page.getByTestId('limits-rate-max').inputValue()).toBe('100');
    expect(await page.getByTestId('limits-rate-duration').inputValue()).toBe('1');
    expect(await page.getByTestId('limits-rate-unit').inputValue()).toBe('s');
    expect(await page.getByTestId('limits-concurrency').inputValue()).toBe('20');
    await submitLimits(page, { duration: '1.5', concurrency: '' });
    await expect.poll(() => text(page, 'limits-rate-email')).toBe('100 per 1,500 ms');
    expect(await text(page, 'limits-concurrency-email')).toBe('—none');
    expect(await page.getByRole('heading', { name: 'Set limits' }).count()).toBe(1);
    const [email] = await queue.limits();
    expect([email!.rate, email!.concurrency]).toEqual([{ max: 100, duration: 1_500 }, null]);

    // Typing a type that has limits says that saving replaces them.
    await page.getByTestId('limits-type').fill('email');
    expect(await text(page, 'limits-replaces')).toBe('“email” has limits already: saving replaces them.');
  });

  it('shows the server’s message for a bad value and changes nothing', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('email', { concurrency: 5 });
    const { url } = await serve(queue);
    const page = await open(`${url}limits`);
    await expect.poll(() => text(page, 'limits-concurrency-email')).toBe('5');
    const before = await queue.limits();
    const apiMessage = (options: object) =>
      queue.limit('email', options).then(
        () => 'accepted',
        (err: Error) => err.message,
      );

    await submitLimits(page, { type: 'email', concurrency: '0' });
    const zero = await apiMessage({ concurrency: 0 });
    expect(zero).toMatch(/concurrency/);
    await page
      .getByTestId('toast-error')
      .filter({ hasText: `Failed: ${zero}` })
      .waitFor();

    // A rate without its window: the form sends what it has, the server names what is missing.
    await submitLimits(page, { concurrency: '5', max: '10', duration: '' });
    const noWindow = await apiMessage({ rate: { max: 10 } });
    expect(noWindow).toMatch(/duration/);
    await page
      .getByTestId('toast-error')
      .filter({ hasText: `Failed: ${noWindow}` })
      .waitFor();

    expect(await queue.limits()).toEqual(before);
    // The form keeps what was typed, to be corrected.
    expect(await page.getByTestId('limits-rate-max').inputValue()).toBe('10');
    expect(await text(page, 'limits-rate-email')).toBe('—none');
  });

  it('removes a type’s limits after the confirmation, and leaves them when it is cancelled', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('email', { rate: { max: 10, duration: 60_000 }, concurrency: 2 });
    await queue.limit('sms', { concurrency: 1 });
    const { url } = await serve(queue);
    const page = await open(`${url}limits`);
    await expect.poll(() => text(page, 'limits-rate-email')).toBe('10 per 1 min');

    await page.getByRole('button', { name: 'Remove the limits of “email”' }).click();
    expect(await text(page, 'confirm')).toContain('Remove the limits of “email”?');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('confirm').waitFor({ state: 'hidden' });
    expect((await queue.limits()).map((l) => l.type)).toEqual(['email', 'sms']);

    await page.getByRole('button', { name: 'Remove the limits of “email”' }).click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('toast-success').filter({ hasText: '“email” has no limits now' }).waitFor();
    await expect.poll(() => page.getByTestId('limits-email').count()).toBe(0);
    expect((await queue.limits()).map((l) => l.type)).toEqual(['sms']);
    // The removed row's button is gone: the focus stays on the page, on the table.
    expect(await focusedTestId(page)).toBe('limits-card');
  });

  it('shows the limits of each group of a type, and the form keeps them when it saves the type’s own', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('webhook', { group: { rate: { max: 5, duration: 1_000 }, concurrency: 2 } });
    const { url } = await serve(queue);
    const page = await open(`${url}limits`);
    // A type limited only per group is listed: its own rate and concurrency are none.
    await expect.poll(() => text(page, 'limits-group-webhook')).toBe('5 per 1 s, at most 2 at once');
    expect(await text(page, 'limits-concurrency-webhook')).toBe('—none');
    await page.getByTestId('limits-edit-webhook').click();
    expect(await text(page, 'limits-group-note')).toContain('(5 per 1 s, at most 2 at once) stay as they are');
    await submitLimits(page, { concurrency: '10' });
    await expect.poll(() => text(page, 'limits-concurrency-webhook')).toBe('10');
    const [webhook] = await queue.limits();
    expect([webhook!.concurrency, webhook!.group]).toEqual([10, { rate: { max: 5, duration: 1_000 }, concurrency: 2 }]);
    expect(await text(page, 'limits-group-webhook')).toBe('5 per 1 s, at most 2 at once');
  });

  it('the overview marks a type with limits, with the limits in words, linking to the Limits page', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.saveAll([queue.create('email', {}), queue.create('sms', {}), queue.create('push', {})]);
    await queue.limit('email', { rate: { max: 100, duration: 1_000 }, concurrency: 20 });
    await queue.limit('push', { group: { concurrency: 2 } });
    const { url } = await serve(queue);
    const page = await open(url);
    const badge = page.getByRole('link', { name: 'Limited: “email”, 100 per 1 s, at most 20 at once' });
    await badge.waitFor();
    expect(await page.getByTestId('type-status-email').textContent()).toBe('Running');
    expect(await page.getByTestId('type-limited-sms').count()).toBe(0);
    expect(await page.getByTestId('type-limited-push').getAttribute('aria-label')).toBe(
      'Limited: “push”, each group: at most 2 at once',
    );
    await badge.click();
    await expect.poll(() => page.title()).toBe('Limits · Kue');
    expect(await page.getByTestId('nav-limits').getAttribute('aria-current')).toBe('page');
  });

  it('read-only: shows the table without the form and the buttons', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('email', { concurrency: 3 });
    const { url } = await serve(queue, { readOnly: true });
    const page = await open(`${url}limits`);
    await expect.poll(() => text(page, 'limits-active-email')).toBe('0 / 3');
    expect(await page.getByTestId('limits-form').count()).toBe(0);
    expect(await page.getByTestId('limits-edit-email').count()).toBe(0);
    expect(await page.getByTestId('limits-remove-email').count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
  });

  it('shows the jobs of a type running now against its concurrency, its starts in the window, and a handler’s hold', async () => {
    const queue = testQueue({ maintenance: false });
    await queue.limit('resize', { rate: { max: 10, duration: 60_000 }, concurrency: 3 });
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    queue.process('resize', 2, () => running);
    let held = false;
    queue.process('api', async (_job: Job, ctx) => {
      held = true;
      return ctx.rateLimit(60_000);
    });
    await queue.saveAll([queue.create('resize', {}), queue.create('resize', {}), queue.create('api', {})]);
    try {
      await waitFor(async () => (await queue.activeCount('resize')) === 2 && held);
      const { url } = await serve(queue, { readOnly: true });
      const page = await open(`${url}limits`);
      await expect.poll(() => text(page, 'limits-active-resize')).toBe('2 / 3');
      expect(await text(page, 'limits-starts-resize')).toBe('2 / 10');
      expect(await text(page, 'limits-held-resize')).toBe('—none');
      // The hold: a time about a minute ahead, its exact instant in the markup.
      const heldUntil = (await queue.limits()).find((l) => l.type === 'api')!.heldUntil!;
      const time = page.getByTestId('limits-held-api').locator('time');
      expect(await time.getAttribute('datetime')).toBe(heldUntil.toISOString());
      expect(await time.textContent()).toMatch(/^in (\d+ sec|1 min)/);
      expect(await text(page, 'limits-rate-api')).toBe('—none');
    } finally {
      release();
    }
  });
});
