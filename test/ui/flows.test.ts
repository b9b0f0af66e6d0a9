/**
 * Flows on the dashboard: the Waiting tile, list and shortcut, and on a parent's panel its children counted by
 * state, why it waits, its children paged and a nested parent opened in place; a parent
 * failed by a child links to that child, and the child back to its parent.
 */
import { expect, it } from 'vitest';
import type { Queue } from '../../src/index.js';
import { testQueue, waitFor } from '../support/setup.js';
import { axeViolations, describeUi, numberIn, useBrowser } from './harness.js';

/** A report waiting for 25 parts, a section (itself waiting for 2 leaves), one done and one failed child. */
async function savedFlow(queue: Queue) {
  const root = queue.create('report', { title: 'Monthly report' });
  const parts = Array.from({ length: 25 }, (_, i) => queue.create('part', { i }));
  const section = queue.create('section', {});
  const leaves = [queue.create('leaf', {}), queue.create('leaf', {})];
  await queue.flow(
    root,
    [queue.create('quick', {}), queue.create('bad', {}), ...parts, { job: section, children: leaves }],
    { onChildFailure: 'ignore' },
  );
  queue.process('quick', async () => ({ ok: true }));
  queue.process('bad', async () => {
    throw new Error('disk full');
  });
  await waitFor(async () => (await queue.admin.flowTree(root.id!)).children.pending === 26);
  return { root: root.id!, parts: parts.map((p) => p.id!), section: section.id!, leaves: leaves.map((l) => l.id!) };
}

describeUi('dashboard flows', () => {
  const { serve, open } = useBrowser();

  it('lists waiting parents; a parent shows counts per state, why it waits, its children paged and a nested parent opened', async () => {
    const queue = testQueue({ maintenance: false });
    const { root, parts, section, leaves } = await savedFlow(queue);
    const { url } = await serve(queue);
    const page = await open(url, { bypassCSP: true });
    await expect.poll(() => numberIn(page, 'count-waiting')).toBe(2);
    // "g w" goes to the Waiting list, as "g i" to inactive.
    await page.keyboard.press('g');
    await page.keyboard.press('w');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/waiting');
    expect(await numberIn(page, 'nav-count-waiting')).toBe(2);
    await page.locator(`[data-id="${root}"]`).getByRole('link').click();

    const panel = page.getByTestId('flow-panel');
    await panel.getByTestId(`flow-list-${root}`).waitFor();
    expect(await panel.getByTestId('flow-policy').textContent()).toBe('the parent runs anyway and sees the failure');
    expect(await numberIn(page, `flow-count-${root}-complete`)).toBe(1);
    expect(await numberIn(page, `flow-count-${root}-failed`)).toBe(1);
    expect(await numberIn(page, `flow-count-${root}-inactive`)).toBe(25);
    expect(await numberIn(page, `flow-count-${root}-waiting`)).toBe(1);
    expect(await page.getByTestId(`flow-why-${root}`).textContent()).toBe(
      `Waiting for 26 of 28 children: 25 inactive, 1 waiting; oldest pending: #${parts[0]}`,
    );
    expect(await page.getByTestId(`flow-oldest-${root}`).getAttribute('href')).toContain(`job=${parts[0]}`);

    // The pending children, 20 a page: "Show more" reads the rest.
    const list = page.getByTestId(`flow-list-${root}`);
    expect(await list.locator(':scope > li').count()).toBe(20);
    expect(await page.getByTestId(`flow-shown-${root}`).textContent()).toBe('Showing 20 of 26');
    await page.getByTestId(`flow-more-${root}`).click();
    await expect.poll(() => list.locator(':scope > li').count()).toBe(26);
    expect(await page.getByTestId(`flow-more-${root}`).count()).toBe(0);

    // The section opens in place, with its own counts and children.
    const expand = page.getByTestId(`flow-expand-${section}`);
    expect(await expand.getAttribute('aria-expanded')).toBe('false');
    await expand.click();
    expect(await expand.getAttribute('aria-expanded')).toBe('true');
    const nested = page.getByTestId(`flow-list-${section}`);
    await nested.waitFor();
    expect(await nested.locator(':scope > li').evaluateAll((items) => items.map((i) => i.dataset.testid))).toEqual(
      leaves.map((id) => `flow-child-${id}`),
    );
    expect(await page.getByTestId(`flow-why-${section}`).textContent()).toBe(
      `Waiting for 2 of 2 children: 2 inactive; oldest pending: #${leaves[0]}`,
    );
    expect(await axeViolations(page), 'flow panel').toEqual([]);

    // The failed tab names the child and its error; arrow keys move between tabs.
    await page.getByTestId(`flow-tab-${root}-complete`).click();
    await page.getByTestId(`flow-tab-${root}-complete`).press('ArrowRight');
    await expect.poll(() => page.getByTestId(`flow-tab-${root}-failed`).getAttribute('aria-selected')).toBe('true');
    const failed = page.getByTestId(`flow-list-${root}`);
    await failed.getByText('disk full').waitFor();
    expect(await failed.textContent()).toContain('bad');
  });

  it('links a parent failed by a child to that child, and the child back to its parent', async () => {
    const queue = testQueue({ maintenance: false });
    const parent = queue.create('report', {});
    const [ok, bad] = [queue.create('slow', {}), queue.create('bad', {})];
    await queue.flow(parent, [ok, bad]);
    queue.process('bad', async () => {
      throw new Error('no data');
    });
    await waitFor(async () => (await queue.getJob(parent.id!)).state() === 'failed');
    const { url } = await serve(queue);
    const page = await open(`${url}failed?job=${parent.id}`);
    const link = page.getByTestId('flow-failed-child');
    expect(await link.textContent()).toBe(`child #${bad.id}`);
    // The parent's own cancel and remove take its pending children along, and say so.
    expect(await page.getByTestId('job-remove').textContent()).toBe('Remove subtree');
    await link.click();
    await expect.poll(() => page.getByTestId('job-detail').locator('h2').textContent()).toBe(`Job #${bad.id}`);
    const back = page.getByTestId('flow-parent');
    expect(await back.textContent()).toBe(`Parent #${parent.id}`);
    expect(await page.getByTestId('flow-breadcrumb').textContent()).toContain(`#${bad.id}`);
    await back.click();
    await expect.poll(() => page.getByTestId('job-detail').locator('h2').textContent()).toBe(`Job #${parent.id}`);
  });
});
