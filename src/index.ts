import { Queue } from './queue/queue.js';
import type { QueueOptions } from './queue/options.js';
import {
  Job,
  setDefaultJobs,
  type BackoffOption,
  type JobJSON,
  type SavingJob,
  type SavedJob,
  type ProcessHandler,
  type PriorityName,
  type PriorityNames,
  type UniqueKey,
  type UniqueOptions,
} from './queue/job.js';
import type { RetentionOption } from './store/retention.js';
import type { Callback } from './queue/callback.js';
import type { JobEvent } from './events/job-event.js';
import type { DoneCallback, DoneAndContext, WorkerContext } from './worker/handler.js';
import type { RedisConnectionOptions, RedisSetting, RedisClient } from './store/connection.js';
import type { JobState } from './store/keys.js';
import type { Logger } from './logger.js';
import { createApp, type AppOptions, type KueApp } from './http/app.js';
import type { AuthOption } from './http/security.js';
import type { QueueAdmin, BulkOptions, CancelOutcome, MinuteStats, Kue011MigrationOptions } from './queue/admin.js';
import type { Kue011MigrationReport, Kue011MigrationProgress, Kue011SkippedJob } from './store/kue011/report.js';
import type { AttemptError } from './store/replies.js';
import type { CheckReport, CheckFinding, CheckCode } from './store/check.js';
import type { ScheduleInfo, ScheduleTemplate } from './queue/schedules.js';
import type { ScheduleRuleInput } from './queue/schedule-rule.js';
import type { GroupInfo, LimitOptions, RateLimit, TypeLimits } from './queue/limits.js';
import type { MissedPolicy, OverlapPolicy } from './maintenance/schedule-times.js';
import type { SandboxIsolation, SandboxOptions } from './sandbox/options.js';
import type { FlowChild, FlowNode, FlowOptions, OnChildFailure } from './queue/flows.js';
import type { ChildFailure, FlowInfo } from './store/tree-store.js';
import type {
  ChildResultsPage,
  FlowChildCounts,
  FlowTree,
  FlowTreeItem,
  FlowTreeOptions,
  FlowTreePart,
} from './queue/flow-tree.js';
import type { SandboxedContext, SandboxedDone, SandboxedJob, SandboxedProcessor } from './sandbox/child-job.js';
import {
  ConnectionError,
  ErrorCode,
  JobNotFoundError,
  KueError,
  LockLostError,
  NotReplicatedError,
  OutOfMemoryError,
  ShutdownError,
  StateChangedError,
  MigrationRefusedError,
  ScheduleNotFoundError,
  CancelledError,
  TtlExceededError,
  SandboxCrashError,
  SandboxLoadError,
  ChildFailedError,
  FlowConflictError,
  JobFailedError,
  TimeoutError,
} from './errors.js';
import type { FinishedOptions } from './queue/finished.js';
import { defaults } from './defaults.js';
import { version } from './version.js';

let shared: Queue | undefined;
let sharedApp: KueApp | undefined;
/** The options the process last gave createQueue: what the process queue comes back with. */
let lastOptions: QueueOptions | undefined;

/**
 * Returns the process's shared queue, creating it with `options` on the first call. Later
 * options are ignored until `shutdown()` clears it, as in Kue. For independent queues (two
 * prefixes in one process) use `new kue.Queue(options)`.
 */
export function createQueue(options?: QueueOptions): Queue {
  if (options !== undefined) lastOptions = options;
  if (!shared) {
    const queue = new Queue(options);
    shared = queue;
    queue.once('shutdown', () => {
      if (shared !== queue) return;
      shared = undefined;
      sharedApp = undefined;
    });
  }
  return shared;
}

/**
 * The process queue for the `Job` statics and `kue.app`: after a shutdown they open it again
 * with the options the process gave last, not Kue's defaults.
 */
const processQueue = (): Queue => createQueue(lastOptions);

setDefaultJobs(() => processQueue().jobs);

/** Kue's priority names and numbers. */
export const priorities: Readonly<Record<string, number>> = Object.freeze({ ...defaults.priorities });

