import type { JobEvent } from '../events/job-event.js';
import type { Job } from './job.js';

/** After these a job has no further events to deliver to its Job object. */
export const FINAL_EVENTS: ReadonlySet<string> = new Set(['complete', 'failed', 'remove']);
/** Most events held for saves still in flight. */
const EARLY_EVENT_LIMIT = 10_000;

/**
 * The Job objects saved in this process that want job-level events, and delivery to them.
 * A save's reply (which carries the id) can arrive after the job's first events, which come
 * on another connection: events for unknown ids are held while a save is in flight and
 * replayed when its id is known.
 */
export class JobEvents {
  private readonly watched = new Map<number, Job>();
  private readonly early = new Map<number, JobEvent[]>();
  private savesInFlight = 0;
  /**
   * The Job objects watched when the event subscription broke. Redis may come back without
   * its data (no persistence): ids then start again at 1, and these objects must not receive
   * the events of the new jobs that reuse their ids. Their events wait in `held` until the
   * queue has compared Redis' id counter with their ids (see verified).
   */
  private suspect?: Map<number, Job>;
  private held: JobEvent[] = [];

  get size(): number {
    return this.watched.size;
  }

  saveStarted(): void {
    this.savesInFlight++;
  }

  saveEnded(): void {
    if (--this.savesInFlight === 0) this.early.clear();
  }

  /** Whether a Job object gets the events of job `id`. */
  watches(id: number): boolean {
    return this.watched.has(id);
  }

  /** Starts delivering to a just-saved job, replaying what arrived before its id was known. */
  watch(job: Job & { id: number }): void {
    this.watched.set(job.id, job);
    for (const e of this.early.get(job.id) ?? []) this.deliver(e);
  }

  deliver(e: JobEvent): void {
    const job = this.watched.get(e.id);
    if (job && this.suspect?.get(e.id) === job) {
      if (this.held.length < EARLY_EVENT_LIMIT) this.held.push(e);
      return;
    }
    if (job) {
      applyEvent(job, e);
      // Most saved jobs have no listener: then no arguments are spread for an emit.
      if (job.listenerCount(e.event) > 0) job.emit(e.event, ...e.args);
    } else if (this.savesInFlight > 0 && this.early.size < EARLY_EVENT_LIMIT) {
      const list = this.early.get(e.id) ?? [];
      list.push(e);
      this.early.set(e.id, list);
    }
    if (FINAL_EVENTS.has(e.event)) this.watched.delete(e.id);
  }

  /** The event subscription broke: Redis may come back without the jobs watched now. */
  connectionLost(): void {
    for (const [id, job] of this.watched) {
      this.suspect ??= new Map();
      this.suspect.set(id, job);
    }
  }

  /** Whether Job objects from before the subscription broke wait for verified(). */
  get unverified(): boolean {
    return this.suspect !== undefined;
  }

  /**
   * The subscription is back and Redis' id counter reads `lastId`. Below an id saved before,
   * Redis lost its data: the Job objects from before then get no further events (their jobs
   * are gone). Otherwise they get the events held meanwhile.
   */
  verified(lastId: number): void {
    const suspect = this.suspect;
    const held = this.held;
    this.suspect = undefined;
    this.held = [];
    if (suspect && [...suspect.keys()].some((id) => id > lastId)) {
      for (const [id, job] of suspect) if (this.watched.get(id) === job) this.watched.delete(id);
    }
    // A held event whose id now names a job saved after the restart goes to that job.
    for (const e of held) this.deliver(e);
  }
}

/** Keeps a watched Job's fields in step with the events it receives. */
function applyEvent(job: Job, e: JobEvent): void {
  switch (e.event) {
    case 'start':
      job._state = 'active';
      break;
    case 'enqueue':
      job._state = 'inactive';
      break;
    case 'delayed':
      job._state = 'delayed';
      break;
    case 'progress':
      job._progress = Number(e.args[0]);
      job.progress_data = e.args[1];
      break;
    case 'complete':
      job._state = 'complete';
      job.result = e.args[0];
      job._progress = 100;
      break;
    case 'failed attempt':
      job._error = String(e.args[0]);
      job._attempts = Number(e.args[1]);
      break;
    case 'failed':
      job._state = 'failed';
      job._error = String(e.args[0]);
      break;
  }
}
