/**
 * Tuning on outcomes (issue #19): evidence per rule, signals per field, threshold curves,
 * suggested points and a drafted scorecard, computed by the engine over a stored lead set with
 * outcomes, page by page (the event loop serves other requests between pages), cached per
 * (lead set, document, catalog, seed, share, as-of). Applying a suggestion is a draft edit
 * through `saveDraftDocument`, attributed and audited like any other.
 */
import { findWorkspaceCatalog, getDraft, leadPageJson } from '@accord/db';
import {
  createRulePass,
  createSignals,
  draftScorecard,
  isComparison,
  parseWorkflow,
  scorecardWorkflow,
  suggestPoints,
  withDraftThreshold,
  type EvidenceReport,
  type FieldCatalog,
  type Lead,
  type Predicate,
  type ScorecardRow,
  type SignalsReport,
  type SplitOptions,
  type ThresholdReport,
  type Workflow,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { LRUCache } from 'lru-cache';
import { storedWorkflow, versionSide } from '../simulation/sides';
import type { Context, SessionUser } from '../trpc';
import { saveDraftDocument } from './drafts';
import { requireLeadSet } from './lead-sets';
import { requireWorkflow } from './workflows';

type Ctx = Context & { user: SessionUser };

/** Leads read from the database per page. */
export const TUNING_PAGE = 5_000;

/** Which document the rules come from: the draft or a version of the workflow. */
export type TuningSide = 'draft' | { versionId: string };

/** What a report names about the document it read. */
export interface SideInfo {
  label: string;
  versionId: string | null;
  draftRevision: number | null;
}

export interface SplitInput extends SplitOptions {
  leadSetId: string;
  asOf?: Date;
}

interface ResolvedDocument {
  info: SideInfo;
  document: Workflow;
  catalog: FieldCatalog;
  /** Versions never change; a draft revision read with one catalog revision never changes. */
  cacheKey: string;
}

interface SignalsEntry {
  report: SignalsReport;
  sample: readonly Record<string, unknown>[];
  catalog: FieldCatalog;
  asOf: Date;
}

// Results are small (counts, curves); a pass over a million leads is not. Promises are cached so
// that the same question asked twice at once reads the leads once.
const rulePasses = new LRUCache<
  string,
  Promise<{ evidence: EvidenceReport; thresholds: ThresholdReport }>
>({ max: 64 });
const signalPasses = new LRUCache<string, Promise<SignalsEntry>>({ max: 32 });
const draftPasses = new LRUCache<string, Promise<ThresholdReport>>({ max: 32 });

/** Settles a cached promise, dropping it from the cache when it fails (so a retry reads again). */
function cached<T>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>) {
  let hit = cache.get(key);
  if (!hit) {
    hit = make();
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
  }
  return hit;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A ready lead set of the caller's workspace with outcomes, and the day to read it as of. */
async function outcomeSet(ctx: Ctx, input: SplitInput) {
  const set = await requireLeadSet(ctx, input.leadSetId);
  if (set.status !== 'ready')
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${set.name} is ${set.status}; tuning needs a ready lead set.`,
    });
  if (!set.has_outcomes)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${set.name} has no outcomes (converted or not): tuning needs leads whose outcome is known.`,
    });
  const generatedAsOf = (set.source as { asOf?: unknown } | null)?.asOf;
  const asOf =
    input.asOf ?? (typeof generatedAsOf === 'string' ? new Date(generatedAsOf) : new Date());
  // A set's leads never change after loading: its id and size name its content.
  return { set, asOf, setKey: `${set.id}:${set.lead_count}` };
}

/** Streams a lead set page by page into `add`, yielding to the event loop between pages. */
async function readLeads(
  ctx: Ctx,
  set: { id: string; lead_count: number },
  add: (leads: Lead[]) => void,
) {
  for (let from = 0; from < set.lead_count; from += TUNING_PAGE) {
    const page = await leadPageJson(ctx.db, set.id, from, TUNING_PAGE);
    add(JSON.parse(page.json) as Lead[]);
    await nextTick();
  }
}

