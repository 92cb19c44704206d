import type { Executor } from '../executor';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../database';
import type { WorkflowRowUpdate } from '../tables/workflows.table';

/** A URL-safe slug from a name: "Inbound B2B qualification" → "inbound-b2b-qualification". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'workflow';
}

/** Creates a workflow with a unique slug in its workspace and its draft at revision 1. */
export async function createWorkflow(
  trx: Transaction<DB>,
  input: { workspaceId: string; name: string; document: unknown; userId: string | null },
) {
  // Concurrent creates in one workspace take turns, so two of the same name get distinct slugs
  // instead of one failing on the unique (workspace_id, slug) constraint.
  await sql`select id from workspaces where id = ${input.workspaceId} for no key update`.execute(
    trx,
  );
  const base = slugify(input.name);
  const taken = new Set(
    (
      await trx
        .selectFrom('workflows')
        .select('slug')
        .where('workspace_id', '=', input.workspaceId)
        .where('slug', 'like', `${base}%`)
        .execute()
    ).map((r) => r.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  const workflow = await trx
    .insertInto('workflows')
    .values({
      workspace_id: input.workspaceId,
      slug,
      name: input.name,
      archived_at: null,
      created_by: input.userId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('drafts')
    .values({
      workflow_id: workflow.id,
      revision: 1,
      document: JSON.stringify(input.document),
      updated_by: input.userId,
    })
    .execute();
  return workflow;
}

/** Workflows of a workspace with their published version number, newest first. */
export async function listWorkflows(db: Executor, workspaceId: string, includeArchived: boolean) {
  let query = db
    .selectFrom('workflows')
    .leftJoin('versions', (join) =>
      join
        .onRef('versions.workflow_id', '=', 'workflows.id')
        .on('versions.status', '=', 'published'),
    )
    .leftJoin('drafts', 'drafts.workflow_id', 'workflows.id')
    .select([
      'workflows.id',
      'workflows.slug',
      'workflows.name',
      'workflows.description',
      'workflows.archived_at',
      'workflows.decision_log as decisionLog',
      'workflows.created_at',
      'versions.number as publishedVersion',
      'drafts.revision as draftRevision',
      'drafts.updated_at as draftUpdatedAt',
    ])
    .where('workflows.workspace_id', '=', workspaceId);
  if (!includeArchived) query = query.where('workflows.archived_at', 'is', null);
  return query.orderBy('workflows.created_at', 'desc').execute();
}

/** One workflow of a workspace, or undefined. */
export async function findWorkflow(db: Executor, workspaceId: string, workflowId: string) {
  return db
    .selectFrom('workflows')
    .leftJoin('versions', (join) =>
      join
        .onRef('versions.workflow_id', '=', 'workflows.id')
        .on('versions.status', '=', 'published'),
    )
    .select([
      'workflows.id',
      'workflows.slug',
      'workflows.name',
      'workflows.description',
      'workflows.archived_at',
      'workflows.decision_log as decisionLog',
      'workflows.created_at',
      'workflows.workspace_id',
      'versions.number as publishedVersion',
      'versions.id as publishedVersionId',
    ])
    .where('workflows.workspace_id', '=', workspaceId)
    .where('workflows.id', '=', workflowId)
    .executeTakeFirst();
}

/** Locks the workflow row for the rest of the transaction (publish, propose). */
export async function lockWorkflow(trx: Transaction<DB>, workflowId: string) {
  await sql`select id from workflows where id = ${workflowId} for update`.execute(trx);
}

/** Who saved a draft: the name and role a teammate's editor shows ("Maya Marketing (marketing)"). */
export interface DraftAuthor {
  id: string;
  name: string;
  role: string;
}

/** The draft with who last saved it. */
export async function getDraft(db: Executor, workflowId: string) {
  const row = await db
    .selectFrom('drafts')
    .leftJoin('users', 'users.id', 'drafts.updated_by')
    .select([
      'drafts.revision',
      'drafts.document',
      'drafts.updated_at',
      'users.id as userId',
      'users.name as userName',
      'users.role as userRole',
    ])
    .where('drafts.workflow_id', '=', workflowId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    revision: row.revision,
    document: row.document,
    updated_at: row.updated_at,
    updatedBy: authorOf(row),
  };
}

function authorOf(row: {
  userId: string | null;
  userName: string | null;
  userRole: string | null;
}): DraftAuthor | null {
  return row.userId ? { id: row.userId, name: row.userName ?? '', role: row.userRole ?? '' } : null;
}

/** The draft's revision and who saved it, without the document (editors ask every few seconds). */
export async function getDraftRevision(db: Executor, workflowId: string) {
  const row = await db
    .selectFrom('drafts')
    .leftJoin('users', 'users.id', 'drafts.updated_by')
    .select([
      'drafts.revision',
      'drafts.updated_at',
      'users.id as userId',
      'users.name as userName',
      'users.role as userRole',
    ])
    .where('drafts.workflow_id', '=', workflowId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { revision: row.revision, savedAt: row.updated_at, savedBy: authorOf(row) };
}

/** The active (not archived) workflow `slug` of a workspace, as the REST API names it; or undefined. */
export async function findActiveWorkflowBySlug(db: Executor, workspaceId: string, slug: string) {
  return db
    .selectFrom('workflows')
    .select(['id', 'workspace_id', 'slug', 'decision_log'])
    .where('workspace_id', '=', workspaceId)
    .where('slug', '=', slug)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
}

/** Changes a workflow's name, archived time or decision log switch. */
export async function updateWorkflow(
  db: Executor,
  workflowId: string,
  changes: Pick<WorkflowRowUpdate, 'name' | 'archived_at' | 'decision_log'>,
): Promise<void> {
  await db.updateTable('workflows').set(changes).where('id', '=', workflowId).execute();
}

/** The workflows with this slug in any workspace (the CLI names workflows by slug alone). */
export async function workflowsBySlug(db: Executor, slug: string) {
  return db
    .selectFrom('workflows')
    .select(['id', 'slug', 'workspace_id'])
    .where('slug', '=', slug)
    .limit(10)
    .execute();
}
