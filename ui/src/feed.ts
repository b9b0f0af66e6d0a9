// The rows of one list: loaded page by page as the list scrolls. A state list follows the
// server's cursor (each page costs O(log n + limit) however long the list); a search list
// knows all matching ids at once and loads the rows that come into view.
import { api, ApiError, type Job, type JobState, type Order } from './api';
import { errorText } from './toasts';
import type { ListState } from './router';

export interface FeedParams {
  state: ListState;
  type?: string;
  order: Order;
  q?: string;
}

const FIRST_PAGE = 100;
const NEXT_PAGE = 250;
const ID_CHUNK = 100;
/** Load the next page when the view comes this close to the last loaded row. */
const AHEAD = 60;

export class JobFeed {
  /** Rows by index; undefined while not loaded (search lists only). */
  rows: Array<Job | undefined> = [];
  /** Search lists: every matching id, in order. */
  ids: string[] | null = null;
  truncated = false;
  private next: string | null = null;
  private started = false;
  loading = false;
  error: string | null = null;
  /** Ended: no further page. */
  done = false;
  private generation = 0;
  private pending = new Set<number>();
  private controller = new AbortController();

  constructor(
    readonly params: FeedParams,
    private readonly changed: () => void,
  ) {}

  get isSearch(): boolean {
    return this.params.q !== undefined;
  }

  /** Rows the list shows: every match of a search, the loaded rows of a state list. */
  get count(): number {
    return this.ids ? this.ids.length : this.rows.length;
  }

  /** A state list with more pages to load. */
  get hasMore(): boolean {
    return !this.ids && !this.done;
  }

  /** Ids of the rows known so far (all of them for a search). */
  knownIds(): string[] {
    return this.ids ?? this.rows.map((r) => r!.id);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.loadFirst();
  }

  /** Starts again from the first page (after the list changed on the server). */
  reload(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.generation++;
    this.pending.clear();
    this.next = null;
    this.done = false;
    this.error = null;
    void this.loadFirst(true);
  }

  dispose(): void {
    this.controller.abort();
    this.generation++;
  }

  private fail(err: unknown, generation: number): void {
    if ((err as Error).name === 'AbortError' || generation !== this.generation) return;
    this.error = err instanceof ApiError ? errorText(err) : String(err);
    this.loading = false;
    this.changed();
  }

  private async loadFirst(keepRows = false): Promise<void> {
    const generation = this.generation;
    const { signal } = this.controller;
    this.loading = true;
    if (!keepRows) this.changed();
    try {
      if (this.isSearch) {
        const state = this.params.state === 'all' ? undefined : (this.params.state as JobState);
        const found = await api.search(
          { q: this.params.q!, state, type: this.params.type, order: this.params.order },
          signal,
        );
        if (generation !== this.generation) return;
        this.ids = found.ids;
        this.truncated = found.truncated;
        this.rows = new Array<Job | undefined>(found.ids.length);
        this.done = true;
        this.loading = false;
        await this.loadIds(0, Math.min(FIRST_PAGE, found.ids.length) - 1);
      } else {
        const page = await api.page({ ...this.pageParams(), limit: FIRST_PAGE }, signal);
        if (generation !== this.generation) return;
        this.rows = page.jobs;
        this.next = page.next;
        this.done = page.next === null;
        this.loading = false;
        this.changed();
      }
    } catch (err) {
      this.fail(err, generation);
    }
  }

  private pageParams() {
    const { state, type, order } = this.params;
    // The server's 'all' index is not split by type.
    return { state, type: state === 'all' ? undefined : type, order };
  }

  /** Makes sure the rows from `first` to `last` (indexes) are, or are being, loaded. */
  ensure(first: number, last: number): void {
    if (this.error || !this.started) return;
    if (this.ids) {
      void this.loadIds(first, last);
      return;
    }
    if (this.loading || this.done || last < this.rows.length - AHEAD) return;
    void this.loadNext();
  }

  private async loadNext(): Promise<void> {
    const generation = this.generation;
    this.loading = true;
    this.changed();
    try {
      const page = await api.page(
        { ...this.pageParams(), cursor: this.next ?? undefined, limit: NEXT_PAGE },
        this.controller.signal,
      );
      if (generation !== this.generation) return;
      // A job may have moved from after the cursor to before it: never show one twice.
      const seen = new Set(this.rows.slice(-NEXT_PAGE * 2).map((r) => r!.id));
      this.rows = this.rows.concat(page.jobs.filter((j) => !seen.has(j.id)));
      this.next = page.next;
      this.done = page.next === null;
      this.loading = false;
      this.changed();
    } catch (err) {
      this.fail(err, generation);
    }
  }

  private async loadIds(first: number, last: number): Promise<void> {
    const ids = this.ids!;
    const from = Math.max(0, Math.floor(first / ID_CHUNK) * ID_CHUNK);
    const to = Math.min(ids.length - 1, last);
    const chunks: number[] = [];
    for (let start = from; start <= to; start += ID_CHUNK) {
      if (this.pending.has(start)) continue;
      let missing = false;
      for (let i = start; i < Math.min(start + ID_CHUNK, ids.length); i++) if (!this.rows[i]) missing = true;
      if (missing) chunks.push(start);
    }
    if (chunks.length === 0) {
      this.changed();
      return;
    }
    const generation = this.generation;
    await Promise.all(
      chunks.map(async (start) => {
        this.pending.add(start);
        try {
          const slice = ids.slice(start, start + ID_CHUNK);
          const { jobs } = await api.byId(slice, this.controller.signal);
          if (generation !== this.generation) return;
          const byId = new Map(jobs.map((j) => [j.id, j]));
          slice.forEach((id, i) => {
            // A job removed since the search keeps its place, shown as removed.
            this.rows[start + i] = byId.get(id) ?? removedJob(id);
          });
        } catch (err) {
          this.fail(err, generation);
        } finally {
          this.pending.delete(start);
        }
      }),
    );
    if (generation === this.generation) this.changed();
  }
}

/** Stands in for a search match that no longer exists. */
function removedJob(id: string): Job {
  return {
    id,
    type: '',
    data: null,
    result: null,
    priority: 0,
    progress: 0,
    progress_data: null,
    state: 'complete',
    error: null,
    attempts: { made: 0, remaining: 0, max: 0 },
    created_at: '',
    updated_at: '',
    started_at: null,
    failed_at: null,
    promote_at: null,
    completed_at: null,
    duration: null,
    delay: 0,
    ttl: 0,
    removeOnComplete: false,
    removeOnFail: false,
    workerId: null,
    schedule: null,
    group: null,
    unique: null,
    cancelled: null,
    missing: true,
  } as Job;
}

export const isMissing = (job: Job): boolean => (job as Job & { missing?: boolean }).missing === true;
