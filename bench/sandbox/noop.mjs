// The sandboxed processor of `npm run bench:sandbox`, for Kue and BullMQ alike: an ES module
// whose default export returns at once, so a run measures the sandbox's own cost per job.
export default async function noop(job) {
  return job.data.i;
}
