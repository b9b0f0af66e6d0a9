/**
 * With read-only mode, or an auth function that refuses this user's writes, the dashboard
 * hides every mutating control and the routes behind them refuse; with HTTP basic auth the
 * browser's credentials open everything.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue } from '../support/setup.js';
import { describeUi, numberIn, pageFetch, useBrowser } from './harness.js';

async function fixture(queue: Queue) {
  const failed = await queue.create('email', { to: 'a' }).save();
  await failed.failed();
  await queue.create('email', { to: 'b' }).delay(3_600_000).save();
  return failed.id!;
}

async function expectNoMutatingControls(page: Page, url: string, failedId: number) {
  await expect.poll(() => numberIn(page, 'count-failed')).toBe(1);
  await page.getByTestId('read-only').waitFor();
  expect(await page.getByRole('button', { name: /^(Pause|Resume)/ }).count()).toBe(0);
  await page.goto(`${url}failed`);
  await page.locator(`[data-id="${failedId}"]`).waitFor();
  expect(await page.getByRole('checkbox').count()).toBe(0);
  expect(await page.getByTestId('bulk-bar').count()).toBe(0);
  await page.locator(`[data-id="${failedId}"]`).getByRole('link').click();
  await page.getByTestId('attempts').waitFor();
  expect(await page.getByTestId('job-actions').count()).toBe(0);
  expect(await page.getByRole('button', { name: /Retry|Remove|Promote/ }).count()).toBe(0);
}

describeUi('dashboard with read-only or auth', () => {
  const { serve, open } = useBrowser();

  it('read-only: hides every mutating control, and the routes refuse', async () => {
    const queue = testQueue({ maintenance: false });
    const failedId = await fixture(queue);
    const { url } = await serve(queue, { readOnly: true });
    const page = await open(url);
    await expectNoMutatingControls(page, url, failedId);
    const writes: Array<[method: string, path: string]> = [
      ['DELETE', `job/${failedId}`],
      ['PUT', `job/${failedId}/state/inactive`],
      ['POST', 'api/jobs/retry'],
    ];
    for (const [method, path] of writes) {
      const res = await pageFetch(page, path, { method, json: method === 'POST' ? {} : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await queue.failedCount()).toBe(1);
  });

  it("an auth function that refuses this user's writes: controls hidden, writes refused", async () => {
    const queue = testQueue({ maintenance: false });
    const failedId = await fixture(queue);
    const { url } = await serve(queue, { auth: (req) => req.method === 'GET' || req.method === 'HEAD' });
    const page = await open(url);
    await expectNoMutatingControls(page, url, failedId);
    const res = await pageFetch(page, 'api/jobs/bulk', { method: 'POST', json: { action: 'retry', ids: [failedId] } });
    expect(res.status).toBe(401);
    expect(await queue.failedCount()).toBe(1);
  });

  it("basic auth: the browser's credentials open the dashboard and its actions; without them, nothing", async () => {
    const queue = testQueue({ maintenance: false });
    const failedId = await fixture(queue);
    const { url } = await serve(queue, { auth: { username: 'ops', password: 's3cret' } });
    const page = await open(`${url}failed?job=${failedId}`, {
      httpCredentials: { username: 'ops', password: 's3cret' },
    });
    await page.getByTestId('job-retry').click();
    await page
      .getByTestId('toast-success')
      .filter({ hasText: `Job #${failedId} is inactive again` })
      .waitFor();
    expect(await queue.failedCount()).toBe(0);

    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});
