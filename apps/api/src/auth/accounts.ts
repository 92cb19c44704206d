import { randomBytes } from 'node:crypto';
import type { DB, NewAudit, Role, Transaction } from '@accord/db';
import { hashToken } from '../trpc';

/** Appends one audit event for the acting user or tool, in the caller's transaction. */
export type AuditFn = (event: Omit<NewAudit, 'actor'>) => Promise<void>;

/** Thrown when the email already has an account; callers answer it in their own terms. */
export class EmailTaken extends Error {
  constructor(readonly email: string) {
    super(`${email} already has an account.`);
  }
}

/**
 * Adds a user (the API's `users.create` and the CLI's `users add`), audited as `user.create`.
 * Throws `EmailTaken` when the email has an account.
 */
export async function createUser(
  trx: Transaction<DB>,
  input: {
    workspaceId: string;
    email: string;
    name: string;
    role: Role;
    passwordHash: string;
  },
  audit: AuditFn,
) {
  const taken = await trx
    .selectFrom('users')
    .select('id')
    .where('email', '=', input.email)
    .executeTakeFirst();
  if (taken) throw new EmailTaken(input.email);
  const user = await trx
    .insertInto('users')
    .values({
      workspace_id: input.workspaceId,
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: input.passwordHash,
      disabled_at: null,
    })
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirstOrThrow();
  await audit({
    action: 'user.create',
    entityType: 'user',
    entityId: user.id,
    workspaceId: input.workspaceId,
    after: { email: user.email, role: user.role },
  });
  return user;
}

/**
 * Creates an API key (the API's `apiKeys.create` and the CLI's `api-keys create`), audited as
 * `apiKey.create`. The key is returned once; only its SHA-256 is stored.
 */
export async function createApiKey(
  trx: Transaction<DB>,
  input: { workspaceId: string; name: string; createdBy: string | null },
  audit: AuditFn,
) {
  const key = `acc_${randomBytes(24).toString('base64url')}`;
  const row = await trx
    .insertInto('api_keys')
    .values({
      workspace_id: input.workspaceId,
      name: input.name,
      prefix: key.slice(0, 10),
      key_hash: hashToken(key),
      created_by: input.createdBy,
      revoked_at: null,
      last_used_at: null,
    })
    .returning(['id', 'name', 'prefix', 'created_at'])
    .executeTakeFirstOrThrow();
  await audit({
    action: 'apiKey.create',
    entityType: 'api_key',
    entityId: row.id,
    workspaceId: input.workspaceId,
    after: { name: row.name, prefix: row.prefix },
  });
  return { ...row, key };
}
