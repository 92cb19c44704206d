import { sql, type Transaction } from 'kysely';
import type { DB } from '../database';
import type { Executor } from '../executor';

/** A draft as the shared-document server loads it. */
export interface SharedDraftRow {
  revision: number;
  document: unknown;
  ydoc: Uint8Array | null;
}

/** The draft of a workflow with its shared state; `forUpdate` locks it until the transaction ends. */
export async function readSharedDraft(
  db: Executor,
  workflowId: string,
  options: { forUpdate?: boolean } = {},
): Promise<SharedDraftRow | undefined> {
  let query = db
    .selectFrom('drafts')
    .select(['revision', 'document', 'ydoc'])
    .where('workflow_id', '=', workflowId);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { ...row, ydoc: row.ydoc ? new Uint8Array(row.ydoc) : null };
}

/**
 * Stores the first shared state of a draft unless another server stored one first (compare and
 * set on `ydoc is null`); answers whether this one was stored.
 */
export async function initSharedDraft(
  db: Executor,
  workflowId: string,
  ydoc: Uint8Array,
): Promise<boolean> {
  const result = await db
    .updateTable('drafts')
    .set({ ydoc })
    .where('workflow_id', '=', workflowId)
    .where('ydoc', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Writes the shared document's state and the document it reads as, as the next revision (the
 * caller holds the row lock from `readSharedDraft(…, { forUpdate: true })`). The only write of a
 * draft's document after the workflow is created.
 */
export async function storeSharedDraft(
  trx: Transaction<DB>,
  input: {
    workflowId: string;
    revision: number;
    document: unknown;
    ydoc: Uint8Array;
    userId: string | null;
  },
): Promise<void> {
  await trx
    .updateTable('drafts')
    .set({
      document: JSON.stringify(input.document),
      ydoc: input.ydoc,
      revision: input.revision,
      ...(input.userId !== null && { updated_by: input.userId }),
      updated_at: new Date(),
    })
    .where('workflow_id', '=', input.workflowId)
    .execute();
}

/** Keeps an update too big for a NOTIFY payload for the other instances; answers its id. */
export async function insertRelayPayload(
  db: Executor,
  workflowId: string,
  payload: Uint8Array,
): Promise<number> {
  await db
    .deleteFrom('collab_relay')
    .where('created_at', '<', sql<Date>`now() - interval '1 minute'`)
    .execute();
  const row = await db
    .insertInto('collab_relay')
    .values({ workflow_id: workflowId, payload })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** A relayed update by id (gone after a minute). */
export async function readRelayPayload(db: Executor, id: number): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('collab_relay')
    .select('payload')
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? new Uint8Array(row.payload) : undefined;
}
