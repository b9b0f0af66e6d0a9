// Turning counters and INFO snapshots into per-job figures.
import { redisCost } from '../redis-stats.mjs';

/**
 * Per-job costs of `jobs` jobs between two INFO samples, with the client-side request
 * counts of the processes that did the work (`requests`, from counters.diff).
 */
export function perJob(jobs, before, after, requests, seconds) {
  const cost = redisCost(before, after);
  return {
    requestsPerJob: requests ? requests.requests / jobs : null,
    pipelinedPerJob: requests ? requests.pipelined / jobs : null,
    pipelinesPerJob: requests ? requests.pipelines / jobs : null,
    /** Round trips: requests outside pipelines, plus one per pipeline. */
    roundTripsPerJob: requests ? (requests.requests - requests.pipelined + requests.pipelines) / jobs : null,
    commandsPerJob: cost.commands.total / jobs,
    scriptCallsPerJob: cost.commands.scriptCalls / jobs,
    redisCpuUsPerJob: (cost.cpuSeconds * 1e6) / jobs,
    /** Share of one core Redis used while the jobs ran (1 = Redis saturated). */
    redisBusy: seconds > 0 ? cost.cpuSeconds / seconds : null,
    detail: {
      clientRequestsByCommand: requests?.byCommand ?? {},
      serverCommandsByName: cost.commands.byCommand,
      totalCommandsProcessed: cost.totalCommandsProcessed,
    },
  };
}
