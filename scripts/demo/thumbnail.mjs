// The demo's sandboxed processor: 'thumbnail' jobs run in worker threads (queue.process with a
// file, see workers.mjs), so their CPU-bound loop never delays the demo process, its lock
// renewals or its dashboard. Now and then one runs out of its 64 MB heap: that attempt
// fails with the cause, the thread is replaced, and the job is retried.
export default async function thumbnail(job, ctx) {
  const { width, height } = job.data;
  job.log('rendering a %dx%d thumbnail in a worker thread', width, height);
  const rows = 8;
  for (let row = 1; row <= rows; row++) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    // A CPU-bound stretch: blocks this thread only, never the queue's process.
    const until = Date.now() + 60 + Math.random() * 60;
    let pixel = 0;
    while (Date.now() < until) pixel = (pixel * 31 + row) % 65_521;
    job.progress(row, rows, { row });
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (Math.random() < 0.05) {
    job.log('a leaky codec: allocating until the heap limit ends this thread');
    const hoard = [];
    for (;;) hoard.push(new Array(1e6).fill(Math.random()));
  }
  return { bytes: width * height * 3, format: 'webp' };
}
