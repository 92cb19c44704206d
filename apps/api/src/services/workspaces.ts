import { randomBytes } from 'node:crypto';
import {
  appendAuditEvent,
  findWorkspaceBySlug,
  insertWorkspace,
  saveWorkspaceCatalog,
  type Actor,
  type Db,
  type NewAudit,
} from '@accord/db';
import { CATALOG_TEMPLATES, type CatalogTemplate } from '@accord/engine';
import { createUser } from '../auth/accounts';
import { hashPassword } from '../auth/password';

/** Workspace slugs as sign-in and URLs use them: lower case letters, digits and `-`. */
export const WORKSPACE_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Refused because the slug belongs to another workspace. */
export class WorkspaceSlugTaken extends Error {
  constructor(readonly slug: string) {
    super(`There is already a workspace "${slug}".`);
  }
}

/**
 * Creates a workspace with its field catalog started from a template and its first admin, whose
 * initial password is made here and answered once (only its hash is stored); one transaction,
 * each step audited under `actor`.
 * @example const { password } = await createWorkspace(db, { slug: 'globex', name: 'Globex', adminEmail: 'a@globex.com', template: 'empty' }, { id: null, label: 'cli' })
 */
export async function createWorkspace(
  db: Db,
  input: { slug: string; name: string; adminEmail: string; template: CatalogTemplate['id'] },
  actor: Actor,
) {
  const password = randomBytes(15).toString('base64url');
  const passwordHash = await hashPassword(password);
  const template = CATALOG_TEMPLATES[input.template];
  return db.transaction().execute(async (trx) => {
    if (await findWorkspaceBySlug(trx, input.slug)) throw new WorkspaceSlugTaken(input.slug);
    const inserted = await insertWorkspace(trx, { slug: input.slug, name: input.name });
    const workspace = { id: inserted.id, slug: input.slug, name: input.name };
    const audit = (event: Omit<NewAudit, 'actor' | 'workspaceId'>) =>
      appendAuditEvent(trx, { ...event, workspaceId: workspace.id, actor });
    await audit({
      action: 'workspace.create',
      entityType: 'workspace',
      entityId: workspace.id,
      after: { slug: workspace.slug, name: workspace.name, template: template.id },
    });
    const revision = await saveWorkspaceCatalog(trx, {
      workspaceId: workspace.id,
      baseRevision: 0,
      catalog: template.catalog,
      userId: null,
    });
    await audit({
      action: 'fields.applyTemplate',
      entityType: 'field_catalog',
      entityId: workspace.id,
      before: { revision: 0 },
      after: {
        revision,
        template: template.id,
        fields: template.catalog.fields.length,
        events: template.catalog.events.length,
      },
    });
    const admin = await createUser(
      trx,
      {
        workspaceId: workspace.id,
        email: input.adminEmail,
        name: input.adminEmail.split('@')[0]!,
        role: 'admin',
        passwordHash,
      },
      audit,
    );
    return { workspace, admin, password, template: template.id };
  });
}