const kueModule = {
  createQueue,
  createApp,
  Queue,
  Job,
  /**
   * The Express application serving the process queue's JSON API and dashboard, made on
   * first use: call `kue.createQueue(options)` first when the options are not the defaults.
   */
  get app(): KueApp {
    return (sharedApp ??= createApp({ queue: processQueue() }));
  },
  version,
  priorities,
  KueError,
  JobNotFoundError,
  LockLostError,
  ShutdownError,
  TtlExceededError,
  ConnectionError,
  OutOfMemoryError,
  NotReplicatedError,
  StateChangedError,
  MigrationRefusedError,
  ScheduleNotFoundError,
  CancelledError,
  SandboxCrashError,
  SandboxLoadError,
  ChildFailedError,
  FlowConflictError,
  JobFailedError,
  TimeoutError,
  ErrorCode,
};

/**
 * The module is callable like Kue's: `kue(options)` is `kue.createQueue(options)`, the process
 * queue; and as Kue 0.11 exported the Queue constructor itself, `new kue(options)` is an
 * independent queue, like `new kue.Queue(options)`.
 */
function kueFunction(options?: QueueOptions): Queue {
  return new.target ? new Queue(options) : createQueue(options);
}
const kue = Object.defineProperties(kueFunction, Object.getOwnPropertyDescriptors(kueModule)) as typeof kueModule &
  ((options?: QueueOptions) => Queue) &
  (new (options?: QueueOptions) => Queue);
export default kue;

/**
 * The public types under the module's own name, so that `import kue = require('kue')`
 * (CommonJS, where the module is the callable `kue` alone) and `import kue from 'kue'` both
 * give `kue.Job`, `kue.Queue`, `kue.QueueOptions`, ... as types: `jobs: kue.Job[]`,
 * `function f(q: kue.Queue)`. Types only: the values are the properties of `kue` above.
 * Inside the namespace `Job` names its own member, so the members read the module's
 * declarations through the aliases `JobT`, `QueueT`, ... (local, not exported).
 */
