/** How long a cancellation heard for a job the worker does not run is kept for its launch. */
const KEPT_MS = 10_000;

/**
 * Cancellations a worker heard for ids it does not run (yet): the reply of a take can reach
 * the worker after the cancel message of a job it took. The worker asks at each launch.
 */
export class CancelInbox {
  private readonly heard = new Map<number, { lock: string; reason: string; at: number }>();

  note(id: number, lock: string, reason: string): void {
    const now = Date.now();
    for (const [old, { at }] of this.heard) if (now - at > KEPT_MS) this.heard.delete(old);
    this.heard.set(id, { lock, reason, at: now });
  }

  /** The reason the attempt under `lock` was cancelled, if that was heard; forgotten once asked. */
  take(id: number, lock: string): string | undefined {
    const cancel = this.heard.get(id);
    if (cancel?.lock !== lock) return undefined;
    this.heard.delete(id);
    return cancel.reason;
  }
}
