import {
  activeDrafts,
  appendAuditEvent,
  findWorkspaceCatalog,
  saveWorkspaceCatalog,
  versionsInForce,
  type Actor,
  type Db,
  type Executor,
  type NewAudit,
} from '@accord/db';
import {
  canonicalJson,
  catalogChanges,
  fieldChangeText,
  usedCatalogIds,
  type CatalogFieldChange,
  type FieldCatalog,
  type FieldDef,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import type { Context, SessionUser } from '../trpc';
import { actorOf } from './audited';

type Ctx = Context & { user: SessionUser };

/** Where a field is read: a workflow's draft, or one of its versions (with its status). */
export interface FieldUse {
  workflowId: string;
  workflowName: string;
  kind: 'draft' | 'version';
  /** The draft's revision, or the version's number. */
  number: number;
  status: string;
  /** Set for a version, so a page can link to it. */
  versionId?: string;
}

/** For each field and event id, the drafts and versions in force (proposed, approved, published) that read it. */
export async function catalogUsage(
  db: Executor,
  workspaceId: string,
): Promise<Record<string, FieldUse[]>> {
  const uses: Record<string, FieldUse[]> = {};
  const add = (ids: Set<string>, use: FieldUse) => {
    for (const id of ids) (uses[id] ??= []).push(use);
  };
  for (const draft of await activeDrafts(db, workspaceId)) {
    const used = usedCatalogIds(draft.document);
    const use: FieldUse = {
      workflowId: draft.workflowId,
      workflowName: draft.workflowName,
      kind: 'draft',
      number: draft.revision,
      status: 'draft',
    };
    add(used.fields, use);
    add(used.events, use);
  }
  for (const version of await versionsInForce(db, workspaceId)) {
    const used = usedCatalogIds(version.document);
    const use: FieldUse = {
      workflowId: version.workflowId,
      workflowName: version.workflowName,
      kind: 'version',
      number: version.number,
      status: version.status,
      versionId: version.id,
    };
    add(used.fields, use);
    add(used.events, use);
  }
  return uses;
}

/** Changes that would break what a version in force means: retyping, retiring, removing, dropping options. */
function breaking(change: CatalogFieldChange): boolean {
  return (
    change.kind === 'retyped' ||
    change.kind === 'retired' ||
    change.kind === 'removed' ||
    (change.kind === 'options-changed' && change.removed.length > 0)
  );
}

/**
 * The event types `next` removes or retires: like a field, an event type a version in force reads
 * must keep existing for the next version and for the CRMs that send it.
 */
function eventsLost(before: FieldCatalog, next: FieldCatalog) {
  const after = new Map(next.events.map((e) => [e.id, e]));
  return before.events.flatMap((event) => {
    const now = after.get(event.id);
    if (!now) return [{ id: event.id, label: event.label, how: 'removed' }];
    if (now.retired && !event.retired)
      return [{ id: event.id, label: event.label, how: 'retired' }];
    return [];
  });
}

/** How the event types of `next` differ from those of `before`, in words (catalogChanges covers fields). */
function eventChangeTexts(before: FieldCatalog, next: FieldCatalog): string[] {
  const old = new Map(before.events.map((e) => [e.id, e]));
  const texts: string[] = [];
  for (const event of next.events) {
    const prior = old.get(event.id);
    old.delete(event.id);
    if (!prior) texts.push(`The event type ${event.label} was added`);
    else if (!prior.retired && event.retired)
      texts.push(`The event type ${event.label} was retired`);
    else if (prior.retired && !event.retired)
      texts.push(`The event type ${event.label} is in use again (no longer retired)`);
    else if (canonicalJson(prior) !== canonicalJson(event))
      texts.push(`The event type ${event.label} was changed`);
  }
  for (const gone of old.values()) texts.push(`The event type ${gone.label} was removed`);
  return texts;
}

/** Who changes a workspace's catalog: a signed-in user (`saveCatalog`) or the CLI. */
export interface CatalogEditor {
  db: Db;
  workspaceId: string;
  /** Recorded as the catalog's last editor; null for the CLI. */
  userId: string | null;
  actor: Actor;
}

export interface CatalogSave {
  baseRevision: number;
  next: (current: FieldCatalog) => FieldCatalog;
  action: string;
  detail?: Record<string, unknown>;
}

/**
 * Saves a new live catalog for the caller's workspace in one transaction with its audit event,
 * if the workspace is still at `baseRevision` (CONFLICT otherwise). A change that retypes,
 * retires, removes or drops options of a field read by a proposed, approved or published version
 * is refused, naming the version: that version keeps its pinned catalog, but the field it was
 * signed off on must keep meaning the same for the next one and for the CRMs that send it.
 */
export function saveCatalog(ctx: Ctx, input: CatalogSave) {
  return saveCatalogAs(editorOf(ctx), input);
}

/** `saveCatalog` for any editor (the CLI saves as `cli`). */
export async function saveCatalogAs(editor: CatalogEditor, input: CatalogSave) {
  return editor.db.transaction().execute(async (trx) => {
    const audit = (event: Omit<NewAudit, 'actor'>) =>
      appendAuditEvent(trx, { workspaceId: editor.workspaceId, ...event, actor: editor.actor });
    const current = await findWorkspaceCatalog(trx, editor.workspaceId);
    if (current.revision !== input.baseRevision)
      throw new TRPCError({
        code: 'CONFLICT',
        message: `The field catalog changed (revision ${current.revision}) since you loaded revision ${input.baseRevision}; reload and try again.`,
      });
    const next = input.next(current.catalog);
    const changes = catalogChanges(current.catalog, next);
    const eventTexts = eventChangeTexts(current.catalog, next);
    if (changes.length === 0 && eventTexts.length === 0)
      return { revision: current.revision, changes: [] as string[] };
    const risky = changes.filter(breaking);
    const lostEvents = eventsLost(current.catalog, next);
    if (risky.length > 0 || lostEvents.length > 0) {
      const versions = await versionsInForce(trx, editor.workspaceId);
      for (const version of versions) {
        const used = usedCatalogIds(version.document);
        const change = risky.find((c) => used.fields.has(c.field));
        if (change)
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `${change.label} is used by version ${version.number} of ${version.workflowName} (${version.status}); it cannot be ${change.kind === 'options-changed' ? 'stripped of options' : change.kind}. ${fieldChangeText(change)}.`,
          });
        const event = lostEvents.find((e) => used.events.has(e.id));
        if (event)
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `The event type ${event.label} (${event.id}) is used by version ${version.number} of ${version.workflowName} (${version.status}); it cannot be ${event.how}.`,
          });
      }
    }
    const revision = await saveWorkspaceCatalog(trx, {
      workspaceId: editor.workspaceId,
      baseRevision: current.revision,
      catalog: next,
      userId: editor.userId,
    });
    if (revision === undefined)
      throw new TRPCError({
        code: 'CONFLICT',
        message: 'Someone saved the field catalog at the same moment; reload and try again.',
      });
    const texts = [...changes.map(fieldChangeText), ...eventTexts];
    await audit({
      action: input.action,
      entityType: 'field_catalog',
      entityId: editor.workspaceId,
      before: { revision: current.revision },
      after: {
        revision,
        changes: texts.slice(0, 100),
        more: Math.max(0, texts.length - 100),
        ...input.detail,
      },
    });
    return { revision, changes: texts };
  });
}

