/**
 * `node scripts/screenshots.mjs`: the dashboard's screenshots in docs/screenshots/, light
 * and dark: the overview, a state list and a job, plus the overview on a phone.
 *
 * Needs the package built (`npm run build`), redis-server and Debian's chromium. Starts its
 * own redis-server on a free loopback port, fills a queue with jobs that workers in this
 * process run (progress, logs, failures with retries), seeds six hours of per-minute
 * counters so the charts have a history, serves the dashboard on 127.0.0.1 and takes the
 * pictures with playwright-core. Stops everything it started.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureRedisServer, startRedis } from './redis-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}docs/screenshots/`;
const CHROMIUM = process.env.KUE_TEST_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(`${root}dist/ui/index.html`)) {
  console.error('The dashboard is not built: run `npm run build` first.');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing (Debian/Ubuntu: apt-get install chromium).`);
  process.exit(1);
}
if (!ensureRedisServer()) process.exit(1);

const { Queue, createApp } = await import('../dist/index.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let seed = 7;
/** A repeatable pseudo-random number in [0, 1): the same pictures on every run. */
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const pick = (list) => list[Math.floor(random() * list.length)];

const redis = await startRedis();
const queue = new Queue({ prefix: 'screenshots', redis: { port: redis.port }, disableSearch: false });
queue.on('error', () => undefined);

/** Six hours of per-minute counters, as the completion scripts record them. */
async function seedHistory() {
  const client = queue.store.client;
  const now = Math.floor(Date.now() / 60_000);
  const pipeline = client.pipeline();
  const types = { email: [38, 120, 900], video: [6, 9_000, 4_000], report: [3, 2_400, 300], image: [22, 260, 150] };
  for (let m = now - 360; m < now; m++) {
    const key = queue.store.keys.minute(m);
    const wave = 1 + 0.45 * Math.sin((m % 240) / 38) + 0.15 * Math.sin(m / 7);
    for (const [type, [rate, run, wait]] of Object.entries(types)) {
      const complete = Math.max(0, Math.round(rate * wave * (0.8 + 0.4 * random())));
      const failed = random() < 0.3 ? Math.round(random() * rate * 0.08) + (m % 97 === 0 ? 12 : 0) : 0;
      pipeline.hincrby(key, `${type}|complete`, complete);
      pipeline.hincrby(key, `${type}|failed`, failed);
      pipeline.hincrby(key, `${type}|run_ms`, Math.round(complete * run * (0.8 + 0.4 * random())));
      pipeline.hincrby(key, `${type}|wait_ms`, Math.round(complete * wait * wave * (0.6 + 0.8 * random())));
    }
    pipeline.expire(key, 90_000);
  }
  await pipeline.exec();
}

/** An error whose stack names the app's own files (not this machine's paths). */
function stackOf(err, frame) {
  err.stack = `Error: ${err.message}\n    at ${frame}\n    at async handle (workers/index.js:24:7)`;
  return err;
}

function startWorkers() {
  queue.process('email', 4, async (job) => {
    job.log(`connecting to smtp.example.com for ${job.data.to}`);
    for (let i = 1; i <= 4; i++) {
      await sleep(150 + random() * 250);
      job.progress(i, 4);
    }
    if (job.data.to.startsWith('bounce')) throw new Error(`550 5.1.1 <${job.data.to}>: mailbox unavailable`);
    job.log('250 2.0.0 queued as 4F1A2B3C');
    return { messageId: `<${job.id}.${Date.now()}@mail.example.com>` };
  });
  queue.process('video', 3, async (job) => {
    for (let i = 1; i <= 40; i++) {
      await sleep(250 + random() * 250);
      job.progress(i * 2.5, 100, { frame: i * 240 });
      if (i % 8 === 0) job.log(`encoded ${i * 240} frames of ${job.data.file}`);
    }
    return { url: `https://cdn.example.com/v/${job.id}.mp4`, bytes: 48_213_004 };
  });
  queue.process('report', 1, async (job) => {
    job.log(`querying orders for ${job.data.month}`);
    await sleep(200);
    if (job.data.month === '2026-02')
      throw stackOf(
        new Error('statement timeout: canceling statement due to statement timeout'),
        'runQuery (reports/orders.js:88:13)',
      );
    return { rows: 1_204 };
  });
  queue.process('image', 4, async (job) => {
    await sleep(100 + random() * 200);
    if (job.data.src.endsWith('37.jpg'))
      throw stackOf(new Error('Input buffer contains unsupported image format'), 'resize (media/thumbnails.js:31:9)');
    return { width: 640, height: 480 };
  });
}

