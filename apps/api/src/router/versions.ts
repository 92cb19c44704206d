import {
  countsForSignOff,
  findVersion,
  getDraft,
  hasDualSignOff,
  hasSimulationRun,
  insertVersion,
  listVersions,
  liveAt,
  lockWorkflow,
  publish,
  publishedVersion,
  recordDecision,
  setVersionStatus,
} from '@accord/db';
import {
  agreementToMarkdown,
  catalogChanges,
  compile,
  describeWorkflow,
  diffLines,
  diffWorkflows,
  fieldChangeText,
  parseWorkflow,
  usedCatalogIds,
  type FieldCatalog,
  type Workflow,
} from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { sharedDraftsOf } from '../collab/shared-drafts';
import {
  InvalidWorkflow,
  protectedProcedure,
  type Context,
  type SessionUser,
  dateInput,
} from '../trpc';
import { mutate } from '../services/audited';
import { liveCatalog, pinLiveCatalog, pinnedCatalog } from '../services/catalogs';
import { requireActiveWorkflow, requireWorkflow } from '../services/workflows';
import { sqlView } from '../warehouse/sql-view';

const versionId = z.object({ versionId: z.uuid() });
/** One side of a diff: a version of the workflow, or its current draft. */
const side = z.union([z.literal('draft'), versionId]);
const comment = z.string().trim().max(2_000).default('');
/** Why a version goes live: required, kept on the publication and in the audit log. */
const reason = z
  .string()
  .trim()
  .min(1, 'Say why this version goes live')
  .max(500, 'Keep the reason to 500 characters');

async function requireVersion(
  ctx: Context & { user: SessionUser },
  id: string,
  db: Parameters<typeof findVersion>[0] = ctx.db,
) {
  const version = await findVersion(db, ctx.user.workspace_id, id);
  if (!version) throw new TRPCError({ code: 'NOT_FOUND', message: `No version ${id}.` });
  return version;
}

function decide(decision: 'approve' | 'reject') {
  return protectedProcedure(decision === 'approve' ? 'versions.approve' : 'versions.reject')
    .input(versionId.extend({ comment }))
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        await lockWorkflow(trx, (await requireVersion(ctx, input.versionId, trx)).workflow_id);
        const version = await requireVersion(ctx, input.versionId, trx);
        if (version.status !== 'proposed' && version.status !== 'approved') {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `Version ${version.number} is ${version.status}; only proposed versions are signed off.`,
          });
        }
        await recordDecision(trx, {
          versionId: version.id,
          userId: ctx.user.id,
          role: ctx.user.role,
          decision,
          comment: input.comment,
        });
        const status =
          decision === 'reject'
            ? 'rejected'
            : (await hasDualSignOff(trx, version.id, version.author_id))
              ? 'approved'
              : 'proposed';
        if (status !== version.status) await setVersionStatus(trx, version.id, status);
        const counts = countsForSignOff(
          { decision, role: ctx.user.role, user_id: ctx.user.id },
          version.author_id,
        );
        await audit({
          action: `version.${decision}`,
          entityType: 'version',
          entityId: version.id,
          workflowId: version.workflow_id,
          before: { status: version.status },
          after: {
            status,
            number: version.number,
            comment: input.comment,
            ownVersion: version.author_id === ctx.user.id,
          },
        });
        return { id: version.id, status, counts };
      }),
    );
}

/** The errors that keep a stored document from compiling with its catalog (empty when it compiles). */
function compileErrors(document: unknown, catalog: FieldCatalog) {
  const parsed = parseWorkflow(document);
  if (!parsed.ok)
    return parsed.errors.map((e) => ({
      severity: 'error' as const,
      code: 'invalid-document',
      message: `${e.path || 'The document'} ${e.message}`,
      path: e.path,
    }));
  const compiled = compile(parsed.workflow, catalog);
  return compiled.ok ? [] : compiled.diagnostics.filter((d) => d.severity === 'error');
}

