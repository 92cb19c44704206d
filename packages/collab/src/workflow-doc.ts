import { nodeSchema, parseWorkflow, type ParseError, type Workflow } from '@accord/engine';
import * as Y from 'yjs';
import { syncMap, toY, type Json, type KeepUnseen } from './json-y';

/** The root map holding the workflow document (schemaVersion, name, stages, scores, nodes, edges). */
export const WORKFLOW_ROOT = 'workflow';
/**
 * The root map of live signals that are not part of the agreement: `comments` changes whenever a
 * node comment is added, so every editor in the draft reloads them.
 */
export const SIGNALS_ROOT = 'signals';

/** The shared map of a draft's document. */
export function workflowMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(WORKFLOW_ROOT);
}

/**
 * Makes the shared document hold `workflow`, changing only what differs (one transaction,
 * attributed to `origin`): a step someone else is editing at the same time keeps their edit
 * unless this changes the same value. Steps and connections that reading leaves out (see
 * `readWorkflow`'s `dropped`) are kept: the writer never saw them, so leaving them out is not
 * deleting them. A step can be left out only for a moment (its new label arrived, the update
 * that set it is still on its way), and a write then must not delete it for everyone.
 * @example writeWorkflow(doc, next, localOrigin);
 */
export function writeWorkflow(doc: Y.Doc, workflow: Workflow, origin: unknown): void {
  const json = JSON.parse(JSON.stringify(workflow)) as { [key: string]: Json };
  const root = workflowMap(doc);
  const keep = keepUnseen(root, json);
  doc.transact(() => syncMap(root, json, keep), origin);
}

/**
 * Which steps and connections the write must keep though `next` lacks them: those a reader of
 * the document as it is now does not see. Read only when the write would remove an item, as
 * reading parses every step.
 */
function keepUnseen(root: Y.Map<unknown>, next: { [key: string]: Json }): KeepUnseen {
  const parts = ['nodes', 'edges'] as const;
  const removes = parts.some((part) => {
    const current = root.get(part);
    if (!(current instanceof Y.Array)) return false;
    const nextIds = new Set(
      (Array.isArray(next[part]) ? next[part] : []).map((item) => idOf(item)),
    );
    return current.toArray().some((item) => !nextIds.has(idOf(item)));
  });
  if (!removes) return {};
  const seen = wholeParts(root.toJSON() as Record<string, unknown>);
  const seenIds = { nodes: seen.nodeIds, edges: seen.edgeIds };
  const unseen = (part: (typeof parts)[number]) => (item: unknown) => {
    const id = idOf(item);
    return id !== undefined && !seenIds[part].has(id);
  };
  return { nodes: unseen('nodes'), edges: unseen('edges') };
}

function idOf(item: unknown): string | undefined {
  const id: unknown =
    item instanceof Y.Map ? item.get('id') : (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

/** A new shared document holding `workflow`. */
export function createWorkflowDoc(workflow: Workflow, origin: unknown = 'create'): Y.Doc {
  const doc = new Y.Doc();
  writeWorkflow(doc, workflow, origin);
  return doc;
}

export type ReadResult =
  | {
      ok: true;
      workflow: Workflow;
      /**
       * What concurrent edits left inconsistent and reading left out: a step that does not parse
       * (each side changed a different half of it into different kinds), a second step or edge
       * with an id already taken, an edge whose end was deleted by someone else.
       */
      dropped: string[];
    }
  | { ok: false; errors: ParseError[] };

/**
 * The workflow the shared document holds, parsed like any saved draft. Merges are made whole
 * first (see `dropped`), so whatever order concurrent edits arrive in, every replica reads the
 * same valid document. Not ok only for an empty document (nothing synced yet) or broken
 * top-level fields.
 * @example const read = readWorkflow(doc); if (read.ok) store.replaceDoc(read.workflow);
 */
export function readWorkflow(doc: Y.Doc): ReadResult {
  const raw = workflowMap(doc).toJSON() as Record<string, unknown>;
  if (Object.keys(raw).length === 0)
    return { ok: false, errors: [{ path: '', message: 'The shared document is empty.' }] };
  const { nodes, edges, dropped } = wholeParts(raw);
  const parsed = parseWorkflow({ ...raw, nodes, edges });
  if (!parsed.ok) return parsed;
  return { ok: true, workflow: parsed.workflow, dropped };
}

/**
 * The steps and connections a reader sees: each step that parses and whose id is not taken yet,
 * each connection between two of them whose id is not taken yet.
 */
function wholeParts(raw: Record<string, unknown>) {
  const dropped: string[] = [];
  const nodeIds = new Set<string>();
  const nodes: unknown[] = [];
  for (const node of Array.isArray(raw.nodes) ? (raw.nodes as unknown[]) : []) {
    const parsed = nodeSchema.safeParse(node);
    const id = parsed.success ? parsed.data.id : describe(node);
    if (!parsed.success || nodeIds.has(id)) {
      dropped.push(`step ${id}`);
      continue;
    }
    nodeIds.add(id);
    nodes.push(node);
  }
  const edgeIds = new Set<string>();
  const edges = (Array.isArray(raw.edges) ? (raw.edges as unknown[]) : []).filter((edge) => {
    const e = edge as { id?: unknown; source?: unknown; target?: unknown };
    const id = typeof e.id === 'string' ? e.id : describe(edge);
    const whole =
      typeof e.source === 'string' &&
      typeof e.target === 'string' &&
      nodeIds.has(e.source) &&
      nodeIds.has(e.target);
    if (!whole || edgeIds.has(id)) {
      dropped.push(`edge ${id}`);
      return false;
    }
    edgeIds.add(id);
    return true;
  });
  return { nodes, edges, dropped, nodeIds, edgeIds };
}

function describe(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : '(without id)';
}

/** Tells every editor of the draft that its node comments changed. */
export function signalComments(doc: Y.Doc, origin: unknown): void {
  doc.transact(() => doc.getMap(SIGNALS_ROOT).set('comments', Date.now()), origin);
}

export { toY };
