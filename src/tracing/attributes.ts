/**
 * The attributes of Kue's spans: OpenTelemetry's messaging conventions
 * (semantic-conventions, messaging spans), plus Kue's own under `kue.`. Every name is here.
 */
export const ATTR = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  messageId: 'messaging.message.id',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  batchCount: 'messaging.batch.message_count',
  errorType: 'error.type',
  /** The attempt this run is, from 1. */
  attempt: 'kue.job.attempt',
  /** The ids of the jobs a save made, for a save of several (`messaging.message.id` is for one). */
  jobIds: 'kue.job.ids',
} as const;

/** `messaging.system` of every span Kue makes. */
export const SYSTEM = 'kue';

/** The span names: the operation and the destination (the job type), as the conventions name them. */
export const sendName = (type: string | undefined) => (type === undefined ? 'send' : `send ${type}`);
export const processName = (type: string) => `process ${type}`;