function goLive(kind: 'publish' | 'rollback') {
  return protectedProcedure(kind === 'publish' ? 'versions.publish' : 'versions.rollback')
    .input(versionId.extend({ reason }))
    .mutation(async ({ ctx, input }) => {
      const found = await requireVersion(ctx, input.versionId);
      const result = await mutate(ctx, async (trx, audit) => {
        await lockWorkflow(trx, found.workflow_id);
        await requireActiveWorkflow(ctx, found.workflow_id, trx);
        const version = await requireVersion(ctx, input.versionId, trx);
        const allowed = kind === 'publish' ? ['approved'] : ['superseded'];
        if (!allowed.includes(version.status)) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message:
              kind === 'publish'
                ? `Version ${version.number} is ${version.status}; it needs a marketing and a sales approval before it can be published.`
                : `Version ${version.number} is ${version.status}; only a version that was live before can be rolled back to.`,
          });
        }
        // A stored version can stop compiling (an engine or catalog change): going live would
        // make every evaluation fail, so it is refused with what is wrong.
        const diagnostics = compileErrors(
          version.document,
          await pinnedCatalog(trx, version.catalog_hash),
        );
        if (diagnostics.length > 0) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `Version ${version.number} no longer compiles (${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'}: ${diagnostics[0]!.message}); it cannot go live.`,
            cause: new InvalidWorkflow(diagnostics),
          });
        }
        const live = await publishedVersion(trx, version.workflow_id);
        if (
          kind === 'publish' &&
          ctx.env.ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH &&
          live &&
          !(await hasSimulationRun(trx, version.id, live.id, version.compiled_hash))
        ) {
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `Run a simulation of version ${version.number} against the live version ${live.number} before publishing it.`,
          });
        }
        const { previous } = await publish(trx, {
          workflowId: version.workflow_id,
          versionId: version.id,
          userId: ctx.user.id,
          kind,
          reason: input.reason,
        });
        await audit({
          action: `version.${kind}`,
          entityType: 'version',
          entityId: version.id,
          workflowId: version.workflow_id,
          before: { published: previous?.number ?? null },
          after: { published: version.number, reason: input.reason },
        });
        return {
          id: version.id,
          number: version.number,
          status: 'published' as const,
          superseded: previous?.number ?? null,
        };
      }).catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505') {
          throw new TRPCError({
            code: 'CONFLICT',
            message: 'Another version was published at the same moment; reload and try again.',
          });
        }
        throw error;
      });
      ctx.caches.evaluators.invalidateWorkflow(found.workflow_id);
      return result;
    });
}

/** A stored version as a workflow with the catalog it pinned; PRECONDITION_FAILED if it no longer parses. */
async function storedWorkflow(
  ctx: Context,
  version: { document: unknown; number: number; catalog_hash: string },
): Promise<{ workflow: Workflow; catalog: FieldCatalog }> {
  const parsed = parseWorkflow(version.document);
  if (!parsed.ok)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `The stored version ${version.number} is not a valid workflow document.`,
    });
  return { workflow: parsed.workflow, catalog: await pinnedCatalog(ctx.db, version.catalog_hash) };
}

/** The document of one side of a diff, with a label such as "version 3" or "draft revision 7". */
async function sideDocument(
  ctx: Context & { user: SessionUser },
  workflowId: string,
  which: z.infer<typeof side>,
): Promise<{ label: string; workflow: Workflow; catalog: FieldCatalog }> {
  let label: string;
  let document: unknown;
  let catalog: FieldCatalog;
  if (which === 'draft') {
    const draft = await getDraft(ctx.db, workflowId);
    if (!draft) throw new TRPCError({ code: 'NOT_FOUND', message: 'This workflow has no draft.' });
    label = `draft revision ${draft.revision}`;
    document = draft.document;
    catalog = await liveCatalog(ctx.db, ctx.user.workspace_id);
  } else {
    const version = await requireVersion(ctx, which.versionId);
    if (version.workflow_id !== workflowId)
      throw new TRPCError({
        code: 'NOT_FOUND',
        message: `No version ${which.versionId} of workflow ${workflowId}.`,
      });
    label = `version ${version.number}`;
    document = version.document;
    catalog = await pinnedCatalog(ctx.db, version.catalog_hash);
  }
  const parsed = parseWorkflow(document);
  if (!parsed.ok)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `The stored ${label} is not a valid workflow document.`,
    });
  return { label, workflow: parsed.workflow, catalog };
}

