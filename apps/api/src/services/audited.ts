import { appendAuditEvent, type Actor, type DB, type NewAudit, type Transaction } from '@accord/db';
import type { Context, SessionUser } from '../trpc';

/** The audit actor of a signed-in user. */
export function actorOf(user: SessionUser): Actor {
  return { id: user.id, label: `${user.name} <${user.email}> (${user.role})` };
}

/**
 * Runs a mutation in one transaction with an `audit` function bound to the caller, so the change
 * and its audit event commit together.
 */
export function mutate<T>(
  ctx: Pick<Context, 'db'> & { user: SessionUser },
  run: (
    trx: Transaction<DB>,
    audit: (event: Omit<NewAudit, 'actor'>) => Promise<void>,
  ) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute((trx) =>
    run(trx, (event) =>
      appendAuditEvent(trx, {
        workspaceId: ctx.user.workspace_id,
        ...event,
        actor: actorOf(ctx.user),
      }),
    ),
  );
}
