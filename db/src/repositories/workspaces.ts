import type { Executor } from '../executor';
import type { NewWorkspace } from '../tables/workspaces.table';

/** The id of the workspace with this slug, or undefined. */
export async function findWorkspaceBySlug(db: Executor, slug: string) {
  return db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst();
}

/** Stores a workspace and answers its id. */
export async function insertWorkspace(db: Executor, workspace: NewWorkspace) {
  return db.insertInto('workspaces').values(workspace).returning('id').executeTakeFirstOrThrow();
}

/** The ids of the workspaces, or of the one with this slug (at most two: enough to know "several"). */
export async function workspaceIds(db: Executor, slug?: string) {
  let query = db.selectFrom('workspaces').select('id');
  if (slug !== undefined) query = query.where('slug', '=', slug);
  return query.limit(2).execute();
}
