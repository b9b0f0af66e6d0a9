import type { Job } from './job.js';

/**
 * Kue's test mode: while entered, saved jobs are collected in `jobs` so tests can assert on
 * what code enqueued. Without `enter(true)` saving touches no Redis at all.
 */
export class TestMode {
  /** Jobs saved while in test mode, in order. */
  readonly jobs: Job[] = [];
  private entered = false;
  private processing = false;

  /** Starts collecting; with `process` true the jobs are also saved and processed for real. */
  enter(process = false): void {
    this.entered = true;
    this.processing = process;
  }

  exit(): void {
    this.entered = false;
    this.processing = false;
  }

  /** Empties `jobs`. */
  clear(): void {
    this.jobs.length = 0;
  }

  /** Whether saving should skip Redis. */
  get intercepts(): boolean {
    return this.entered && !this.processing;
  }

  get isEntered(): boolean {
    return this.entered;
  }
}
