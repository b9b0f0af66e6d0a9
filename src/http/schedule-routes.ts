import { Router } from 'express';
import { ScheduleNotFoundError } from '../errors.js';
import type { Job } from '../queue/job.js';
import type { Queue } from '../queue/queue.js';
import type { ScheduleRuleInput } from '../queue/schedule-rule.js';
import type { RetentionOption } from '../store/retention.js';
import { HttpError } from './errors.js';

const JOB_FIELDS = ['type', 'data', 'priority', 'attempts', 'backoff', 'ttl', 'removeOnComplete', 'removeOnFail'];

function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, `${name} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A rule from JSON: startAt and endAt may be ISO text as well as epoch ms. */
function ruleFrom(body: unknown): ScheduleRuleInput {
  const rule = { ...object(body, 'rule') };
  for (const name of ['startAt', 'endAt']) {
    const value = rule[name];
    if (typeof value === 'string') {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) throw new HttpError(400, `${name} must be an ISO time or epoch ms, got "${value}"`);
      rule[name] = ms;
    }
  }
  return rule as ScheduleRuleInput;
}

/** The template job from JSON ({type, data, priority, ...}), built and checked by the usual builder. */
function jobFrom(queue: Queue, body: unknown): Job {
  const fields = object(body, 'job');
  const unknown = Object.keys(fields).find((k) => !JOB_FIELDS.includes(k));
  if (unknown !== undefined) throw new HttpError(400, `unknown job field "${unknown}"; use ${JOB_FIELDS.join(', ')}`);
  const job = queue.create(fields.type as string, fields.data);
  if (fields.priority !== undefined) job.priority(fields.priority as number);
  if (fields.attempts !== undefined) job.attempts(fields.attempts as number);
  if (fields.backoff !== undefined) job.backoff(object(fields.backoff, 'job.backoff'));
  if (fields.ttl !== undefined) job.ttl(fields.ttl as number);
  if (fields.removeOnComplete !== undefined) job.removeOnComplete(fields.removeOnComplete as RetentionOption);
  if (fields.removeOnFail !== undefined) job.removeOnFail(fields.removeOnFail as RetentionOption);
  return job;
}

/**
 * The schedules under /api/schedules: list, read, upsert, remove, pause, resume, run now. An
 * unknown schedule answers 404 (SCHEDULE_NOT_FOUND), bad input 400; read-only mode refuses
 * every change (403), as for jobs.
 */
export function scheduleRoutes(queue: Queue): Router {
  const router = Router();

  router.get('/api/schedules', async (_req, res) => {
    res.json({ schedules: await queue.schedules() });
  });

  router.get('/api/schedules/:id', async (req, res) => {
    res.json(await queue.getSchedule(req.params.id));
  });

  /** Creates or replaces a schedule: {rule: {cron | every, tz, ...}, job: {type, data, ...}}. */
  router.put('/api/schedules/:id', async (req, res) => {
    const body = object(req.body, 'the body');
    res.json(await queue.schedule(req.params.id, ruleFrom(body.rule), jobFrom(queue, body.job)));
  });

  router.delete('/api/schedules/:id', async (req, res) => {
    if (!(await queue.unschedule(req.params.id))) throw new ScheduleNotFoundError(req.params.id);
    res.json({ id: req.params.id, removed: true });
  });

  router.put('/api/schedules/:id/pause', async (req, res) => {
    await queue.pauseSchedule(req.params.id);
    res.json({ id: req.params.id, paused: true });
  });

  router.delete('/api/schedules/:id/pause', async (req, res) => {
    await queue.resumeSchedule(req.params.id);
    res.json({ id: req.params.id, paused: false });
  });

  /** Makes one run now: answers {jobId, due}. */
  router.post('/api/schedules/:id/run', async (req, res) => {
    res.json(await queue.runNow(req.params.id));
  });

  return router;
}
