/** Every default of Kue in one place. */
export const defaults = {
  prefix: 'q',
  /** Priority names and the numbers they stand for; lower runs first. */
  priorities: { low: 10, normal: 0, medium: -5, high: -10, critical: -15 } as Record<string, number>,
  /** How long a worker's lock on an active job lasts without renewal (ms). */
  lockDuration: 20_000,
  /** How often a worker renews its locks, as a fraction of lockDuration. */
  lockRenewFraction: 1 / 4,
  /** How many times a job may stall (its worker vanished) and still be retried. */
  maxStalls: 2,
  /** Longest sleep of the maintenance timer when it has nothing scheduled (ms). */
  maintenanceInterval: 5_000,
  /** Whether a queue runs promotion and stall recovery in its process. */
  maintenance: true,
  /** Most jobs one promotion or expiry script moves per call. */
  maintenanceBatch: 1_000,
  /** Most due schedules one schedule sweep fires per script call. */
  scheduleBatch: 500,
  /**
   * A schedule's due time fired this late (ms) still gets its run, as every due time does while
   * processes run; one older was missed (no process could run it) and the rule's `missed`
   * decides. Twice the maintenance interval: a live process sees every due time well within it.
   */
  scheduleMissedAfter: 10_000,
  /**
   * How long a schedule sweep holds the due schedules it read (ms): other processes skip them
   * meanwhile. A process that dies mid-sweep delays their runs by this much, within
   * scheduleMissedAfter, so they still run.
   */
  scheduleLease: 2_000,
  /** How long an idle worker blocks waiting for a wake marker before checking anyway (s). */
  idleBlockSeconds: 5,
  /** Time after which a command that Redis has not answered fails (ms). */
  commandTimeout: 10_000,
  /**
   * How long Redis keeps each save call's reply (ms), so the call sent again (ioredis resends
   * an unanswered command after a reconnection; a caller retries a save that may have been
   * made) makes no job twice: longer than a reconnection and the commandTimeout with room for
   * a retry. About 130 bytes per call while kept.
   */
  saveRetryWindow: 60_000,
  /** Entries the event stream keeps (events.maxLen). */
  eventsMaxLen: 100_000,
  /**
   * The least events.maxLen a process may set: also the most entries a reader asks for in one
   * read, which lets it tell a trimmed gap from a read that is merely short (event-stream.ts).
   */
  eventsMinLen: 100,
  /** What `durableSaves: true` waits for: this many replicas, at most this long (ms). */
  durableSaves: { replicas: 1, timeout: 1_000 },
  /** Prometheus metrics (docs/metrics.md), `createQueue({ metrics })`. */
  metrics: {
    /** Types exported under their own name; the others are summed as `type="_other"`. */
    maxTypes: 200,
    /**
     * How long after a scrape the scripts that end jobs keep counting (ms): a scrape sets this
     * lease, and counting stops when no scrape came within it.
     */
    lease: 3_600_000,
  },
  /** Whether saved Job objects get job-level events. */
  jobEvents: true,
  /** Whether a queue makes OpenTelemetry spans when a tracer provider is registered. */
  tracing: true,
  /** Whether jobs go unindexed for search (Kue >= 0.9). */
  disableSearch: true,
  /** Retention of finished jobs that set none: keep them. */
  removeOnComplete: false,
  removeOnFail: false,
  /** A script call answered later than this (ms) is logged as slow. */
  slowScriptThreshold: 1_000,
  /** The same error message is reported at most once per this window (ms). */
  errorRepeatWindow: 5_000,
  /** Longest wait of a save for the event subscription to be in place (ms). */
  subscribeWait: 2_000,
  /** Jobs per page of `queue.admin.page` and `GET /api/jobs`. */
  pageLimit: 50,
  /** Minutes of `queue.admin.throughput` and `GET /api/throughput`. */
  throughputMinutes: 60,
  /** `createApp`: the page title. */
  title: 'Kue',
  /** `createApp`: the basic-auth realm. */
  authRealm: 'Kue',
  /** `createApp`: the largest request body, bytes or a size like '1mb'. */
  bodyLimit: '1mb',
  /** `kue dashboard`, `kue dev`: where the dashboard listens and which Redis it serves. */
  port: 3000,
  host: '127.0.0.1',
  redisUrl: 'redis://127.0.0.1:6379',
  /** Sandboxed processors (`queue.process(type, n, file, options)`), docs/sandboxed-processors.md. */
  sandbox: {
    /** Where a sandboxed processor runs: worker threads, or `'process'` for child processes. */
    isolation: 'thread',
    /** After an abort, how long a child may take to settle before it is killed (ms). */
    abortGraceMs: 2_000,
    /** After a failed load, how long jobs fail at once with that error before a new try (ms). */
    loadRetryMs: 5_000,
    /** How long a child may take to load its file before that counts as a failed load (ms). */
    loadTimeoutMs: 60_000,
    /** How long a child's stop waits for it before SIGKILL (child processes only; ms). */
    killAfterMs: 1_000,
    /** Idle children are kept (0: no idle timeout); children are never recycled by count. */
    idleTimeout: 0,
    recycleAfterJobs: 0,
  },
} as const;
