import {
  appendAuditEvent,
  createWorkflow,
  insertVersion,
  publish,
  type Actor,
  type Db,
  type Role,
} from '@accord/db';
import { defaultWorkflow, hashWorkflow } from '@accord/engine';
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

const SEED_ACTOR: Actor = { id: null, label: 'seed' };

/**
 * Seeds the demo workspace, one user per role and the default agreement published as version 1,
 * once: a second start finds the workspace and keeps whatever the data directory holds.
 * @example const { users, password } = await seedDemo(db);
 */
export async function seedDemo(db: Db) {
  const existing = await db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', DEMO_WORKSPACE.slug)
    .executeTakeFirst();
  if (!existing) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.transaction().execute(async (trx) => {
      const audit = (
        action: string,
        entityType: string,
        entityId: string,
        workflowId: string | null,
        after: unknown,
      ) =>
        appendAuditEvent(trx, {
          actor: SEED_ACTOR,
          workspaceId: workspace.id,
          action,
          entityType,
          entityId,
          workflowId,
          after,
        });
      const workspace = await trx
        .insertInto('workspaces')
        .values(DEMO_WORKSPACE)
        .returning('id')
        .executeTakeFirstOrThrow();
      const users = await trx
        .insertInto('users')
        .values(
          DEMO_USERS.map((u) => ({
            ...u,
            workspace_id: workspace.id,
            password_hash: passwordHash,
            disabled_at: null,
          })),
        )
        .returning(['id', 'email', 'role'])
        .execute();
      for (const user of users)
        await audit('user.create', 'user', user.id, null, { email: user.email, role: user.role });
      const marketing = users.find((u) => u.role === 'marketing')!;
      const ops = users.find((u) => u.role === 'ops')!;
      const document = defaultWorkflow();
      const workflow = await createWorkflow(trx, {
        workspaceId: workspace.id,
        name: DEMO_WORKFLOW_NAME,
        document,
        userId: marketing.id,
      });
      await audit('workflow.create', 'workflow', workflow.id, workflow.id, {
        name: workflow.name,
        slug: workflow.slug,
        from: 'default',
      });
      const version = await insertVersion(trx, {
        workflowId: workflow.id,
        document,
        hash: hashWorkflow(document),
        changeNote: 'The agreement both teams signed at kick-off.',
        basedOnRevision: 1,
        authorId: marketing.id,
      });
      await trx
        .updateTable('versions')
        .set({ status: 'approved' })
        .where('id', '=', version.id)
        .execute();
      await publish(trx, {
        workflowId: workflow.id,
        versionId: version.id,
        userId: ops.id,
        kind: 'publish',
      });
      await audit('version.publish', 'version', version.id, workflow.id, {
        published: version.number,
        note: 'seeded as signed off',
      });
    });
  }
  return { users: DEMO_USERS, password: DEMO_PASSWORD };
}
