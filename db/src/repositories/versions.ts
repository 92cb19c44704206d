import type { Executor } from '../executor';
import type { Transaction } from 'kysely';
import type { DB } from '../database';
import type { VersionStatus } from '../tables/versions.table';

/** Creates the next numbered version of a workflow from a document (status `proposed`). */
export async function insertVersion(
  trx: Transaction<DB>,
  input: {
    workflowId: string;
    document: unknown;
    hash: string;
    /** The catalog snapshot it was validated and compiled with (`storeCatalogSnapshot`). */
    catalogHash: string;
    changeNote: string;
    basedOnRevision: number | null;
    authorId: string;
  },
) {
  const last = await trx
    .selectFrom('versions')
    .select((eb) => eb.fn.max('number').as('max'))
    .where('workflow_id', '=', input.workflowId)
    .executeTakeFirst();
  return trx
    .insertInto('versions')
    .values({
      workflow_id: input.workflowId,
      number: (last?.max ?? 0) + 1,
      status: 'proposed',
      document: JSON.stringify(input.document),
      compiled_hash: input.hash,
      catalog_hash: input.catalogHash,
      change_note: input.changeNote,
      based_on_revision: input.basedOnRevision,
      author_id: input.authorId,
      published_at: null,
      published_by: null,
    })
    .returning(['id', 'number', 'status', 'compiled_hash', 'created_at'])
    .executeTakeFirstOrThrow();
}

const versionColumns = [
  'versions.id',
  'versions.workflow_id',
  'versions.number',
  'versions.status',
  'versions.compiled_hash',
  'versions.catalog_hash',
  'versions.change_note',
  'versions.based_on_revision',
  'versions.author_id',
  'versions.created_at',
  'versions.published_at',
  'versions.published_by',
] as const;

/** Versions of a workflow, newest first, with author name and every approval or rejection. */
export async function listVersions(db: Executor, workflowId: string) {
  const versions = await db
    .selectFrom('versions')
    .innerJoin('users', 'users.id', 'versions.author_id')
    .select([...versionColumns, 'users.name as authorName'])
    .where('versions.workflow_id', '=', workflowId)
    .orderBy('versions.number', 'desc')
    .execute();
  const approvals = versions.length
    ? await db
        .selectFrom('approvals')
        .innerJoin('users', 'users.id', 'approvals.user_id')
        .select([
          'approvals.id',
          'approvals.version_id',
          'approvals.user_id',
          'approvals.role',
          'approvals.decision',
          'approvals.comment',
          'approvals.created_at',
          'users.name as userName',
        ])
        .where(
          'approvals.version_id',
          'in',
          versions.map((v) => v.id),
        )
        .orderBy('approvals.created_at')
        .execute()
    : [];
  const publications = versions.length
    ? await db
        .selectFrom('publications')
        .innerJoin('users', 'users.id', 'publications.published_by')
        .select([
          'publications.id',
          'publications.version_id',
          'publications.kind',
          'publications.published_at',
          'publications.published_by',
          'publications.reason',
          'users.name as publishedByName',
        ])
        .where(
          'publications.version_id',
          'in',
          versions.map((v) => v.id),
        )
        .orderBy('publications.published_at')
        .execute()
    : [];
  return versions.map((v) => ({
    ...v,
    approvals: approvals
      .filter((a) => a.version_id === v.id)
      .map((a) => ({ ...a, counts: countsForSignOff(a, v.author_id) })),
    /** Every time this version went live, oldest first (a rollback adds one). */
    publications: publications.filter((p) => p.version_id === v.id),
  }));
}

/** Roles whose approval counts for the sign-off (admins count for neither side). */
export const SIGN_OFF_ROLES = ['marketing', 'sales'] as const;

/**
 * Whether one decision counts towards the sign-off rule: an approval by a marketing or sales user
 * who is not the version's author.
 */
export function countsForSignOff(
  approval: { decision: string; role: string; user_id: string },
  authorId: string,
): boolean {
  return (
    approval.decision === 'approve' &&
    approval.user_id !== authorId &&
    (SIGN_OFF_ROLES as readonly string[]).includes(approval.role)
  );
}

/** One version (with its document) of a workspace, or undefined. */
export async function findVersion(db: Executor, workspaceId: string, versionId: string) {
  return db
    .selectFrom('versions')
    .innerJoin('workflows', 'workflows.id', 'versions.workflow_id')
    .innerJoin('users', 'users.id', 'versions.author_id')
    .select([
      ...versionColumns,
      'versions.document',
      'users.name as authorName',
      'workflows.name as workflowName',
      'workflows.slug as workflowSlug',
    ])
    .where('workflows.workspace_id', '=', workspaceId)
    .where('versions.id', '=', versionId)
    .executeTakeFirst();
}

export async function setVersionStatus(
  trx: Transaction<DB>,
  versionId: string,
  status: VersionStatus,
) {
  await trx.updateTable('versions').set({ status }).where('id', '=', versionId).execute();
}

