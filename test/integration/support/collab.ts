/**
 * Shared drafts (#20) on built servers started as child processes: the authors' sessions, the
 * demo workflow, the edits both make, and the checks that a document converged whole.
 */
import type { CollabClient } from '@accord/api/collab/testing';
import { readWorkflow, workflowMap, type Presence } from '@accord/collab';
import { DEMO_PASSWORD, DEMO_WORKFLOW_NAME } from '@accord/api/seed';
import { parseWorkflow, type ScorecardRow, type Workflow } from '@accord/engine';
import * as Y from 'yjs';
import { procedures } from './accord';
import { HttpClient } from './http-client';

const QUERIES = new Set(
  procedures()
    .filter((p) => p.type === 'query')
    .map((p) => p.path),
);

/** A demo person signed in on a running app over HTTP. */
export function signedIn(url: string, role: 'marketing' | 'sales' | 'auditor' | 'ops') {
  return new HttpClient(url, QUERIES).signIn(`${role}@acme.test`, DEMO_PASSWORD);
}

/**
 * A presence as the editor sets one (a cursor): y-protocols never passes on a client's first,
 * untouched state (its clock is 0), so a client without one stays unseen by the others.
 */
export const EDITOR_PRESENCE: Partial<Presence> = { cursor: { x: 0, y: 0 } };

/** The roles of the other people a client's presence shows (as the servers vouch for them). */
export const rolesSeenBy = (client: CollabClient): string[] =>
  [...client.provider.awareness.getStates().entries()]
    .filter(([id]) => id !== client.doc.clientID)
    .map(([, state]) => (state as { user?: { role?: string } }).user?.role)
    .filter((role): role is string => role !== undefined);

/** The id of the seeded demo workflow. */
export async function demoWorkflowId(client: HttpClient): Promise<string> {
  const list = await client.ok<{ id: string; name: string }[]>('workflows.list', {});
  const found = list.find((w) => w.name === DEMO_WORKFLOW_NAME);
  if (!found) throw new Error(`No workflow named ${DEMO_WORKFLOW_NAME}.`);
  return found.id;
}

/** The draft as the database holds it, read through the API. */
export async function storedDraft(client: HttpClient, workflowId: string) {
  return client.ok<{ revision: number; document: Workflow }>('draft.get', { workflowId });
}

/** Gives step `stepId` the label `label`. */
export const relabel = (stepId: string, label: string) => (w: Workflow) => ({
  ...w,
  nodes: w.nodes.map((n) => (n.id === stepId ? { ...n, label } : n)),
});

const scorecardRows = (w: Workflow, stepId: string): ScorecardRow[] => {
  const node = w.nodes.find((n) => n.id === stepId);
  if (node?.kind !== 'scorecard') throw new Error(`${stepId} is not a scorecard.`);
  return node.data.rows;
};

const withRows = (w: Workflow, stepId: string, rows: ScorecardRow[]): Workflow => ({
  ...w,
  nodes: w.nodes.map((n) =>
    n.id === stepId && n.kind === 'scorecard' ? { ...n, data: { ...n.data, rows } } : n,
  ),
});

/** Appends a row `rowId` worth `points` to scorecard `stepId` (a copy of its first row's rule). */
export const addRow = (stepId: string, rowId: string, points: number) => (w: Workflow) => {
  const rows = scorecardRows(w, stepId);
  const { when } = rows[0]!;
  return withRows(w, stepId, [
    ...rows,
    { id: rowId, label: `Row ${rowId}`, category: 'profile', points, when },
  ]);
};

/** Sets the points of row `rowId` of scorecard `stepId`. */
export const setPoints = (stepId: string, rowId: string, points: number) => (w: Workflow) =>
  withRows(
    w,
    stepId,
    scorecardRows(w, stepId).map((r) => (r.id === rowId ? { ...r, points } : r)),
  );

/** One expected outcome of an edit: what it shows in a workflow. */
export interface Expectation {
  what: string;
  holds(w: Workflow): boolean;
}

export const hasLabel = (stepId: string, label: string): Expectation => ({
  what: `step ${stepId} labelled ${label}`,
  holds: (w) => w.nodes.find((n) => n.id === stepId)?.label === label,
});

export const hasRow = (stepId: string, rowId: string, points: number): Expectation => ({
  what: `row ${stepId}/${rowId} worth ${points}`,
  holds: (w) => {
    const node = w.nodes.find((n) => n.id === stepId);
    return (
      node?.kind === 'scorecard' &&
      node.data.rows.some((r) => r.id === rowId && r.points === points)
    );
  },
});

/** The expectations `w` misses (by description). */
export const missing = (w: Workflow, expectations: readonly Expectation[]) =>
  expectations.filter((e) => !e.holds(w)).map((e) => e.what);

/**
 * Ids that appear twice in a shared document as Yjs holds it, before reading drops them: steps,
 * edges, and each step's rows, cases and criteria.
 */
export function duplicateIds(doc: Y.Doc): string[] {
  const raw = workflowMap(doc).toJSON() as {
    nodes?: { id?: string; data?: Record<string, unknown> }[];
    edges?: { id?: string }[];
  };
  const duplicates: string[] = [];
  const check = (where: string, items: unknown) => {
    if (!Array.isArray(items)) return;
    const seen = new Set<string>();
    for (const item of items as { id?: unknown }[]) {
      if (typeof item?.id !== 'string') continue;
      if (seen.has(item.id)) duplicates.push(`${where}${item.id}`);
      seen.add(item.id);
    }
  };
  check('step ', raw.nodes);
  check('edge ', raw.edges);
  for (const node of raw.nodes ?? [])
    for (const key of ['rows', 'cases', 'criteria']) check(`${node.id}.${key} `, node.data?.[key]);
  return duplicates;
}

/** A Yjs document holding a stored state (e.g. `drafts.ydoc`). */
export function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

/** What is wrong with a shared document: duplicates, parts reading dropped, or it does not parse. */
export function wholeness(doc: Y.Doc): string[] {
  const read = readWorkflow(doc);
  if (!read.ok) return read.errors.map((e) => `${e.path}: ${e.message}`);
  const parsed = parseWorkflow(read.workflow);
  return [
    ...duplicateIds(doc),
    ...read.dropped.map((d) => `dropped ${d}`),
    ...(parsed.ok ? [] : parsed.errors.map((e) => `${e.path}: ${e.message}`)),
  ];
}
