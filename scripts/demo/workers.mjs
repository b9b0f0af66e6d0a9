// The demo's workers, in this same process, each type with a concurrency above 1 and in one of
// the three handler styles Kue accepts; they write job logs, report progress and fail now and
// then so that retries, backoff and ttl show.
import { run, stillRunning } from './activity.mjs';
import { chance, pick, rand, sleep } from './dice.mjs';

export function startWorkers(queue) {
  // Kue's classic callback style: (job, done).
  queue.process('email', 3, (job, done) => {
    const stages = ['render', 'connect', 'send'];
    let step = 0;
    job.log('rendering template "%s" for %s', job.data.template, job.data.to);
    const next = () => {
      if (run.queueClosed) return;
      step++;
      job.progress(step, stages.length, { stage: stages[step - 1] });
      if (step < stages.length) {
        setTimeout(next, rand(150, 450));
      } else if (chance(0.12)) {
        done(new Error('SMTP 421: service not available'));
      } else {
        job.log('accepted by the (simulated) mail server');
        done(null, { messageId: `<${job.id}.${Date.now()}@demo.invalid>` });
      }
    };
    setTimeout(next, rand(100, 300));
  });

  // Three parameters: (job, ctx, done); ctx could pause this worker (ctx.pause / ctx.resume).
  queue.process('video conversion', 2, (job, ctx, done) => {
    const { format, frames } = job.data;
    const file = job.data.file ?? job.data.title; // jobs of earlier demo runs named the file in their title
    const breaksAt = chance(0.2) ? rand(2, frames - 1) : -1;
    job.log('converting %s to %s (%d frames) on worker %s', file, format, frames, ctx.id);
    let frame = 0;
    const next = () => {
      if (run.queueClosed) return;
      // Cancelled (the producer cancels one now and then): stop converting. Whatever done()
      // would say now is ignored anyway.
      if (ctx.signal.aborted) {
        job.log('stopped at frame %d: %s', frame, ctx.signal.reason.message);
        return;
      }
      frame++;
      if (frame === breaksAt) {
        done(new Error(`ffmpeg: corrupt packet at frame ${frame}`));
        return;
      }
      job.progress(frame, frames, { frame });
      if (frame % 8 === 0) job.log('frame %d/%d', frame, frames);
      if (frame < frames) setTimeout(next, rand(120, 260));
      else done(null, { output: file.replace(/\.mov$/, `.${format}`), bytes: rand(2e6, 9e7) });
    };
    setTimeout(next, rand(100, 200));
  });

  // Promise style: the resolved value is the result, a rejection fails the attempt.
  queue.process('report', 2, async (job) => {
    const { pages } = job.data;
    const report = job.data.report ?? job.data.title; // jobs of earlier demo runs named the report in their title
    job.log('building the "%s" report, %d pages', report, pages);
    if (chance(0.05)) {
      // Hangs past its 8 s ttl: the worker fails the attempt with "TTL exceeded".
      await sleep(10_000);
      return { pages: 0 };
    }
    const breaksAt = chance(0.1) ? rand(1, pages) : -1;
    for (let page = 1; page <= pages; page++) {
      await sleep(rand(150, 350));
      stillRunning();
      if (page === breaksAt) throw new Error('database timeout after 5000 ms');
      job.progress(page, pages, { page });
    }
    job.log('report ready');
    return { file: `${report.replaceAll(' ', '-')}-${job.id}.pdf`, pages };
  });

  // A sandboxed processor: a file, run in a pool of worker threads (2 here). A thread that
  // runs out of memory fails that attempt only and is replaced; see thumbnail.mjs.
  queue.process('thumbnail', 2, new URL('./thumbnail.mjs', import.meta.url), { maxMemoryMb: 64 });

  // A flow's parent: it runs once its conversion and thumbnails completed, with their results.
  queue.process('publish video', async (job) => {
    const results = await job.childResults();
    job.log('publishing %s with %d parts', job.data.video, Object.keys(results).length);
    await sleep(rand(200, 500));
    return { published: `https://videos.example.test/${job.data.video}-${job.id}`, parts: Object.keys(results).length };
  });

  queue.process('heartbeat', async (job) => {
    job.log('alive, due at %s', new Date(job.schedule.due).toISOString());
    return { ok: true };
  });

  // Limited in Redis to 5 starts a second and 2 at once over every process (declareLimits);
  // a simulated 429 holds the whole type back for 2 s (ctx.rateLimit) and the job waits its turn.
  queue.process('webhook', 3, async (job, ctx) => {
    job.log('POST %s (%s), simulated', job.data.url, job.data.event);
    await sleep(rand(150, 400));
    stillRunning();
    if (chance(0.05)) {
      job.log('HTTP 429 from %s: holding webhooks back for 2 s', job.data.url);
      return ctx.rateLimit(2_000);
    }
    job.progress(1, 2, { stage: 'sent' });
    await sleep(rand(100, 300));
    stillRunning();
    if (chance(0.35)) throw new Error(`HTTP ${pick([500, 502, 503, 504])} from ${job.data.url}`);
    job.progress(2, 2, { stage: 'acknowledged' });
    return { status: 200 };
  });
}