type QueueT = Queue;
type JobT<D> = Job<D>;
type SavedJobT<D> = SavedJob<D>;
type SavingJobT<J> = SavingJob<J>;
type QueueOptionsT = QueueOptions;
type JobStateT = JobState;
type JobJSONT = JobJSON;
type PriorityNameT = PriorityName;
type PriorityNamesT = PriorityNames;
type BackoffOptionT = BackoffOption;
type RetentionOptionT = RetentionOption;
type CallbackT<T> = Callback<T>;
type ProcessHandlerT<D> = ProcessHandler<D>;
type DoneCallbackT = DoneCallback;
type DoneAndContextT = DoneAndContext;
type WorkerContextT = WorkerContext;
type JobEventT = JobEvent;
type RedisConnectionOptionsT = RedisConnectionOptions;
type RedisSettingT = RedisSetting;
type RedisClientT = RedisClient;
type LoggerT = Logger;
type AppOptionsT = AppOptions;
type KueAppT = KueApp;
type AuthOptionT = AuthOption;
type QueueAdminT = QueueAdmin;
type Kue011MigrationOptionsT = Kue011MigrationOptions;
type Kue011MigrationReportT = Kue011MigrationReport;
type BulkOptionsT = BulkOptions;
type CancelOutcomeT = CancelOutcome;
type MinuteStatsT = MinuteStats;
type AttemptErrorT = AttemptError;
type CheckReportT = CheckReport;
type CheckFindingT = CheckFinding;
type CheckCodeT = CheckCode;
type ErrorCodeT = ErrorCode;
type KueErrorT = KueError;
type JobNotFoundErrorT = JobNotFoundError;
type LockLostErrorT = LockLostError;
type ShutdownErrorT = ShutdownError;
type TtlExceededErrorT = TtlExceededError;
type ConnectionErrorT = ConnectionError;
type OutOfMemoryErrorT = OutOfMemoryError;
type NotReplicatedErrorT = NotReplicatedError;
type StateChangedErrorT = StateChangedError;
type MigrationRefusedErrorT = MigrationRefusedError;
type ScheduleNotFoundErrorT = ScheduleNotFoundError;
type CancelledErrorT = CancelledError;
type ScheduleInfoT = ScheduleInfo;
type ScheduleTemplateT = ScheduleTemplate;
type ScheduleRuleInputT = ScheduleRuleInput;
type MissedPolicyT = MissedPolicy;
type OverlapPolicyT = OverlapPolicy;
type LimitOptionsT = LimitOptions;
type RateLimitT = RateLimit;
type TypeLimitsT = TypeLimits;
type GroupInfoT = GroupInfo;
type UniqueKeyT = UniqueKey;
type UniqueOptionsT = UniqueOptions;
type SandboxOptionsT = SandboxOptions;
type SandboxIsolationT = SandboxIsolation;
type SandboxedJobT<D> = SandboxedJob<D>;
type SandboxedProcessorT<D> = SandboxedProcessor<D>;
type SandboxedContextT = SandboxedContext;
type SandboxedDoneT = SandboxedDone;
type SandboxCrashErrorT = SandboxCrashError;
type SandboxLoadErrorT = SandboxLoadError;
type ChildFailedErrorT = ChildFailedError;
type FlowConflictErrorT = FlowConflictError;
type JobFailedErrorT = JobFailedError;
type TimeoutErrorT = TimeoutError;
type FinishedOptionsT = FinishedOptions;
type FlowOptionsT = FlowOptions;
type FlowNodeT<D> = FlowNode<D>;
type FlowChildT = FlowChild;
type FlowInfoT = FlowInfo;
type OnChildFailureT = OnChildFailure;
type ChildFailureT = ChildFailure;
type FlowTreeT = FlowTree;
type FlowTreeItemT = FlowTreeItem;
type FlowTreeOptionsT = FlowTreeOptions;
type FlowTreePartT = FlowTreePart;
type FlowChildCountsT = FlowChildCounts;
type ChildResultsPageT = ChildResultsPage;
// eslint-disable-next-line @typescript-eslint/no-namespace -- merges types into the default export
declare namespace kue {
  type Queue = QueueT;
  type Job<D = any> = JobT<D>;
  type SavedJob<D = any> = SavedJobT<D>;
  type SavingJob<J> = SavingJobT<J>;
  type QueueOptions = QueueOptionsT;
  type JobState = JobStateT;
  type JobJSON = JobJSONT;
  type PriorityName = PriorityNameT;
  type PriorityNames = PriorityNamesT;
  type BackoffOption = BackoffOptionT;
  type RetentionOption = RetentionOptionT;
  type Callback<T> = CallbackT<T>;
  type ProcessHandler<D = any> = ProcessHandlerT<D>;
  type DoneCallback = DoneCallbackT;
  type DoneAndContext = DoneAndContextT;
  type WorkerContext = WorkerContextT;
  type JobEvent = JobEventT;
  type RedisConnectionOptions = RedisConnectionOptionsT;
  type RedisSetting = RedisSettingT;
  type RedisClient = RedisClientT;
  type Logger = LoggerT;
  type AppOptions = AppOptionsT;
  type KueApp = KueAppT;
  type AuthOption = AuthOptionT;
  type QueueAdmin = QueueAdminT;
  type Kue011MigrationOptions = Kue011MigrationOptionsT;
  type Kue011MigrationReport = Kue011MigrationReportT;
  type BulkOptions = BulkOptionsT;
  type CancelOutcome = CancelOutcomeT;
  type MinuteStats = MinuteStatsT;
  type AttemptError = AttemptErrorT;
  type CheckReport = CheckReportT;
  type CheckFinding = CheckFindingT;
  type CheckCode = CheckCodeT;
  type ErrorCode = ErrorCodeT;
  type KueError = KueErrorT;
  type JobNotFoundError = JobNotFoundErrorT;
  type LockLostError = LockLostErrorT;
  type ShutdownError = ShutdownErrorT;
  type TtlExceededError = TtlExceededErrorT;
  type ConnectionError = ConnectionErrorT;
  type OutOfMemoryError = OutOfMemoryErrorT;
  type NotReplicatedError = NotReplicatedErrorT;
  type StateChangedError = StateChangedErrorT;
  type MigrationRefusedError = MigrationRefusedErrorT;
  type ScheduleNotFoundError = ScheduleNotFoundErrorT;
  type CancelledError = CancelledErrorT;
  type ScheduleInfo = ScheduleInfoT;
  type ScheduleTemplate = ScheduleTemplateT;
  type ScheduleRuleInput = ScheduleRuleInputT;
  type MissedPolicy = MissedPolicyT;
  type OverlapPolicy = OverlapPolicyT;
  type LimitOptions = LimitOptionsT;
  type RateLimit = RateLimitT;
  type TypeLimits = TypeLimitsT;
  type GroupInfo = GroupInfoT;
  type UniqueKey = UniqueKeyT;
  type UniqueOptions = UniqueOptionsT;
  type SandboxOptions = SandboxOptionsT;
  type SandboxIsolation = SandboxIsolationT;
  type SandboxedJob<D = any> = SandboxedJobT<D>;
  type SandboxedProcessor<D = any> = SandboxedProcessorT<D>;
  type SandboxedContext = SandboxedContextT;
  type SandboxedDone = SandboxedDoneT;
  type SandboxCrashError = SandboxCrashErrorT;
  type SandboxLoadError = SandboxLoadErrorT;
  type ChildFailedError = ChildFailedErrorT;
  type FlowConflictError = FlowConflictErrorT;
  type JobFailedError = JobFailedErrorT;
  type TimeoutError = TimeoutErrorT;
  type FinishedOptions = FinishedOptionsT;
  type FlowOptions = FlowOptionsT;
  type FlowNode<D = any> = FlowNodeT<D>;
  type FlowChild = FlowChildT;
  type FlowInfo = FlowInfoT;
  type OnChildFailure = OnChildFailureT;
  type ChildFailure = ChildFailureT;
  type FlowTree = FlowTreeT;
  type FlowTreeItem = FlowTreeItemT;
  type FlowTreeOptions = FlowTreeOptionsT;
  type FlowTreePart = FlowTreePartT;
  type FlowChildCounts = FlowChildCountsT;
  type ChildResultsPage = ChildResultsPageT;
}

