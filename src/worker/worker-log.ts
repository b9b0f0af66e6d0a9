import { LockLostError } from '../errors.js';
import { bindLogger, isSilent, silentLogger, type BoundLogger } from '../logger.js';
import type { JobRecord } from '../store/codec.js';
import { ScriptStatus, type FinishStatus } from '../store/script-status.js';

/**
 * What a worker logs (docs/logging.md): its start and stop, failed attempts, lost locks. Every
 * entry carries the worker's `type` and `workerId`; a queue without a logger builds none.
 */
export class WorkerLog {
  private readonly logger: BoundLogger;

  constructor(
    logger: BoundLogger | undefined,
    private readonly type: string,
    private readonly workerId: string,
  ) {
    this.logger = isSilent(logger) ? silentLogger : bindLogger(logger!, { type, workerId });
  }

  started(concurrency: number): void {
    this.logger.info({ concurrency }, 'kue: worker started');
  }

  stopped(): void {
    this.logger.info({}, 'kue: worker stopped');
  }

  /** An attempt the handler failed, as the fail script settled it. */
  failed(record: JobRecord, status: FinishStatus | undefined, reason: unknown): void {
    if (status === ScriptStatus.LOCK_LOST) return this.lockLost(record.id);
    if (status !== ScriptStatus.RETRY && status !== ScriptStatus.FAILED) return;
    if (this.logger === silentLogger) return;
    const entry = {
      jobId: record.id,
      attempt: record.attempts.made + 1,
      attempts: record.attempts.max,
      error: reason instanceof Error ? reason.message : String(reason),
    };
    // A retry is the queue doing its job; a job out of attempts is what someone should see.
    if (status === ScriptStatus.RETRY) this.logger.debug(entry, 'kue: attempt failed, will retry');
    else this.logger.warn(entry, 'kue: job failed');
  }

  /**
   * The worker no longer holds the job's lock (stall recovery took it, it was moved or
   * cancelled unheard): its handler's signal aborts and its result will be refused.
   */
  lockLost(jobId: number): void {
    this.logger.warn({ jobId }, 'kue: lock lost: another worker or an admin action has the job now');
  }

  /** A report of the job the script refused for its lost lock: logged, and given to `report`. */
  resultRefused(jobId: number, report: (err: unknown) => void): void {
    this.lockLost(jobId);
    report(new LockLostError(jobId));
  }
}