/** The draft or a version of a workflow of the caller's workspace, with its catalog. */
export async function resolveDocument(
  ctx: Ctx,
  workflowId: string,
  side: TuningSide,
): Promise<ResolvedDocument> {
  const workflow = await requireWorkflow(ctx, workflowId);
  if (side !== 'draft') {
    const version = await versionSide(ctx, workflow.id, side.versionId);
    return {
      info: {
        label: version.label,
        versionId: version.versionId,
        draftRevision: null,
      },
      document: version.document,
      catalog: version.catalog,
      cacheKey: version.cacheKey,
    };
  }
  const draft = await getDraft(ctx.db, workflow.id);
  if (!draft) throw new TRPCError({ code: 'NOT_FOUND', message: 'This workflow has no draft.' });
  const live = await findWorkspaceCatalog(ctx.db, ctx.user.workspace_id);
  const label = `Draft (revision ${draft.revision})`;
  return {
    info: { label, versionId: null, draftRevision: draft.revision },
    document: storedWorkflow(draft.document, label),
    catalog: live.catalog,
    cacheKey: `draft:${workflow.id}:${draft.revision}:catalog:${live.revision}`,
  };
}

const splitKey = (input: SplitOptions, asOf: Date) =>
  `${JSON.stringify(input.seed)}:${input.holdoutShare}:${asOf.getTime()}`;

/** One pass of the lead set through a document: evidence and thresholds (cached). */
async function rulePass(ctx: Ctx, doc: ResolvedDocument, input: SplitInput) {
  const { set, asOf, setKey } = await outcomeSet(ctx, input);
  const key = `${setKey}:${doc.cacheKey}:${splitKey(input, asOf)}`;
  return cached(rulePasses, key, async () => {
    let pass: ReturnType<typeof createRulePass>;
    try {
      pass = createRulePass(doc.document, doc.catalog, input, { asOf });
    } catch (error) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: `${doc.info.label} has errors and cannot be judged on outcomes.`,
        cause: error,
      });
    }
    await readLeads(ctx, set, (leads) => pass.add(leads));
    return { evidence: pass.evidence(), thresholds: pass.thresholds() };
  });
}

/** Evidence per rule of the draft or a version on a lead set with outcomes. */
export async function ruleEvidence(
  ctx: Ctx,
  input: SplitInput & { workflowId: string; side: TuningSide },
) {
  const doc = await resolveDocument(ctx, input.workflowId, input.side);
  const { evidence } = await rulePass(ctx, doc, input);
  return { ...evidence, side: doc.info };
}

/** Threshold curves per score and the MQL-or-better decision. */
export async function ruleThresholds(
  ctx: Ctx,
  input: SplitInput & { workflowId: string; side: TuningSide },
) {
  const doc = await resolveDocument(ctx, input.workflowId, input.side);
  const { thresholds } = await rulePass(ctx, doc, input);
  return { ...thresholds, side: doc.info };
}

/** Suggested points per scorecard row. */
export async function pointSuggestions(
  ctx: Ctx,
  input: SplitInput & { workflowId: string; side: TuningSide; step: number; shrinkage: number },
) {
  const doc = await resolveDocument(ctx, input.workflowId, input.side);
  const { evidence } = await rulePass(ctx, doc, input);
  return {
    ...suggestPoints(doc.document, evidence, { step: input.step, shrinkage: input.shrinkage }),
    side: doc.info,
  };
}

/** Signals of every field of the workspace's live catalog (cached with its sample). */
async function signalPass(ctx: Ctx, input: SplitInput): Promise<SignalsEntry> {
  const { set, asOf, setKey } = await outcomeSet(ctx, input);
  const live = await findWorkspaceCatalog(ctx.db, ctx.user.workspace_id);
  const key = `${setKey}:catalog:${ctx.user.workspace_id}:${live.revision}:${splitKey(input, asOf)}`;
  return cached(signalPasses, key, async () => {
    const signals = createSignals(live.catalog, input, { asOf });
    await readLeads(ctx, set, (leads) => signals.add(leads));
    return { report: signals.result(), sample: signals.sample(), catalog: live.catalog, asOf };
  });
}

