import {
  findCatalogSnapshot,
  findWorkspaceCatalog,
  latestVersion,
  storeCatalogSnapshot,
  type DB,
  type Executor,
  type Transaction,
} from '@accord/db';
import {
  catalogChanges,
  fieldChangeText,
  usedCatalogIds,
  validate,
  type Diagnostic,
  type FieldCatalog,
  type Workflow,
} from '@accord/engine';
import { LRUCache } from 'lru-cache';

/**
 * The field catalogs a request works with: a workspace's live catalog (drafts, imports, the
 * Fields page) and the immutable snapshot a version pinned (its evaluation, simulation, diff and
 * agreement document). Snapshots never change, so they are cached by hash.
 */
const snapshots = new LRUCache<string, FieldCatalog>({ max: 200 });

/** The workspace's live catalog. */
export async function liveCatalog(db: Executor, workspaceId: string): Promise<FieldCatalog> {
  return (await findWorkspaceCatalog(db, workspaceId)).catalog;
}

/** The catalog a version was validated and compiled with, by its `catalog_hash`. */
export async function pinnedCatalog(db: Executor, hash: string): Promise<FieldCatalog> {
  const hit = snapshots.get(hash);
  if (hit) return hit;
  const found = await findCatalogSnapshot(db, hash);
  if (!found) throw new Error(`The field catalog snapshot ${hash.slice(0, 12)} is missing.`);
  snapshots.set(hash, found);
  return found;
}

/** Pins the workspace's live catalog for a new version: stores its snapshot, answers the hash. */
export async function pinLiveCatalog(
  trx: Transaction<DB>,
  workspaceId: string,
): Promise<{ hash: string; catalog: FieldCatalog }> {
  const catalog = await liveCatalog(trx, workspaceId);
  return { hash: await storeCatalogSnapshot(trx, catalog), catalog };
}

/**
 * What a draft's checks say against the workspace's live catalog, plus a warning for each field
 * it reads whose definition changed since its newest version pinned its catalog (retyped, options
 * changed, retired, removed), so an author sees why a rule that used to work now does not.
 */
export async function draftDiagnostics(
  db: Executor,
  workspaceId: string,
  workflowId: string,
  workflow: Workflow,
): Promise<Diagnostic[]> {
  const catalog = await liveCatalog(db, workspaceId);
  const diagnostics = validate(workflow, catalog);
  const latest = await latestVersion(db, workflowId);
  if (!latest) return diagnostics;
  const pinned = await pinnedCatalog(db, latest.catalog_hash);
  const changes = catalogChanges(pinned, catalog, usedCatalogIds(workflow).fields).filter(
    (c) => c.kind === 'retyped' || c.kind === 'options-changed' || c.kind === 'removed',
  );
  return [
    ...diagnostics,
    ...changes.map((change): Diagnostic => ({
      severity: 'warning',
      code: 'field-changed',
      message: `Since version ${latest.number}: ${fieldChangeText(change)}`,
    })),
  ];
}