/** Field ids as rules and CRMs write them: lower case, digits and underscores. */
export const FIELD_ID = /^[a-z][a-z0-9_]{0,62}$/;

/** Refuses an enum field without options and an option given twice, naming the field. */
export function checkField(field: FieldDef) {
  if (field.type === 'enum' && !(field.values?.length ?? 0))
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${field.label} is an enum field; give it at least one option.`,
    });
  const seen = new Set<string>();
  for (const o of field.values ?? []) {
    if (seen.has(o.value))
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `${field.label} has the option "${o.value}" twice.`,
      });
    seen.add(o.value);
  }
}

/**
 * Replaces the whole catalog (fields and event types) with a JSON document, by the same rules as
 * field by field (ids as rules write them, each once; enum fields with options); the
 * `fields.replace` procedure and `accord fields import`.
 */
export async function replaceCatalog(
  editor: CatalogEditor,
  input: { baseRevision: number; catalog: FieldCatalog; reason?: string },
) {
  const ids = new Set<string>();
  for (const field of input.catalog.fields) {
    if (!FIELD_ID.test(field.id))
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `'${field.id}' is not a field id: use lower case letters, digits and _.`,
      });
    if (ids.has(field.id))
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `The field '${field.id}' is given twice.`,
      });
    ids.add(field.id);
    checkField(field);
  }
  return saveCatalogAs(editor, {
    baseRevision: input.baseRevision,
    action: 'fields.replace',
    detail: {
      fields: input.catalog.fields.length,
      events: input.catalog.events.length,
      reason: input.reason,
    },
    next: () => input.catalog,
  });
}

/** The editor of a signed-in user's workspace catalog. */
export function editorOf(ctx: Ctx): CatalogEditor {
  return {
    db: ctx.db,
    workspaceId: ctx.user.workspace_id,
    userId: ctx.user.id,
    actor: actorOf(ctx.user),
  };
}
