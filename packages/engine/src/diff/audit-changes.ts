import { indexCatalog } from '../catalog/catalog-index';
import type { TextContext } from '../describe/predicate-text';
import type { FieldCatalog } from '../schema/field-catalog';
import type { Workflow } from '../schema/workflow';
import { diffWorkflows, valueText } from './diff-workflows';

/** A value as an audit event stores it: a number, yes/no, or text (conditions in words). */
export type AuditValue = string | number | boolean | null;

/**
 * One changed value of a draft save, e.g.
 * `{step: 'Fit', row: 'Title is VP', field: 'points', before: 10, after: 15}`.
 */
export interface AuditChange {
  /** The step's label, or `Workflow`, `Stages`, `Scores`, `Connections`. */
  step: string;
  /** The row, case, criterion, column, stage or score, by its label. */
  row?: string;
  /** The field in words (`points`, `condition`), or what happened (`row added`, `step removed`). */
  field: string;
  before?: AuditValue;
  after?: AuditValue;
}

/** What a draft save changed, capped: the first `limit` changes and how many more there were. */
export interface AuditChangeSummary {
  changes: AuditChange[];
  /** Changes left out to keep the audit event small. */
  more: number;
}

/** At most this many changes are recorded per save; longer texts are cut at MAX_TEXT. */
export const MAX_AUDIT_CHANGES = 40;
const MAX_TEXT = 200;

const cut = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

function auditValue(value: unknown, ctx: TextContext): AuditValue | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return cut(value);
  return cut(valueText(value, ctx));
}

/**
 * What changed between two drafts, step by step and value by value, small enough for an audit
 * event (at most `limit` changes, texts cut at 200 characters). Layout moves are left out.
 * @example auditChanges(before, after).changes[0]
 * // {step: 'Fit: who the lead is', row: 'Title is VP', field: 'points', before: 10, after: 15}
 */
export function auditChanges(
  before: Workflow,
  after: Workflow,
  options: { limit?: number; catalog: FieldCatalog },
): AuditChangeSummary {
  const limit = options.limit ?? MAX_AUDIT_CHANGES;
  const catalog = options.catalog;
  const ctx: TextContext = {
    catalog: indexCatalog(catalog),
    scores: new Map(after.scores.map((s) => [s.id, s])),
  };
  const diff = diffWorkflows(before, after, catalog);
  const all: AuditChange[] = [];
  const push = (change: AuditChange, b?: unknown, a?: unknown) => {
    const bv = auditValue(b, ctx);
    const av = auditValue(a, ctx);
    all.push({
      ...change,
      ...(bv !== undefined && { before: bv }),
      ...(av !== undefined && { after: av }),
    });
  };
  if ((before.name ?? '') !== (after.name ?? ''))
    push({ step: 'Workflow', field: 'name' }, before.name, after.name);
  for (const n of diff.nodes.added)
    push({ step: n.label || n.id, field: `step added (${n.kind})` });
  for (const n of diff.nodes.removed)
    push({ step: n.label || n.id, field: `step removed (${n.kind})` });
  for (const n of diff.nodes.changed)
    for (const c of n.changes) {
      const step = n.label || n.nodeId;
      const row = c.item !== undefined ? { row: c.item } : {};
      if (c.field === '') {
        const noun = c.label.split(' ')[0]!.toLowerCase();
        push({ step, ...row, field: `${noun} ${c.before === undefined ? 'added' : 'removed'}` });
      } else push({ step, ...row, field: c.field }, c.before, c.after);
    }
  if (diff.edges.added.length)
    push({ step: 'Connections', field: 'added' }, undefined, diff.edges.added.length);
  if (diff.edges.removed.length)
    push({ step: 'Connections', field: 'removed' }, undefined, diff.edges.removed.length);
  for (const e of diff.edges.changed)
    for (const c of e.changes)
      push({ step: 'Connections', row: e.edgeId, field: c.field }, c.before, c.after);
  for (const [step, items] of [
    ['Stages', diff.stages],
    ['Scores', diff.scores],
  ] as const) {
    for (const s of items.added) push({ step, row: s.label || s.id, field: 'added' });
    for (const s of items.removed) push({ step, row: s.label || s.id, field: 'removed' });
    for (const s of items.changed)
      for (const c of s.changes)
        push({ step, row: c.item ?? s.label, field: c.field }, c.before, c.after);
  }
  return { changes: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

const shown = (value: AuditValue | undefined) =>
  value === undefined ? '(none)' : value === null ? '(empty)' : String(value);

/**
 * One audit change in words, for the audit page and exports.
 * @example describeAuditChange({step: 'Fit', row: 'Title is VP', field: 'points', before: 10, after: 15})
 * // 'Fit › Title is VP › points: 10 → 15'
 */
export function describeAuditChange(change: AuditChange): string {
  const where = [change.step, change.row, change.field].filter(Boolean).join(' › ');
  if (change.before === undefined && change.after === undefined) return where;
  if (change.before === undefined) return `${where}: ${shown(change.after)}`;
  return `${where}: ${shown(change.before)} → ${shown(change.after)}`;
}

/**
 * Whether a stored audit `after` value carries a change summary (older events have only counts).
 * @example isAuditChangeSummary(event.after) && event.after.changes.map(describeAuditChange)
 */
export function isAuditChangeSummary(value: unknown): value is AuditChangeSummary {
  if (typeof value !== 'object' || value === null) return false;
  const changes = (value as { changes?: unknown }).changes;
  return (
    Array.isArray(changes) &&
    changes.every(
      (c) =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as AuditChange).step === 'string' &&
        typeof (c as AuditChange).field === 'string',
    )
  );
}