export { createApp, Queue, Job, version };
// Every error class and ErrorCode, by name (errors.ts exports nothing else).
export * from './errors.js';
export type {
  FinishedOptions,
  FlowTree,
  FlowTreeItem,
  FlowTreeOptions,
  FlowTreePart,
  FlowChildCounts,
  ChildResultsPage,
  FlowOptions,
  FlowNode,
  FlowChild,
  FlowInfo,
  OnChildFailure,
  ChildFailure,
  QueueOptions,
  BackoffOption,
  JobJSON,
  SavingJob,
  SavedJob,
  ProcessHandler,
  PriorityName,
  PriorityNames,
  RetentionOption,
  Callback,
  JobEvent,
  DoneCallback,
  DoneAndContext,
  WorkerContext,
  RedisConnectionOptions,
  RedisSetting,
  RedisClient,
  JobState,
  Logger,
  AppOptions,
  KueApp,
  AuthOption,
  QueueAdmin,
  BulkOptions,
  CancelOutcome,
  MinuteStats,
  AttemptError,
  CheckReport,
  CheckFinding,
  CheckCode,
  Kue011MigrationOptions,
  Kue011MigrationReport,
  Kue011MigrationProgress,
  Kue011SkippedJob,
  ScheduleInfo,
  ScheduleTemplate,
  ScheduleRuleInput,
  MissedPolicy,
  OverlapPolicy,
  LimitOptions,
  RateLimit,
  TypeLimits,
  GroupInfo,
  UniqueKey,
  UniqueOptions,
  SandboxOptions,
  SandboxIsolation,
  SandboxedJob,
  SandboxedProcessor,
  SandboxedContext,
  SandboxedDone,
};
