import type { z } from 'zod';
import { leadSchema, type Lead } from './lead';
import { workflowSchema, type Workflow } from './workflow';

/** A problem with a document, at a path such as `nodes[3].data.rows[2].points`. */
export interface ParseError {
  path: string;
  message: string;
}

export type ParseResult<T, K extends string> =
  ({ ok: true } & { [P in K]: T }) | { ok: false; errors: ParseError[] };

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

/**
 * Formats a path as it reads in JavaScript: `nodes[3].data.rows[2].points`.
 * @example formatPath(['nodes', 3, 'data']) // 'nodes[3].data'
 */
export function formatPath(path: readonly Key[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key))
      out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * For a failed union, the branch the author most likely meant: the one that got furthest
 * (deepest issue), then the one with the fewest issues.
 */
function flatten(issues: readonly Issue[], prefix: readonly Key[], out: ParseError[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      let best: Issue[] | undefined;
      let bestDepth = -1;
      for (const branch of issue.errors) {
        const depth = Math.max(...branch.map((i) => i.path.length));
        if (
          best === undefined ||
          depth > bestDepth ||
          (depth === bestDepth && branch.length < best.length)
        ) {
          best = branch;
          bestDepth = depth;
        }
      }
      if (best !== undefined && best.length > 0) {
        flatten(best, path, out);
        continue;
      }
    }
    out.push({ path: formatPath(path), message: messageOf(issue) });
  }
}

function messageOf(issue: Issue): string {
  if (issue.code === 'invalid_type')
    return issue.message.endsWith('received undefined')
      ? 'is required'
      : `must be ${article(issue.expected)}`;
  if (issue.code === 'invalid_union' && issue.path[issue.path.length - 1] === 'kind')
    return 'is not a known node kind';
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message;
}

/**
 * The issues of a failed zod parse as `{path, message}` pairs.
 * @example zodErrors(workflowSchema.safeParse({}).error!) // [{ path: 'schemaVersion', … }]
 */
export function zodErrors(error: z.ZodError): ParseError[] {
  const out: ParseError[] = [];
  flatten(error.issues, [], out);
  return out;
}

/**
 * Parses an untrusted workflow document; never throws.
 * @example
 * const parsed = parseWorkflow(JSON.parse(body));
 * if (!parsed.ok) console.log(parsed.errors[0]?.path); // 'nodes[3].data.rows[2].points'
 */
export function parseWorkflow(json: unknown): ParseResult<Workflow, 'workflow'> {
  try {
    const parsed = workflowSchema.safeParse(json);
    if (parsed.success) return { ok: true, workflow: parsed.data };
    return { ok: false, errors: zodErrors(parsed.error) };
  } catch (error) {
    // Hostile inputs (throwing getters, revoked proxies) end up here.
    return { ok: false, errors: [{ path: '', message: describeThrown(error) }] };
  }
}

/**
 * Parses an untrusted lead; never throws.
 * @example parseLead({ id: 'l1', attributes: { email: 'a@b.com' }, events: [] }).ok // true
 */
export function parseLead(json: unknown): ParseResult<Lead, 'lead'> {
  try {
    const parsed = leadSchema.safeParse(json);
    if (parsed.success) return { ok: true, lead: parsed.data };
    return { ok: false, errors: zodErrors(parsed.error) };
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: describeThrown(error) }] };
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeThrown(error: unknown): string {
  try {
    return `unreadable document: ${error instanceof Error ? error.message : String(error)}`;
  } catch {
    return 'unreadable document';
  }
}
