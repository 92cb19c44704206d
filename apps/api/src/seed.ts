import {
  appendAuditEvent,
  createWorkflow,
  findWorkspaceBySlug,
  hasDualSignOff,
  insertUsers,
  insertVersion,
  insertWorkspace,
  publish,
  recordDecision,
  saveWorkspaceCatalog,
  setVersionStatus,
  storeCatalogSnapshot,
  type Actor,
  type Db,
  type Role,
} from '@accord/db';
import { CATALOG_TEMPLATES, defaultWorkflow, hashWorkflow } from '@accord/engine';
import { hashPassword } from './auth/password';

export const DEMO_PASSWORD = 'accord-demo';
export const DEMO_WORKSPACE = { slug: 'acme', name: 'Acme Inc.' };
export const DEMO_WORKFLOW_NAME = 'Inbound B2B qualification';
export const DEMO_USERS: { role: Role; email: string; name: string }[] = [
  { role: 'admin', email: 'admin@acme.test', name: 'Ada Admin' },
  { role: 'marketing', email: 'marketing@acme.test', name: 'Maya Marketing' },
  { role: 'sales', email: 'sales@acme.test', name: 'Sam Sales' },
  { role: 'ops', email: 'ops@acme.test', name: 'Olu Ops' },
  { role: 'auditor', email: 'auditor@acme.test', name: 'Aude Auditor' },
];
/**
 * A second marketing and a second sales user, so every sign-off path is possible with the demo
 * users: a version written by marketing needs another marketing member's approval (issue #15).
 */
export const DEMO_SECOND_SIGNERS: { role: Role; email: string; name: string }[] = [
  { role: 'marketing', email: 'marketing2@acme.test', name: 'Mia Marketing' },
  { role: 'sales', email: 'sales2@acme.test', name: 'Sol Sales' },
];
const SEEDED_USERS = [...DEMO_USERS, ...DEMO_SECOND_SIGNERS];
const SEED_PUBLISH_REASON = 'The kick-off agreement goes live as the first version.';

const SEED_ACTOR: Actor = { id: null, label: 'seed' };

/**
 * Seeds the demo workspace, one user per role (plus a second marketing and sales user) and the
 * default agreement as version 1, taken live the way the product does it: proposed by marketing,
 * approved by the other marketing user and by sales, published by ops with a reason, every step
 * audited under its user. Once: a second start finds the workspace and keeps what it holds.
 * @example const { users, password } = await seedDemo(db);
 */
export async function seedDemo(db: Db) {
  const existing = await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug);
  if (!existing) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.transaction().execute(async (trx) => {
      const audit = (
        actor: Actor,
        action: string,
        entityType: string,
        entityId: string,
        workflowId: string | null,
        after: unknown,
      ) =>
        appendAuditEvent(trx, {
          actor,
          workspaceId: workspace.id,
          action,
          entityType,
          entityId,
          workflowId,
          after,
        });
      const workspace = await insertWorkspace(trx, DEMO_WORKSPACE);
      const users = await insertUsers(
        trx,
        SEEDED_USERS.map((u) => ({
          ...u,
          workspace_id: workspace.id,
          password_hash: passwordHash,
          disabled_at: null,
        })),
      );
      for (const user of users)
        await audit(SEED_ACTOR, 'user.create', 'user', user.id, null, {
          email: user.email,
          role: user.role,
        });
      const user = (email: string) => {
        const found = users.find((u) => u.email === email)!;
        return {
          ...found,
          actor: { id: found.id, label: `${found.name} <${email}> (${found.role})` },
        };
      };
      const author = user('marketing@acme.test');
      const signers = [user('marketing2@acme.test'), user('sales@acme.test')];
      const ops = user('ops@acme.test');
      // The demo workspace starts from the B2B template; its catalog is its own from then on.
      await saveWorkspaceCatalog(trx, {
        workspaceId: workspace.id,
        baseRevision: 0,
        catalog: CATALOG_TEMPLATES.b2b.catalog,
        userId: null,
      });
      const catalogHash = await storeCatalogSnapshot(trx, CATALOG_TEMPLATES.b2b.catalog);
      const document = defaultWorkflow();
      const workflow = await createWorkflow(trx, {
        workspaceId: workspace.id,
        name: DEMO_WORKFLOW_NAME,
        document,
        userId: author.id,
      });
      await audit(author.actor, 'workflow.create', 'workflow', workflow.id, workflow.id, {
        name: workflow.name,
        slug: workflow.slug,
        from: 'default',
      });
      const changeNote = 'The agreement both teams signed at kick-off.';
      const version = await insertVersion(trx, {
        workflowId: workflow.id,
        document,
        hash: hashWorkflow(document),
        catalogHash,
        changeNote,
        basedOnRevision: 1,
        authorId: author.id,
      });
      await audit(author.actor, 'version.propose', 'version', version.id, workflow.id, {
        number: version.number,
        changeNote,
        hash: version.compiled_hash,
        draftRevision: 1,
      });
      for (const signer of signers) {
        const comment = `Signed for ${signer.role} at kick-off.`;
        await recordDecision(trx, {
          versionId: version.id,
          userId: signer.id,
          role: signer.role,
          decision: 'approve',
          comment,
        });
        const approved = await hasDualSignOff(trx, version.id, author.id);
        if (approved) await setVersionStatus(trx, version.id, 'approved');
        await audit(signer.actor, 'version.approve', 'version', version.id, workflow.id, {
          status: approved ? 'approved' : 'proposed',
          number: version.number,
          comment,
          ownVersion: false,
        });
      }
      await publish(trx, {
        workflowId: workflow.id,
        versionId: version.id,
        userId: ops.id,
        kind: 'publish',
        reason: SEED_PUBLISH_REASON,
      });
      await audit(ops.actor, 'version.publish', 'version', version.id, workflow.id, {
        published: version.number,
        reason: SEED_PUBLISH_REASON,
      });
    });
  }
  return { users: SEEDED_USERS, password: DEMO_PASSWORD };
}
