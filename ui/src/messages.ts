// Every string the dashboard shows, in one place: translate this file to translate the UI.
import type { JobState } from './api';
import type { ListState, PageName } from './router';

import { actionMessages } from './action-messages';
import { flowMessages } from './flow-messages';
import { num, plural } from './numbers';

export { num };

export const stateNames: Record<JobState, string> = {
  inactive: 'Inactive',
  active: 'Active',
  delayed: 'Delayed',
  waiting: 'Waiting',
  failed: 'Failed',
  complete: 'Complete',
};

export const stateHints: Record<JobState, string> = {
  inactive: 'Waiting for a worker',
  active: 'Running now',
  delayed: 'Waiting for their time',
  waiting: 'Parents waiting for their children',
  failed: 'Out of attempts',
  complete: 'Done',
};

export const m = {
  skipToContent: 'Skip to content',
  mainNav: 'Job states',
  overview: 'Overview',
  allStates: 'All states',
  loading: 'Loading…',
  retry: 'Try again',
  close: 'Close',
  notifications: 'Notifications',
  cancel: 'Cancel',

  // Header
  searchLabel: 'Search jobs',
  searchPlaceholder: 'Search titles and data, or #id to open a job',
  searchPlaceholderOff: 'Open a job by #id (search is off)',
  clearSearch: 'Clear search',
  theme: { system: 'System theme', light: 'Light theme', dark: 'Dark theme' },
  themeButton: (current: string) => `${current} (change theme)`,
  shortcutsButton: 'Keyboard shortcuts',
  readOnlyBadge: 'Read-only',
  readOnlyHint: 'Actions are off: this dashboard is read-only for you.',

  // Live status
  live: {
    connecting: 'Connecting…',
    live: 'Live',
    lost: 'Live updates lost — reconnecting…',
    hidden: 'Paused while hidden',
    redisDown: 'Redis is unavailable — counts may be stale',
    reconnect: 'Reconnect now',
    liveHint: 'Counts and progress update as they change',
  },

  // Overview
  statesHeading: 'Jobs by state',
  typesHeading: 'Job types',
  noTypes: 'No jobs yet. Jobs appear here as soon as they are created.',
  typeColumn: 'Type',
  statusColumn: 'Status',
  paused: 'Paused',
  running: 'Running',
  pause: 'Pause',
  resume: 'Resume',
  pauseType: (type: string) => `Pause taking “${type}” jobs`,
  resumeType: (type: string) => `Resume taking “${type}” jobs`,
  pausedType: (type: string) => `Workers stopped taking “${type}” jobs`,
  resumedType: (type: string) => `Workers take “${type}” jobs again`,
  countLink: (n: number, state: JobState, type?: string) =>
    `${plural(n, 'job', 'jobs')} ${stateNames[state].toLowerCase()}${type ? ` of type “${type}”` : ''}`,
  totalRow: 'All types',

  // Activity: the recent job events
  activity: 'Activity',
  activityIntro: (minutes: number) =>
    `Job events of the last ${minutes} minutes that the event stream still holds, newest first, then live.`,
  noActivity: 'No job events in the last minutes.',
  activityGap: 'Older events were trimmed from the stream: the list starts later.',
  activityColumns: { time: 'Time', event: 'Event', job: 'Job', type: 'Type', details: 'Details' },
  // Schedules
  schedules: 'Schedules',
  schedulesIntro: 'Recurring jobs: each due time runs once, as an ordinary job.',
  noSchedules: 'No schedules. Declare one in code with queue.schedule(id, rule, job).',
  scheduleColumns: {
    id: 'Schedule',
    rule: 'Rule',
    next: 'Next due times',
    last: 'Last run',
    runs: 'Runs',
    status: 'Status',
    actions: 'Actions',
  },
  scheduleStatus: { active: 'Active', paused: 'Paused', finished: 'Finished' },
  noRunYet: 'None yet',
  runGone: 'removed',
  runNow: 'Run now',
  pauseSchedule: (id: string) => `Pause schedule “${id}”`,
  resumeSchedule: (id: string) => `Resume schedule “${id}”`,
  runScheduleNow: (id: string) => `Run now: schedule “${id}”`,
  removeSchedule: (id: string) => `Remove schedule “${id}”`,
  pausedSchedule: (id: string) => `Schedule “${id}” paused`,
  resumedSchedule: (id: string) => `Schedule “${id}” resumed`,
  ranSchedule: (id: string, job: number) => `Schedule “${id}” made job #${job}`,
  removedSchedule: (id: string) => `Schedule “${id}” removed`,
  confirmRemoveSchedule: (id: string) => `Remove schedule “${id}”?`,
  confirmRemoveScheduleBody: 'No further runs will be made. Runs made so far stay, as ordinary jobs.',
  openRun: (job: number) => `Open job #${job}`,

  // Limits
  limits: 'Limits',
  limitsIntro:
    'Rate and concurrency of job types, obeyed by every worker in every process. A handler’s ctx.rateLimit(ms) holds its type back for a while.',
  noLimits: 'No job type has limits.',
  noLimitsHint: 'Set some with the form below, or in code with queue.limit(type, {rate, concurrency}).',
  limitColumns: {
    type: 'Type',
    rate: 'Rate',
    concurrency: 'Concurrency',
    active: 'Active now',
    starts: 'Starts in window',
    group: 'Each group',
    heldUntil: 'Held until',
    actions: 'Actions',
  },
  /** "100 per 1 s": at most `max` starts in any window of `amount` `unit`. */
  rateWords: (max: number, amount: number, unit: string) => `${num(max)} per ${num(amount)} ${unit}`,
  /** "3 / 20": how much of a limit is in use. */
  usedOf: (used: number, limit: number) => `${num(used)} / ${num(limit)}`,
  atMostActive: (n: number) => `at most ${num(n)} at once`,
  eachGroup: (words: string) => `each group: ${words}`,
  limited: 'Limited',
  limitedType: (type: string, words: string) => `Limited: “${type}”, ${words}`,
  atLimit: '(at the limit)',
  noLimit: 'none',
  limitsHeading: 'Set limits',
  editLimitsHeading: (type: string) => `Edit the limits of “${type}”`,
  limitsFormHint:
    'Leave a field empty for no such limit. Saving replaces the type’s rate and concurrency with the form’s.',
  replacesLimits: (type: string) => `“${type}” has limits already: saving replaces them.`,
  groupLimitsStay: (words: string) =>
    `The limits of each group (${words}) stay as they are: queue.limit(type, {group}) changes them.`,
  limitType: 'Job type',
  limitTypePlaceholder: 'Choose or type a job type',
  rateLegend: 'Rate',
  rateMax: 'Most jobs started',
  ratePer: 'jobs per',
  rateDuration: 'Length of the window',
  rateUnit: 'Unit of the window',
  units: { min: 'min', s: 's', ms: 'ms' },
  limitConcurrency: 'Concurrency: jobs active at once',
  saveLimits: 'Save limits',
  cancelEdit: 'Cancel',
  editLimits: (type: string) => `Edit the limits of “${type}”`,
  removeLimits: (type: string) => `Remove the limits of “${type}”`,
  savedLimits: (type: string) => `Limits of “${type}” saved`,
  removedLimits: (type: string) => `“${type}” has no limits now`,
  confirmRemoveLimits: (type: string) => `Remove the limits of “${type}”?`,
  confirmRemoveLimitsBody:
    'Its rate, concurrency and group limits go: every worker takes its jobs without them from its next take.',
  edit: 'Edit',

  // Groups
  groups: 'Groups',
  groupsIntro:
    'Jobs put in a group (job.group(key)) are taken in turn across the groups of their type, so a large group does not hold the others back. Pausing a group stops its jobs being taken in every process: they keep their place, and running ones finish.',
  groupType: 'Job type',
  chooseType: 'Choose a type',
  chooseGroupType: 'Choose a job type to list its groups, the largest first.',
  groupFilter: 'Filter groups',
  groupFilterPlaceholder: 'Part of a group’s name',
  groupColumns: {
    group: 'Group',
    inactive: stateNames.inactive,
    active: stateNames.active,
    actions: 'Actions',
  },
  noGroups: (type: string) =>
    `“${type}” has no group with jobs inactive or active, and none paused. Jobs join a group with job.group(key).`,
  groupsListed: (n: number) => plural(n, 'group', 'groups'),
  groupsMatching: (shown: number, listed: number, filter: string) =>
    `${num(shown)} of ${plural(listed, 'group', 'groups')} matching “${filter}”`,
  groupsCut: (most: number) =>
    `Only the ${num(most)} largest groups are listed, the most the server lists: smaller ones are left out, and the filter does not see them.`,
  pauseGroup: (type: string, group: string) => `Pause group “${group}” of “${type}”`,
  resumeGroup: (type: string, group: string) => `Resume group “${group}” of “${type}”`,
  pausedGroup: (group: string, changed: boolean) =>
    changed ? `Workers stopped taking the jobs of group “${group}”` : `Group “${group}” was paused already`,
  resumedGroup: (group: string, changed: boolean) =>
    changed ? `Workers take the jobs of group “${group}” again` : `Group “${group}” was not paused`,
  showGroup: (type: string, group: string) => `Group “${group}” of “${type}”: show it among the type’s groups`,
  groupsOfType: (type: string) => `The groups of “${type}”`,
  groupLimitsLink: (type: string, words: string) => `Each group of “${type}”: ${words}. Show the groups`,
  inGroup: 'Group',

  // Charts
  chartsHeading: 'Throughput',
  rangeLabel: 'Time range',
  rangeName: (minutes: number) => (minutes < 120 ? `${minutes} min` : `${minutes / 60} h`),
  throughputChart: 'Completed and failed per minute',
  timesChart: 'Average wait and run time per job',
  completedSeries: 'Completed',
  failedSeries: 'Failed',
  waitSeries: 'Wait',
  runSeries: 'Run',
  totals: {
    complete: 'Completed',
    failed: 'Failed',
    perMinute: 'Completed / min',
    wait: 'Average wait',
    run: 'Average run',
  },
  chartSummary: (minutes: number, complete: number, failed: number) =>
    `Last ${m.rangeName(minutes)}: ${plural(complete, 'job', 'jobs')} completed, ${num(failed)} failed.`,
  chartsFailed: 'Charts could not load.',

  // Lists
  listHeading: (state: ListState) => (state === 'all' ? 'All jobs' : `${stateNames[state]} jobs`),
  filterType: 'Type',
  anyType: 'All types',
  clearType: 'Clear the type filter',
  orderLabel: 'Order',
  orderNames: (state: ListState): [asc: string, desc: string] =>
    state === 'inactive'
      ? ['Next to run first', 'Last to run first']
      : state === 'delayed'
        ? ['Due soonest first', 'Due latest first']
        : ['Oldest first', 'Newest first'],
  densityLabel: 'Rows',
  compact: 'Compact',
  detailed: 'Detailed',
  jobsCount: (n: number) => plural(n, 'job', 'jobs'),
  matching: (q: string) => `matching “${q}”`,
  searchTruncated: 'Showing the first matches only: narrow the search.',
  emptyList: (state: ListState, filtered: boolean) =>
    filtered
      ? 'No jobs match these filters.'
      : state === 'all'
        ? 'No jobs.'
        : `No ${stateNames[state].toLowerCase()} jobs.`,
  searchOff:
    'Search is off in this dashboard’s queue (disableSearch is true by default): it finds only jobs saved by a queue created with createQueue({disableSearch: false}). #id opens any job.',
  emptySearch:
    'No job data matches. (Search works when the queue indexes job data: createQueue({disableSearch: false}).)',
  listFailed: 'The list could not load',
  loadMore: 'Loading more…',
  listChanged: 'This list changed',
  refresh: 'Refresh',
  selectRow: (id: string) => `Select job ${id}`,
  selectLoaded: 'Select all loaded rows',
  selected: (n: number) => `${num(n)} selected`,
  selectAllMatching: (n: number) => `Select all ${num(n)} matching this filter`,
  allMatchingSelected: (n: number) => `All ${num(n)} matching jobs selected`,
  clearSelection: 'Clear selection',
  rowMoved: (state: string) => `now ${state}`,
  removed: 'removed',
  priorityOf: (name: string) => `Priority ${name}`,
  attemptsOf: (made: number, max: number) =>
    made === 0
      ? `${plural(max, 'attempt', 'attempts')} allowed`
      : `${num(made)} failed of ${plural(max, 'attempt', 'attempts')}`,
  shownOf: (shown: number, total: number | undefined) =>
    total !== undefined && total > shown
      ? `Showing ${num(shown)} of ${num(total)}`
      : `Showing ${plural(shown, 'job', 'jobs')}`,
  dueIn: (when: string) => `due ${when}`,
  attemptsShort: (made: number, max: number) => `${num(made)}/${num(max)} attempts`,

  // Actions (their other strings: action-messages.ts)
  ...actionMessages,
  selectionWhat: (state: ListState, type?: string, q?: string) =>
    [state === 'all' ? 'any state' : stateNames[state].toLowerCase(), type && `type “${type}”`, q && `matching “${q}”`]
      .filter(Boolean)
      .join(', '),

  // Job detail
  jobTitle: (id: string) => `Job #${id}`,
  jobNotFound: (id: string) => `Job #${id} does not exist (any more).`,
  fields: {
    schedule: 'Schedule',
    scheduleValue: (id: string, due: string) => `“${id}”, due ${due}`,
    unique: 'Unique key',
    cancelled: 'Cancelled',
    cancelledValue: (reason: string) => (reason ? `“${reason}”` : 'without a reason'),
    trace: 'Trace',
    viewTrace: 'View trace',
    viewTraceLabel: (traceId: string) => `View trace ${traceId} (opens your tracing backend)`,
    uniqueValue: (key: string, ttl?: string) => (ttl ? `“${key}”, held ${ttl} after its save` : `“${key}”`),
    state: 'State',
    type: 'Type',
    priority: 'Priority',
    progress: 'Progress',
    attempts: 'Attempts',
    delay: 'Delay',
    ttl: 'Time to live',
    backoff: 'Backoff',
    backoffDefault: 'fixed',
    backoffMax: (d: string) => `at most ${d}`,
    removeOnComplete: 'Remove on complete',
    worker: 'Worker',
    group: 'Group',
    none: '—',
    yes: 'Yes',
    no: 'No',
  },
  attemptsValue: (made: number, max: number, remaining: number) =>
    `${num(made)} made of ${num(max)} (${num(remaining)} left)`,
  timeline: 'Timeline',
  events: {
    created: 'Created',
    delayedUntil: 'Delayed until',
    promoted: 'Promoted',
    started: 'Started',
    attemptStarted: (n: number) => `Attempt ${num(n)} started`,
    failedAttempt: (n: number) => `Attempt ${num(n)} failed`,
    failed: 'Failed',
    completed: 'Completed',
    duration: 'Duration',
    updated: 'Last update',
  },
  data: 'Data',
  result: 'Result',
  progressData: 'Progress data',
  error: 'Error',
  attemptsHeading: 'Attempts',
  noAttemptErrors: 'No failed attempts.',
  attemptTitle: (n: number) => `Attempt ${num(n)}`,
  attemptTimes: (start: string, end: string, took: string) => `${start} → ${end} (${took})`,
  stack: 'Stack trace',
  log: 'Log',
  emptyLog: 'Nothing logged.',
  showAllLines: (n: number) => `Show all ${num(n)} lines`,
  following: 'Following live',
  copy: 'Copy',
  copyJson: (what: string) => `Copy ${what} as JSON`,
  expandAll: 'Expand all',
  collapseAll: 'Collapse all',
  showAll: (n: number) => `Show all ${num(n)}`,
  showAllText: (n: number) => `Show all ${num(n)} characters`,
  showLess: 'Show less',
  moreItems: (n: number) => `… ${plural(n, 'more item', 'more items')}`,
  items: (n: number) => plural(n, 'item', 'items'),
  keys: (n: number) => plural(n, 'key', 'keys'),

  // Flows (their strings: flow-messages.ts)
  flow: flowMessages,

  // Shortcuts
  shortcutsTitle: 'Keyboard shortcuts',
  shortcuts: [
    ['/', 'Focus search'],
    ['g o', 'Go to the overview'],
    ['g i · g a · g d · g w · g f · g c', 'Go to inactive, active, delayed, waiting, failed, complete'],
    ['j / k', 'Next / previous job in a list'],
    ['Enter', 'Open the focused job'],
    ['x', 'Select the focused job'],
    ['Esc', 'Close the job or dialog'],
    ['t', 'Change theme'],
    ['?', 'Show this help'],
  ] as Array<[keys: string, what: string]>,

  // Time
  justNow: 'just now',
  priorityNames: { critical: 'critical', high: 'high', medium: 'medium', normal: 'normal', low: 'low' } as Record<
    string,
    string
  >,
};

/** The names of the pages of their own, in the navigation and the window title. */
export const pageNames: Record<PageName, string> = {
  schedules: m.schedules,
  limits: m.limits,
  groups: m.groups,
  activity: m.activity,
};