export const versionsRouter = {
  list: protectedProcedure('versions.list')
    .input(z.object({ workflowId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      const versions = await listVersions(ctx.db, input.workflowId);
      const live = versions.find((v) => v.status === 'published');
      return Promise.all(
        versions.map(async (v) => ({
          ...v,
          /**
           * For a version that could go live after the live one: whether a finished simulation ran
           * it (or the same content) against the live version, and whether publishing needs one.
           */
          publishGate:
            live && live.id !== v.id && (v.status === 'proposed' || v.status === 'approved')
              ? {
                  liveVersionId: live.id,
                  liveVersionNumber: live.number,
                  required: ctx.env.ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH,
                  simulated: await hasSimulationRun(ctx.db, v.id, live.id, v.compiled_hash),
                }
              : null,
        })),
      );
    }),

  get: protectedProcedure('versions.get')
    .input(versionId)
    .query(({ ctx, input }) => requireVersion(ctx, input.versionId)),

  /** Freezes the current draft as the next version; refused with the diagnostics when invalid. */
  propose: protectedProcedure('versions.propose')
    .input(
      z.object({
        workflowId: z.uuid(),
        changeNote: z.string().trim().min(1, 'Say what changed and why').max(4_000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // The version is the shared document as it is now: what people typed a moment ago first.
      await sharedDraftsOf(ctx.db).flush(input.workflowId);
      return mutate(ctx, async (trx, audit) => {
        await requireActiveWorkflow(ctx, input.workflowId, trx);
        await lockWorkflow(trx, input.workflowId);
        const draft = await getDraft(trx, input.workflowId);
        const parsed = parseWorkflow(draft?.document);
        if (!draft || !parsed.ok)
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: 'The draft is not a valid workflow document.',
          });
        // Compiling validates too, and proves the version will run before anyone signs it off.
        // The version pins the workspace's catalog as it is now: later field changes never
        // change what it does.
        const pinned = await pinLiveCatalog(trx, ctx.user.workspace_id);
        const compiled = compile(parsed.workflow, pinned.catalog);
        if (!compiled.ok) {
          const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
          throw new TRPCError({
            code: 'PRECONDITION_FAILED',
            message: `Fix ${errors.length} problem${errors.length === 1 ? '' : 's'} before proposing: ${errors[0]!.message}`,
            cause: new InvalidWorkflow(errors),
          });
        }
        const version = await insertVersion(trx, {
          workflowId: input.workflowId,
          document: parsed.workflow,
          hash: compiled.hash,
          catalogHash: pinned.hash,
          changeNote: input.changeNote,
          basedOnRevision: draft.revision,
          authorId: ctx.user.id,
        });
        await audit({
          action: 'version.propose',
          entityType: 'version',
          entityId: version.id,
          workflowId: input.workflowId,
          after: {
            number: version.number,
            changeNote: input.changeNote,
            hash: version.compiled_hash,
            catalogHash: pinned.hash,
            draftRevision: draft.revision,
          },
        });
        return version;
      });
    }),

  approve: decide('approve'),
  reject: decide('reject'),
  publish: goLive('publish'),
  rollback: goLive('rollback'),

  /** What changed between two versions, or a version and the draft (either way round). */
  diff: protectedProcedure('versions.diff')
    .input(z.object({ workflowId: z.uuid(), from: side, to: side }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      const from = await sideDocument(ctx, input.workflowId, input.from);
      const to = await sideDocument(ctx, input.workflowId, input.to);
      const diff = diffWorkflows(from.workflow, to.workflow, to.catalog);
      // The definitions of the fields either side reads, as each side's catalog has them.
      const used = usedCatalogIds(from.workflow).fields;
      for (const id of usedCatalogIds(to.workflow).fields) used.add(id);
      const fields = catalogChanges(from.catalog, to.catalog, used);
      const lines = [
        ...diffLines(diff),
        ...fields.map((change) => `Field ${fieldChangeText(change)}`),
      ];
      return { from: from.label, to: to.label, diff, fields, lines };
    }),

  /** The field catalog a version pinned when it was proposed: what its rules read. */
  catalog: protectedProcedure('versions.catalog')
    .input(versionId)
    .query(async ({ ctx, input }) => {
      const version = await requireVersion(ctx, input.versionId);
      return {
        versionId: version.id,
        hash: version.catalog_hash,
        catalog: await pinnedCatalog(ctx.db, version.catalog_hash),
      };
    }),

  /**
   * A version as a SQL view for a team's own warehouse, or as a dbt model (what `accord sql`
   * and `accord sql --dbt` print): its definition, or the reasons it cannot be written (a table
   * name, something SQL cannot do).
   */
  sqlView: protectedProcedure('versions.sqlView')
    .input(
      z.object({
        versionId: z.uuid(),
        dialect: z.enum(['postgres', 'duckdb']),
        leadsTable: z.string().trim().min(1).max(200),
        eventsTable: z.string().trim().max(200).optional(),
        dbt: z.boolean().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const version = await requireVersion(ctx, input.versionId);
      const stored = await storedWorkflow(ctx, version);
      const workflow = await requireWorkflow(ctx, version.workflow_id);
      const view = sqlView({
        ...stored,
        slug: workflow.slug,
        version: version.number,
        workflowHash: version.compiled_hash,
        catalogHash: version.catalog_hash,
        dialect: input.dialect,
        leadsTable: input.leadsTable,
        eventsTable: input.eventsTable || undefined,
        dbt: input.dbt === true,
      });
      return view.ok ? { sql: view.sql, errors: [] } : { sql: null, errors: view.errors };
    }),

  /** The plain-language agreement of a version, structured and as Markdown, for signing. */
  agreement: protectedProcedure('versions.agreement')
    .input(versionId)
    .query(async ({ ctx, input }) => {
      const version = await requireVersion(ctx, input.versionId);
      const stored = await storedWorkflow(ctx, version);
      const doc = describeWorkflow(stored.workflow, stored.catalog);
      return {
        versionId: version.id,
        number: version.number,
        status: version.status,
        hash: version.compiled_hash,
        doc,
        markdown: agreementToMarkdown(doc),
      };
    }),

  /** What was live at a moment: the latest publish or rollback at or before `at`. */
  liveAt: protectedProcedure('versions.liveAt')
    .input(z.object({ workflowId: z.uuid(), at: dateInput }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      return (await liveAt(ctx.db, input.workflowId, input.at)) ?? null;
    }),
} satisfies TRPCRouterRecord;
