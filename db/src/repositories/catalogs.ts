import { canonicalJson, fieldCatalogSchema, sha256Hex, type FieldCatalog } from '@accord/engine';
import type { Transaction } from 'kysely';
import type { DB } from '../database';
import type { Executor } from '../executor';

/** A workspace's live field catalog and the revision a save must name. */
export interface WorkspaceCatalog {
  catalog: FieldCatalog;
  /** 0 while the workspace has saved no catalog of its own (it then has no fields). */
  revision: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

const EMPTY_CATALOG: FieldCatalog = { fields: [], events: [] };

/**
 * Reads a stored catalog document, parsed at this boundary: a document that no longer parses is
 * a storage fault named with its source, never a half-read catalog.
 */
function parseCatalog(document: unknown, source: string): FieldCatalog {
  const parsed = fieldCatalogSchema.safeParse(
    typeof document === 'string' ? JSON.parse(document) : document,
  );
  if (!parsed.success)
    throw new Error(`The stored field catalog ${source} is unreadable: ${parsed.error.message}`);
  return parsed.data;
}

/** The live catalog of a workspace (an empty one, revision 0, when it has saved none yet). */
export async function findWorkspaceCatalog(
  db: Executor,
  workspaceId: string,
): Promise<WorkspaceCatalog> {
  const row = await db
    .selectFrom('workspace_catalogs')
    .select(['document', 'revision', 'updated_at', 'updated_by'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return { catalog: EMPTY_CATALOG, revision: 0, updatedAt: null, updatedBy: null };
  return {
    catalog: parseCatalog(row.document, `of workspace ${workspaceId}`),
    revision: row.revision,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/**
 * Saves a workspace's catalog if it is still at `baseRevision` (0 for a workspace that has none):
 * answers the new revision, or undefined when someone saved in between.
 */
export async function saveWorkspaceCatalog(
  trx: Transaction<DB>,
  input: {
    workspaceId: string;
    baseRevision: number;
    catalog: FieldCatalog;
    userId: string | null;
  },
): Promise<number | undefined> {
  const document = JSON.stringify(input.catalog);
  if (input.baseRevision === 0) {
    const row = await trx
      .insertInto('workspace_catalogs')
      .values({ workspace_id: input.workspaceId, document, updated_by: input.userId })
      .onConflict((oc) => oc.column('workspace_id').doNothing())
      .returning('revision')
      .executeTakeFirst();
    return row?.revision;
  }
  const row = await trx
    .updateTable('workspace_catalogs')
    .set((eb) => ({
      document,
      revision: eb('revision', '+', 1),
      updated_at: new Date(),
      updated_by: input.userId,
    }))
    .where('workspace_id', '=', input.workspaceId)
    .where('revision', '=', input.baseRevision)
    .returning('revision')
    .executeTakeFirst();
  return row?.revision;
}

/**
 * Stores an immutable snapshot of a catalog (once per content) and answers its hash, which a
 * version keeps in `catalog_hash`.
 */
export async function storeCatalogSnapshot(trx: Executor, catalog: FieldCatalog): Promise<string> {
  const text = canonicalJson(catalog);
  const hash = sha256Hex(text);
  await trx
    .insertInto('catalog_snapshots')
    .values({ hash, document: text })
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
  return hash;
}

/** The catalog snapshot with this hash (parsed), or undefined. */
export async function findCatalogSnapshot(
  db: Executor,
  hash: string,
): Promise<FieldCatalog | undefined> {
  const row = await db
    .selectFrom('catalog_snapshots')
    .select('document')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row ? parseCatalog(row.document, hash.slice(0, 12)) : undefined;
}

/**
 * The versions of a workspace that are proposed, approved or published, with the hash of the
 * catalog each pinned: what a field change must not break.
 */
export async function versionsInForce(db: Executor, workspaceId: string) {
  return db
    .selectFrom('versions')
    .innerJoin('workflows', 'workflows.id', 'versions.workflow_id')
    .select([
      'versions.id',
      'versions.number',
      'versions.status',
      'versions.document',
      'versions.catalog_hash',
      'workflows.id as workflowId',
      'workflows.name as workflowName',
    ])
    .where('workflows.workspace_id', '=', workspaceId)
    .where('versions.status', 'in', ['proposed', 'approved', 'published'])
    .orderBy('workflows.name')
    .orderBy('versions.number')
    .execute();
}

/** The drafts of a workspace's workflows that are not archived, with their documents. */
export async function activeDrafts(db: Executor, workspaceId: string) {
  return db
    .selectFrom('drafts')
    .innerJoin('workflows', 'workflows.id', 'drafts.workflow_id')
    .select([
      'drafts.document',
      'drafts.revision',
      'workflows.id as workflowId',
      'workflows.name as workflowName',
    ])
    .where('workflows.workspace_id', '=', workspaceId)
    .where('workflows.archived_at', 'is', null)
    .orderBy('workflows.name')
    .execute();
}
