/**
 * `job.progress(completed, total)`: two finite numbers, `total` > 0; returns the 0-100
 * percentage. Shared by the in-process Job and the sandboxed processors' job, so a bad call
 * throws alike in both.
 */
export function progressPercent(completed: unknown, total: unknown): number {
  if (
    typeof completed !== 'number' ||
    !Number.isFinite(completed) ||
    typeof total !== 'number' ||
    !Number.isFinite(total)
  ) {
    throw new TypeError(
      `progress takes two finite numbers (completed, total), got ${typeof completed} and ${typeof total}`,
    );
  }
  if (total <= 0) throw new RangeError(`progress total must be > 0, got ${total}`);
  return Math.max(0, Math.min(100, Math.floor((completed / total) * 100)));
}