/** Signals per field, strongest first. */
export async function fieldSignals(ctx: Ctx, input: SplitInput) {
  return (await signalPass(ctx, input)).report;
}

/**
 * A scorecard drafted from the signals for the score of scorecard `nodeId` of the draft (the
 * first scorecard by default), with the threshold flagging `flagShare` of the fit part, judged
 * on both parts by a pass of the leads through the drafted scorecard.
 */
export async function draftedScorecard(
  ctx: Ctx,
  input: SplitInput & {
    workflowId: string;
    nodeId?: string;
    maxRows: number;
    flagShare: number;
    step: number;
    includeLeaky: boolean;
  },
) {
  const doc = await resolveDocument(ctx, input.workflowId, 'draft');
  const scorecards = doc.document.nodes.filter((n) => n.kind === 'scorecard');
  const target = input.nodeId ? scorecards.find((n) => n.id === input.nodeId) : scorecards[0];
  if (input.nodeId && !target)
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `The draft has no scorecard ${input.nodeId}.`,
    });
  const score = target?.data.score ?? doc.document.scores[0]?.id;
  if (!score)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: 'The draft defines no score for a scorecard to add to.',
    });
  const signals = await signalPass(ctx, input);
  let draft;
  try {
    draft = draftScorecard(signals.report, signals.catalog, {
      score,
      maxRows: input.maxRows,
      step: input.step,
      includeLeaky: input.includeLeaky,
      sample: signals.sample,
      asOf: signals.asOf,
    });
  } catch (error) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: error instanceof Error ? error.message : String(error),
    });
  }
  if (draft.data.rows.length === 0) return { ...draft, nodeId: target?.id ?? null, score };
  const { set, asOf, setKey } = await outcomeSet(ctx, input);
  const workflow = scorecardWorkflow(draft.data);
  const key = `${setKey}:${JSON.stringify(draft.data)}:${splitKey(input, asOf)}`;
  const thresholds = await cached(draftPasses, key, async () => {
    const pass = createRulePass(workflow, signals.catalog, input, { asOf });
    await readLeads(ctx, set, (leads) => pass.add(leads));
    return pass.thresholds();
  });
  return {
    ...withDraftThreshold(draft, thresholds.scores[0]!, input.flagShare),
    nodeId: target?.id ?? null,
    score,
  };
}

/** The draft to edit: parsed, at the revision the caller saw (a stale one gets CONFLICT on save). */
async function draftToEdit(ctx: Ctx, workflowId: string) {
  const doc = await resolveDocument(ctx, workflowId, 'draft');
  return structuredClone(doc.document);
}

/** An edited draft parsed again (BAD_REQUEST naming the path when the edit made it invalid). */
function parseDocument(document: Workflow): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: first ? `${first.path}: ${first.message}` : 'Not a workflow document.',
    });
  }
  return parsed.workflow;
}

const notFound = (message: string) => new TRPCError({ code: 'NOT_FOUND', message });

/** Sets the points of scorecard rows in the draft: one audited draft save. */
export async function applyPoints(
  ctx: Ctx,
  input: {
    workflowId: string;
    baseRevision: number;
    nodeId: string;
    rows: { rowId: string; points: number }[];
  },
) {
  const document = await draftToEdit(ctx, input.workflowId);
  const node = document.nodes.find((n) => n.id === input.nodeId);
  if (!node || node.kind !== 'scorecard')
    throw notFound(`The draft has no scorecard ${input.nodeId}.`);
  const changed: { rowId: string; from: number; to: number }[] = [];
  for (const { rowId, points } of input.rows) {
    const row = node.data.rows.find((r) => r.id === rowId);
    if (!row) throw notFound(`${node.label} has no row ${rowId}.`);
    changed.push({ rowId, from: row.points, to: points });
    row.points = points;
  }
  return saveDraftDocument(ctx, {
    workflowId: input.workflowId,
    baseRevision: input.baseRevision,
    document: parseDocument(document),
    via: { tuning: 'suggestedPoints', nodeId: node.id, rows: changed },
  });
}