async function fill() {
  const names = ['ann', 'bob', 'chen', 'dora', 'eli', 'fay', 'gus', 'hana'];
  const jobs = [];
  for (let i = 0; i < 160; i++) {
    const to = random() < 0.2 ? `bounce-${pick(names)}@example.org` : `${pick(names)}@example.com`;
    jobs.push(
      queue
        .create('email', {
          to,
          subject: pick(['Welcome to Acme', 'Your invoice #2291', 'Reset your password', 'Weekly digest']),
          template: 'transactional',
        })
        .attempts(3)
        .backoff({ type: 'fixed', delay: 200 })
        .priority(pick(['normal', 'normal', 'high'])),
    );
  }
  for (let i = 0; i < 12; i++)
    jobs.push(
      queue
        .create('video', { file: `uploads/clip-${1000 + i}.mov`, preset: pick(['720p', '1080p']), owner: pick(names) })
        .priority('high'),
    );
  for (const month of ['2026-01', '2026-02', '2026-03', '2026-02'])
    jobs.push(queue.create('report', { month, format: 'csv' }).attempts(2));
  for (let i = 0; i < 90; i++)
    jobs.push(queue.create('image', { src: `s3://acme-media/${i}.jpg`, sizes: [64, 320, 640] }));
  for (let i = 0; i < 9; i++)
    jobs.push(
      queue
        .create('webhook', { url: 'https://hooks.example.com/orders', event: 'order.paid', order: 5100 + i })
        .delay(600_000 + i * 90_000),
    );
  await queue.saveAll(jobs);
}

await seedHistory();
await fill();
startWorkers();
await sleep(6_000);
// More work arrives: some jobs wait while others run.
await queue.saveAll(
  Array.from({ length: 40 }, (_, i) => queue.create('image', { src: `s3://acme-media/late-${i}.jpg` })),
);
await queue.saveAll(
  Array.from({ length: 6 }, (_, i) => queue.create('video', { file: `uploads/late-${i}.mov`, preset: '1080p' })),
);
await queue.admin.pauseType('report');

const app = createApp({ queue, title: 'Acme jobs' });
const server = await new Promise((resolve) => {
  const s = app.listen(0, () => resolve(s));
});
const url = `http://127.0.0.1:${server.address().port}/`;
// The job shown: a failed email, which went through every attempt.
const failedJobs = await queue.loadJobs(await queue.failed());
const detailId = (failedJobs.find((j) => j.type === 'email') ?? failedJobs[0]).id;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
mkdirSync(out, { recursive: true });

async function shot(name, path, { theme = 'light', viewport = { width: 1440, height: 900 }, wait, prepare } = {}) {
  const context = await browser.newContext({
    viewport,
    colorScheme: theme,
    deviceScaleFactor: 1,
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  await page.goto(url + path);
  await page.getByTestId('count-inactive').or(page.getByTestId('job-list')).first().waitFor();
  if (wait) await page.locator(wait).first().waitFor();
  if (prepare) await prepare(page);
  await sleep(900);
  await page.screenshot({ path: `${out}${name}.png` });
  await context.close();
  console.log(`docs/screenshots/${name}.png`);
}

for (const theme of ['light', 'dark']) {
  await shot(`overview-${theme}`, '?range=360', {
    theme,
    wait: '.plot canvas',
    viewport: { width: 1440, height: 1060 },
  });
  await shot(`list-${theme}`, 'failed?rows=detailed', {
    theme,
    wait: '[data-row-link]',
    prepare: async (page) => {
      const boxes = page.locator('[data-id] .row-check');
      for (const i of [0, 1, 3]) await boxes.nth(i).check();
    },
  });
  await shot(`job-${theme}`, `failed?job=${detailId}`, {
    theme,
    wait: '[data-testid="attempts"]',
    prepare: async (page) => {
      await page.getByText('Stack trace').first().click();
      await page.getByTestId('job-detail').evaluate((el) => el.scrollTo({ top: 0 }));
    },
  });
}
await shot('overview-phone', '', { viewport: { width: 390, height: 844 } });

await browser.close();
await new Promise((r) => {
  server.close(r);
  server.closeAllConnections();
});
await queue.shutdown(2_000).catch(() => undefined);
await redis.stop();
