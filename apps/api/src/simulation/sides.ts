import { findVersion, findWorkspaceCatalog, getDraft } from '@accord/db';
import {
  compile,
  hashWorkflow,
  parseWorkflow,
  type Evaluate,
  type FieldCatalog,
  type Lead,
  type Result,
  type Workflow,
  type WorkflowNode,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { pinnedCatalog } from '../services/catalogs';
import { requireWorkflow } from '../services/workflows';
import { InvalidWorkflow, type Context, type SessionUser } from '../trpc';

export const baselineSchema = z.union([z.literal('published'), z.object({ versionId: z.uuid() })]);
export const candidateSchema = z.union([z.literal('draft'), z.object({ versionId: z.uuid() })]);

/** One side of a comparison, resolved: what it is, and its document. */
export interface ResolvedSide {
  versionId: string | null;
  versionNumber: number | null;
  draftRevision: number | null;
  /** "Version 3 (published)", "Draft (revision 12)". */
  label: string;
  document: Workflow;
  /** A version's pinned catalog; the workspace's live catalog for the draft. */
  catalog: FieldCatalog;
  /**
   * Key for the compile cache: versions never change; a draft revision read with one catalog
   * revision never changes.
   */
  cacheKey: string;
  /**
   * `hashWorkflow` of the document (a version's stored hash; a draft's computed when asked, as
   * hashing a large document costs more than compiling it). Equal hashes, equal rules.
   */
  contentHash: () => string;
}

type Ctx = Context & { user: SessionUser };

/** A version of the workflow (NOT_FOUND if it is not one of this workflow's versions). */
export async function versionSide(
  ctx: Ctx,
  workflowId: string,
  versionId: string,
): Promise<ResolvedSide> {
  const version = await findVersion(ctx.db, ctx.user.workspace_id, versionId);
  if (!version || version.workflow_id !== workflowId)
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `No version ${versionId} of this workflow.`,
    });
  const label = `Version ${version.number} (${version.status})`;
  return {
    versionId: version.id,
    versionNumber: version.number,
    draftRevision: null,
    label,
    document: storedWorkflow(version.document, label),
    catalog: await pinnedCatalog(ctx.db, version.catalog_hash),
    cacheKey: `version:${version.id}`,
    contentHash: () => version.compiled_hash,
  };
}

/** A stored document parsed; PRECONDITION_FAILED naming the side when it no longer parses. */
export function storedWorkflow(document: unknown, label: string): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${label} is not a valid workflow document (${parsed.errors[0]?.path || 'document'}: ${parsed.errors[0]?.message ?? 'unreadable'}).`,
    });
  return parsed.workflow;
}

/**
 * Resolves the baseline (`published` or a version) and the candidate (`draft` or a version) of
 * a workflow of the caller's workspace; PRECONDITION_FAILED when there is no published version
 * or the candidate does not compile (with its diagnostics).
 */
export async function resolveSides(
  ctx: Ctx,
  input: {
    workflowId: string;
    baseline: z.infer<typeof baselineSchema>;
    candidate: z.infer<typeof candidateSchema>;
  },
) {
  const workflow = await requireWorkflow(ctx, input.workflowId);
  let baseline: ResolvedSide;
  if (input.baseline === 'published') {
    if (!workflow.publishedVersionId)
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `${workflow.name} has no published version yet; pick a version as the baseline.`,
      });
    baseline = await versionSide(ctx, workflow.id, workflow.publishedVersionId);
  } else baseline = await versionSide(ctx, workflow.id, input.baseline.versionId);

  let candidate: ResolvedSide;
  if (input.candidate === 'draft') {
    const draft = await getDraft(ctx.db, workflow.id);
    if (!draft) throw new TRPCError({ code: 'NOT_FOUND', message: 'This workflow has no draft.' });
    const live = await findWorkspaceCatalog(ctx.db, ctx.user.workspace_id);
    const label = `Draft (revision ${draft.revision})`;
    const document = storedWorkflow(draft.document, label);
    candidate = {
      versionId: null,
      versionNumber: null,
      draftRevision: draft.revision,
      label,
      document,
      catalog: live.catalog,
      cacheKey: `draft:${workflow.id}:${draft.revision}:catalog:${live.revision}`,
      contentHash: () => hashWorkflow(document),
    };
  } else candidate = await versionSide(ctx, workflow.id, input.candidate.versionId);

  compiledSide(baseline, 'baseline');
  compiledSide(candidate, 'candidate');
  return { workflow, baseline, candidate };
}

const compiledCache = new Map<string, Evaluate>();
const CACHE_SIZE = 64;

/**
 * The evaluator of a side, compiled once per cache key (least recently used dropped past 64);
 * PRECONDITION_FAILED with the diagnostics when it does not compile.
 */
export function compiledSide(
  side: Pick<ResolvedSide, 'cacheKey' | 'document' | 'catalog' | 'label'>,
  name: string,
) {
  const hit = compiledCache.get(side.cacheKey);
  if (hit) {
    compiledCache.delete(side.cacheKey);
    compiledCache.set(side.cacheKey, hit);
    return hit;
  }
  const compiled = compile(side.document, side.catalog);
  if (!compiled.ok)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `The ${name} (${side.label}) has errors and cannot be simulated.`,
      cause: new InvalidWorkflow(compiled.diagnostics),
    });
  compiledCache.set(side.cacheKey, compiled.evaluate);
  if (compiledCache.size > CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value!);
  return compiled.evaluate;
}

/** One step of a lead's path through a workflow, with the node's label and kind. */
export interface PathStep {
  nodeId: string;
  label: string;
  kind: string;
}

/** A side's result for one lead, with its path spelled out in node labels. */
function explained(document: Workflow, result: Result) {
  const nodes = new Map<string, WorkflowNode>(document.nodes.map((n) => [n.id, n]));
  const steps: PathStep[] = result.path.map((nodeId) => {
    const node = nodes.get(nodeId);
    return { nodeId, label: node?.label ?? nodeId, kind: node?.kind ?? 'unknown' };
  });
  return { ...result, steps };
}

type ExplainableSide = Pick<ResolvedSide, 'cacheKey' | 'document' | 'catalog' | 'label'>;

/**
 * One lead through both sides, each with its label, the document and catalog it ran (so both
 * paths can be drawn, and named, on exactly what was evaluated) and its result with the path in
 * node labels.
 */
export function explainOnBothSides(
  sides: { baseline: ExplainableSide; candidate: ExplainableSide },
  lead: Lead,
  asOf: Date,
) {
  const side = (which: 'baseline' | 'candidate') => {
    const { label, document, catalog } = sides[which];
    const result = compiledSide(sides[which], which)(lead, { asOf });
    return { label, document, catalog, ...explained(document, result) };
  };
  const baseline = side('baseline');
  const candidate = side('candidate');
  return { changed: baseline.stage !== candidate.stage, baseline, candidate };
}
