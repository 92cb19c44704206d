import { sql, type Kysely } from 'kysely';

/**
 * Issue #18: an email is unique per workspace, not across all of them, so one workspace's admin
 * can neither learn that an address has an account elsewhere nor squat it. Case does not make a
 * second account (`lower(email)`); sign-in finds an address's accounts through its own index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop constraint users_email_key`.execute(db);
  await sql`create unique index users_workspace_email_key on users (workspace_id, lower(email))`.execute(
    db,
  );
  await sql`create index users_email_idx on users (lower(email))`.execute(db);
}

/** Fails (naming the constraint) while an email has accounts in several workspaces. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_email_idx`.execute(db);
  await sql`drop index users_workspace_email_key`.execute(db);
  await sql`alter table users add constraint users_email_key unique (email)`.execute(db);
}