/** Records an approval or rejection; a user's newer decision on the same version replaces theirs. */
export async function recordDecision(
  trx: Transaction<DB>,
  input: {
    versionId: string;
    userId: string;
    role: string;
    decision: 'approve' | 'reject';
    comment: string;
  },
) {
  await trx
    .deleteFrom('approvals')
    .where('version_id', '=', input.versionId)
    .where('user_id', '=', input.userId)
    .execute();
  await trx
    .insertInto('approvals')
    .values({
      version_id: input.versionId,
      user_id: input.userId,
      role: input.role,
      decision: input.decision,
      comment: input.comment,
    })
    .execute();
}

/**
 * The sign-off rule: approved once at least one marketing and one sales user other than the
 * author approved (admins count for neither side).
 */
export async function hasDualSignOff(
  db: Executor,
  versionId: string,
  authorId: string,
): Promise<boolean> {
  const rows = await db
    .selectFrom('approvals')
    .select(['role', 'decision', 'user_id'])
    .where('version_id', '=', versionId)
    .execute();
  const roles = new Set(rows.filter((r) => countsForSignOff(r, authorId)).map((r) => r.role));
  return SIGN_OFF_ROLES.every((role) => roles.has(role));
}

/**
 * Makes `versionId` the published version: supersedes the current one and records the
 * publication with who did it and why.
 */
export async function publish(
  trx: Transaction<DB>,
  input: {
    workflowId: string;
    versionId: string;
    userId: string;
    kind: 'publish' | 'rollback';
    reason: string;
  },
) {
  // Strictly after the workflow's last publication (the caller holds the workflow lock), so
  // "what was live at T" orders publish and rollback correctly even within one millisecond or
  // across API servers whose clocks disagree slightly.
  const last = await trx
    .selectFrom('publications')
    .select((eb) => eb.fn.max('published_at').as('at'))
    .where('workflow_id', '=', input.workflowId)
    .executeTakeFirst();
  const lastMs = last?.at ? new Date(last.at).getTime() : 0;
  const now = new Date(Math.max(Date.now(), lastMs + 1));
  const previous = await trx
    .updateTable('versions')
    .set({ status: 'superseded' })
    .where('workflow_id', '=', input.workflowId)
    .where('status', '=', 'published')
    .returning(['id', 'number'])
    .executeTakeFirst();
  await trx
    .updateTable('versions')
    .set({ status: 'published', published_at: now, published_by: input.userId })
    .where('id', '=', input.versionId)
    .execute();
  await trx
    .insertInto('publications')
    .values({
      workflow_id: input.workflowId,
      version_id: input.versionId,
      kind: input.kind,
      published_by: input.userId,
      published_at: now,
      reason: input.reason,
    })
    .execute();
  return { previous: previous ?? null, publishedAt: now };
}

/** The published version of a workflow (with its document), or undefined. */
export async function publishedVersion(db: Executor, workflowId: string) {
  return db
    .selectFrom('versions')
    .select(['id', 'number', 'compiled_hash', 'catalog_hash', 'document'])
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'published')
    .executeTakeFirst();
}

/** Version `number` of a workflow (with its document), or undefined. */
export async function versionByNumber(db: Executor, workflowId: string, number: number) {
  return db
    .selectFrom('versions')
    .select(['id', 'number', 'compiled_hash', 'catalog_hash', 'document'])
    .where('workflow_id', '=', workflowId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** What was live at time `at`: the latest publication at or before it, with who made it live and why. */
export async function liveAt(db: Executor, workflowId: string, at: Date) {
  return db
    .selectFrom('publications')
    .innerJoin('versions', 'versions.id', 'publications.version_id')
    .innerJoin('users', 'users.id', 'publications.published_by')
    .select([
      'versions.id as versionId',
      'versions.number',
      'publications.kind',
      'publications.published_at',
      'publications.reason',
      'publications.published_by as publishedById',
      'users.name as publishedBy',
    ])
    .where('publications.workflow_id', '=', workflowId)
    .where('publications.published_at', '<=', at)
    .orderBy('publications.published_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Whether a finished simulation ran a candidate against the baseline version: the candidate
 * version itself or, given `candidateHash`, anything (a draft, another version) with exactly that
 * content.
 */
export async function hasSimulationRun(
  db: Executor,
  candidateVersionId: string,
  baselineVersionId: string,
  candidateHash?: string,
) {
  const row = await db
    .selectFrom('simulation_runs')
    .select('id')
    .where('baseline_version_id', '=', baselineVersionId)
    .where('status', '=', 'done')
    .where((eb) =>
      candidateHash === undefined
        ? eb('candidate_version_id', '=', candidateVersionId)
        : eb.or([
            eb('candidate_version_id', '=', candidateVersionId),
            eb('candidate_hash', '=', candidateHash),
          ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** The newest version of a workflow (number and pinned catalog), or undefined. */
export async function latestVersion(db: Executor, workflowId: string) {
  return db
    .selectFrom('versions')
    .select(['id', 'number', 'catalog_hash'])
    .where('workflow_id', '=', workflowId)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Whether `versionId` is a version of `workflowId`. */
export async function isVersionOf(
  db: Executor,
  workflowId: string,
  versionId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('versions')
    .select('id')
    .where('id', '=', versionId)
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  return row !== undefined;
}