/** A threshold site: node, case or criterion, and the path down to the comparison. */
export interface SiteInput {
  nodeId: string;
  rowId: string | null;
  path: number[];
}

/** The comparison a site names in a document (edited in place), or NOT_FOUND / BAD_REQUEST. */
function siteComparison(document: Workflow, site: SiteInput) {
  const node = document.nodes.find((n) => n.id === site.nodeId);
  if (!node) throw notFound(`The draft has no node ${site.nodeId}.`);
  let root: Predicate | undefined;
  if (node.kind === 'condition' && site.rowId === null) root = node.data.when;
  else if (node.kind === 'switch') root = node.data.cases.find((c) => c.id === site.rowId)?.when;
  else if (node.kind === 'checklist')
    root = node.data.criteria.find((c) => c.id === site.rowId)?.when;
  if (!root) throw notFound(`${node.label} has no rule ${site.rowId ?? ''} with a threshold.`);
  let p: Predicate = root;
  for (const i of site.path) {
    const children: Predicate[] | undefined = isComparison(p)
      ? undefined
      : 'all' in p
        ? p.all
        : 'any' in p
          ? p.any
          : undefined;
    const child = children?.[i];
    if (!child) throw notFound(`${node.label} has no comparison at ${site.path.join('.')}.`);
    p = child;
  }
  if (!isComparison(p) || p.operand.kind !== 'score' || (p.op !== 'gte' && p.op !== 'gt'))
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `${node.label} › ${site.path.join('.') || 'rule'} is not a score threshold (score ≥ value).`,
    });
  return { node, comparison: p };
}

/** Sets a score threshold (`score ≥ value`) in the draft: one audited draft save. */
export async function applyThreshold(
  ctx: Ctx,
  input: { workflowId: string; baseRevision: number; site: SiteInput; value: number },
) {
  const document = await draftToEdit(ctx, input.workflowId);
  const { node, comparison } = siteComparison(document, input.site);
  const from = comparison.value;
  comparison.value = input.value;
  return saveDraftDocument(ctx, {
    workflowId: input.workflowId,
    baseRevision: input.baseRevision,
    document: parseDocument(document),
    via: {
      tuning: 'threshold',
      nodeId: node.id,
      rowId: input.site.rowId,
      score: comparison.operand.kind === 'score' ? comparison.operand.score : null,
      from,
      to: input.value,
    },
  });
}

/**
 * Replaces the rows of scorecard `nodeId` with drafted rows (its score stays) and optionally
 * sets a threshold, in one audited draft save.
 */
export async function applyScorecard(
  ctx: Ctx,
  input: {
    workflowId: string;
    baseRevision: number;
    nodeId: string;
    rows: ScorecardRow[];
    threshold?: { site: SiteInput; value: number };
  },
) {
  const document = await draftToEdit(ctx, input.workflowId);
  const node = document.nodes.find((n) => n.id === input.nodeId);
  if (!node || node.kind !== 'scorecard')
    throw notFound(`The draft has no scorecard ${input.nodeId}.`);
  const ids = new Set<string>();
  for (const row of input.rows) {
    if (ids.has(row.id))
      throw new TRPCError({ code: 'BAD_REQUEST', message: `Row id ${row.id} is used twice.` });
    ids.add(row.id);
  }
  const before = node.data.rows.length;
  node.data.rows = input.rows;
  let threshold: Record<string, unknown> | undefined;
  if (input.threshold) {
    const { comparison } = siteComparison(document, input.threshold.site);
    threshold = { from: comparison.value, to: input.threshold.value };
    comparison.value = input.threshold.value;
  }
  return saveDraftDocument(ctx, {
    workflowId: input.workflowId,
    baseRevision: input.baseRevision,
    document: parseDocument(document),
    via: {
      tuning: 'draftedScorecard',
      nodeId: node.id,
      rows: { before, after: input.rows.length },
      ...(threshold ? { threshold } : {}),
    },
  });
}
