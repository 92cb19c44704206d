import { sha256Hex } from '@accord/engine';
import type {} from '@fastify/cookie';
import { findSessionUser, type Db } from '@accord/db';
import type { FastifyRequest } from 'fastify';

/** The cookie that carries a session token, for tRPC and the REST routes alike. */
export const SESSION_COOKIE = 'accord_session';

/** SHA-256 of a secret token, as stored for sessions and API keys. */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** A signed-in session: its user and the stored hash of its token. */
export type SignedInSession = NonNullable<Awaited<ReturnType<typeof userForSessionToken>>>;

/** Finds the signed-in user of a session token, or null when unknown, expired or disabled. */
export async function userForSessionToken(db: Db, token: string | undefined) {
  if (!token) return null;
  const idHash = hashToken(token);
  const user = await findSessionUser(db, idHash, new Date());
  return user ? { user, sessionHash: idHash } : null;
}

/**
 * The session a request's cookie names, or null when signed out; the one way tRPC and the REST
 * routes read who is calling.
 * @example const found = await sessionFromRequest(db, req); if (!found) reply.code(401);
 */
export function sessionFromRequest(db: Db, req: FastifyRequest) {
  return userForSessionToken(db, req.cookies[SESSION_COOKIE]);
}
