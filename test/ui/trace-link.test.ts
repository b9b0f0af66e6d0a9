/**
 * The job page links a traced job to its trace when the app has a trace URL template
 * (`createApp({ traceUrl })`), and shows no link without a template or without a trace.
 */
import { expect, it } from 'vitest';
import { redisClient, testQueue } from '../support/setup.js';
import { describeUi, useBrowser } from './harness.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describeUi('dashboard trace link', () => {
  const { serve, open } = useBrowser();

  /** A job whose save a tracer recorded: its hash holds the save span's traceparent. */
  async function tracedJob(queue: ReturnType<typeof testQueue>): Promise<number> {
    const job = await queue.create('email', { to: 'a@example.com' }).save();
    await redisClient().hset(`{${queue.prefix}}:job:${job.id}`, 'tp', `00-${TRACE_ID}-00f067aa0ba902b7-01`);
    return job.id;
  }

  it('shows "View trace" linking to the template with the trace id filled in', async () => {
    const queue = testQueue({ maintenance: false });
    const id = await tracedJob(queue);
    const { url } = await serve(queue, { traceUrl: 'https://traces.example/trace/{traceId}?from=kue' });
    const page = await open(`${url}inactive?job=${id}`);
    const link = page.getByTestId('job-detail').getByTestId('job-trace-link');
    await link.waitFor();
    expect(await link.textContent()).toBe('View trace');
    expect(await link.getAttribute('href')).toBe(`https://traces.example/trace/${TRACE_ID}?from=kue`);
    expect(await link.getAttribute('rel')).toContain('noopener');
  });

  it('shows no link without a template, nor for a job without a trace', async () => {
    const queue = testQueue({ maintenance: false });
    const traced = await tracedJob(queue);
    const plain = await queue.create('email', {}).save();
    const bare = await serve(queue);
    let page = await open(`${bare.url}inactive?job=${traced}`);
    await page.getByTestId('job-facts').waitFor();
    expect(await page.getByTestId('job-trace-link').count()).toBe(0);
    const linked = await serve(queue, { traceUrl: 'https://traces.example/trace/{traceId}' });
    page = await open(`${linked.url}inactive?job=${plain.id}`);
    await page.getByTestId('job-facts').waitFor();
    expect(await page.getByTestId('job-trace-link').count()).toBe(0);
  });
});
