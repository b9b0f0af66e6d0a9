import { Router } from 'express';
import { DEFAULT_FLOW_PAGE, MAX_FLOW_PAGE, type FlowTreePart } from '../queue/flow-tree.js';
import { MAX_FLOW_DEPTH, type FlowChild, type FlowOptions } from '../queue/flows.js';
import { Job } from '../queue/job.js';
import type { Queue } from '../queue/queue.js';
import * as check from '../queue/validate.js';
import { HttpError } from './errors.js';
import { buildJob } from './kue-routes.js';
import { intQuery, objectBody, stringQuery } from './params.js';

const BODY_KEYS = ['parent', 'children', 'onChildFailure', 'cancelChildren'];

/** What a saved flow's jobs got: the parent's id and, in the same shape as sent, its children's. */
type SavedTree = Array<number | { id: number; children: SavedTree }>;

/** A job of the body, built as POST /job builds one; a bad one is named by its place. */
function jobAt(queue: Queue, body: unknown, place: string): Job {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new TypeError(
      `${place} must be a JSON object like {"type": "email", "data": {}}, got ${check.describe(body)}`,
    );
  try {
    return buildJob(queue, body);
  } catch (err) {
    if (err instanceof TypeError) throw new TypeError(`${place}: ${err.message}`);
    if (err instanceof RangeError) throw new RangeError(`${place}: ${err.message}`);
    throw err;
  }
}

const isNode = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && ('job' in value || 'children' in value);

/**
 * The children of a body as queue.flow takes them: `{type, data, options}` is a job, `{job,
 * children, ...}` a parent in turn (its other keys go along, for queue.flow to judge). A value
 * that is not an array goes as it is, and queue.flow says what is wrong with it.
 */
function childrenAt(queue: Queue, list: unknown, place: string, depth: number): unknown {
  if (!Array.isArray(list)) return list;
  if (depth > MAX_FLOW_DEPTH) throw new RangeError(`${place}: a flow has at most ${MAX_FLOW_DEPTH} levels of parents`);
  const prefix = depth === 0 ? 'children' : `${place}.children`;
  return list.map((child: unknown, i): FlowChild => {
    const at = `${prefix}[${i}]`;
    if (!isNode(child)) return jobAt(queue, child, at);
    return {
      ...child,
      job: jobAt(queue, child.job, `${at}.job`),
      children: childrenAt(queue, child.children, at, depth + 1) as FlowChild[],
    };
  });
}

/** The ids the flow's jobs got, in the shape of its children. */
function savedTree(children: FlowChild[]): SavedTree {
  return children.map((child) =>
    child instanceof Job ? child.id! : { id: child.job.id!, children: savedTree(child.children) },
  );
}

/**
 * Flows in the JSON API: one job's place in a flow (GET /api/job/:id/flow), a page of a
 * parent's children's results (GET /api/job/:id/results) and saving a flow (POST /api/flows).
 * Bad input answers 400, an unknown job 404, a child whose unique key another job holds 409,
 * and read-only mode refuses the save (403) as every write.
 */
export function flowTreeRoutes(queue: Queue): Router {
  const router = Router();

  /** ?part=pending|complete|failed&cursor=&limit= -> FlowTree. */
  router.get('/api/job/:id/flow', async (req, res) => {
    const part = stringQuery(req.query.part) as FlowTreePart | undefined;
    res.json(
      await queue.admin.flowTree(check.jobId(req.params.id), {
        ...(part !== undefined && { part }),
        ...(stringQuery(req.query.cursor) !== undefined && { cursor: stringQuery(req.query.cursor) }),
        limit: intQuery(stringQuery(req.query.limit), 'limit', DEFAULT_FLOW_PAGE, 1, MAX_FLOW_PAGE),
      }),
    );
  });

  /** ?cursor=&limit= -> {results: [{id, result}], next}. */
  router.get('/api/job/:id/results', async (req, res) => {
    const cursor = stringQuery(req.query.cursor);
    res.json(
      await queue.admin.childResults(check.jobId(req.params.id), {
        ...(cursor !== undefined && { cursor }),
        limit: intQuery(stringQuery(req.query.limit), 'limit', DEFAULT_FLOW_PAGE, 1, MAX_FLOW_PAGE),
      }),
    );
  });

  /** {parent: {type, data, options}, children, onChildFailure?, cancelChildren?} -> {message, id, children}. */
  router.post('/api/flows', async (req, res) => {
    const body = objectBody(req.body);
    const unknown = Object.keys(body).filter((k) => !BODY_KEYS.includes(k));
    if (unknown.length > 0)
      throw new HttpError(400, `unknown key(s) ${unknown.join(', ')}; known: ${BODY_KEYS.join(', ')}`);
    const { parent, children, onChildFailure, cancelChildren } = body;
    const job = jobAt(queue, parent, 'the parent');
    const kids = childrenAt(queue, children, 'the parent', 0) as FlowChild[];
    const options: Record<string, unknown> = {};
    if (onChildFailure !== undefined) options.onChildFailure = onChildFailure;
    if (cancelChildren !== undefined) options.cancelChildren = cancelChildren;
    const saved = await queue.flow(job, kids, options as FlowOptions);
    res.json({ message: 'flow created', id: saved.id, children: savedTree(kids) });
  });

  return router;
}
