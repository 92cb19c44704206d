import { randomBytes } from 'node:crypto';
import {
  emailTaken,
  findSignInAccounts,
  insertApiKey,
  insertUser,
  revokeApiKey,
  type DB,
  type Db,
  type NewAudit,
  type Role,
  type Transaction,
} from '@accord/db';
import { hashToken } from './session';

/** Appends one audit event for the acting user or tool, in the caller's transaction. */
export type AuditFn = (event: Omit<NewAudit, 'actor'>) => Promise<void>;

/** Thrown when the email already has an account in the workspace; callers answer it in their own terms. */
export class EmailTaken extends Error {
  constructor(readonly email: string) {
    super(`${email} already has an account.`);
  }
}

/**
 * Adds a user (the API's `users.create` and the CLI's `users add`), audited as `user.create`.
 * Throws `EmailTaken` when the email has an account in the same workspace; accounts of other
 * workspaces are neither consulted nor named (emails are unique per workspace, #18).
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
  if (await emailTaken(trx, input.workspaceId, input.email)) throw new EmailTaken(input.email);
  const user = await insertUser(trx, {
    workspace_id: input.workspaceId,
    email: input.email,
    name: input.name,
    role: input.role,
    password_hash: input.passwordHash,
    disabled_at: null,
  });
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
 * Most accounts of one email whose passwords a sign-in checks (in parallel, so the answer takes
 * about one check's time); an email with more must name its workspace to reach the others.
 */
export const MAX_ACCOUNTS_PER_SIGN_IN = 16;

/**
 * The accounts of an email (any case) a sign-in may check, with their workspace: in the workspace
 * whose slug is given, or else in every workspace (at most `MAX_ACCOUNTS_PER_SIGN_IN`, oldest first).
 */
export function signInAccounts(db: Db, email: string, workspaceSlug?: string) {
  return findSignInAccounts(db, { email, workspaceSlug, limit: MAX_ACCOUNTS_PER_SIGN_IN });
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
  const row = await insertApiKey(trx, {
    workspace_id: input.workspaceId,
    name: input.name,
    prefix: key.slice(0, 10),
    key_hash: hashToken(key),
    created_by: input.createdBy,
    revoked_at: null,
    last_used_at: null,
  });
  await audit({
    action: 'apiKey.create',
    entityType: 'api_key',
    entityId: row.id,
    workspaceId: input.workspaceId,
    after: { name: row.name, prefix: row.prefix },
  });
  return { ...row, key };
}

/**
 * Revokes an active API key of a workspace (the API's `apiKeys.revoke` and the CLI's
 * `api-keys revoke`), audited as `apiKey.revoke`; undefined when there is no such active key.
 */
export async function revokeKey(
  trx: Transaction<DB>,
  input: { workspaceId: string; keyId: string },
  audit: AuditFn,
) {
  const row = await revokeApiKey(trx, input.workspaceId, input.keyId, new Date());
  if (!row) return undefined;
  await audit({
    action: 'apiKey.revoke',
    entityType: 'api_key',
    entityId: row.id,
    workspaceId: input.workspaceId,
    after: { name: row.name, prefix: row.prefix },
  });
  return row;
}
