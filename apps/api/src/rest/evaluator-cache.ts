import {
  compile,
  parseWorkflow,
  usedCatalogIds,
  type Evaluate,
  type FieldCatalog,
} from '@accord/engine';
import { pinnedCatalog } from '../services/catalogs';
import { findActiveWorkflowBySlug, publishedVersion, versionByNumber, type Db } from '@accord/db';
import { LRUCache } from 'lru-cache';

export interface CompiledVersion {
  versionId: string;
  number: number;
  /** The version's content hash (`versions.compiled_hash`), as the versions page shows it. */
  hash: string;
  workflowId: string;
  workspaceId: string;
  slug: string;
  evaluate: Evaluate;
  /** The catalog the version pinned: leads are checked against it. */
  catalog: FieldCatalog;
  /** The field and event ids the version reads (its lead schema lists them). */
  reads: { fields: readonly string[]; events: readonly string[] };
  /** The version's node count: its weight in the cache. */
  nodeCount: number;
}

/** Bounds how long a publish, rollback or switch made by another process (instance) goes unseen. */
const RECHECK_AFTER_MS = 2_000;

/**
 * What the cache keeps. Compiled versions are weighed by their node count: 20,000 nodes hold ten
 * workflows of the largest size a draft may have (2,000 nodes) or hundreds of typical ones, tens
 * of MB at most, and a version pushed out is compiled again from the database (milliseconds) when
 * it is asked for next. A published version also stays with its workflow's entry, so evicting
 * an old pinned version never slows the live one. Workflows: one entry per workflow with traffic.
 */
export interface EvaluatorCacheLimits {
  compiledNodes: number;
  compiledVersions: number;
  workflows: number;
}
export const EVALUATOR_CACHE_LIMITS: EvaluatorCacheLimits = {
  compiledNodes: 20_000,
  compiledVersions: 1_000,
  workflows: 10_000,
};

interface WorkflowEntry {
  /** When it was read from the database. */
  loadedAt: number;
  workflowId: string;
  workspaceId: string;
  slug: string;
  /** Whether each evaluation is stored in the decision log. */
  decisionLog: boolean;
  published: CompiledVersion | null;
}

/**
 * Compiled evaluators, one per version (versions are immutable, so an entry never goes stale),
 * and per workflow the pointer to its published version and its decision-log switch, both in
 * bounded least-recently-used caches (`EvaluatorCacheLimits`).
 * `invalidateWorkflow` is called after a publish, a rollback or a decision-log switch commits, so
 * the very next request sees the change; one made through another API instance is seen within
 * 2 seconds (entries are read again once they are that old).
 */
export class EvaluatorCache {
  readonly #versions: LRUCache<string, CompiledVersion>;
  readonly #workflows: LRUCache<string, WorkflowEntry>;

  constructor(
    private readonly db: Db,
    limits: EvaluatorCacheLimits = EVALUATOR_CACHE_LIMITS,
  ) {
    this.#versions = new LRUCache({
      max: limits.compiledVersions,
      maxSize: limits.compiledNodes,
      // A bigger workflow than the whole budget is still compiled, just not kept.
      sizeCalculation: (entry) => entry.nodeCount,
    });
    this.#workflows = new LRUCache({ max: limits.workflows });
  }

  /** How many compiled versions are kept (besides the published ones their workflows hold). */
  get compiledVersions(): number {
    return this.#versions.size;
  }

  invalidateWorkflow(workflowId: string) {
    const stale = [...this.#workflows.entries()].filter(([, e]) => e.workflowId === workflowId);
    for (const [key] of stale) this.#workflows.delete(key);
  }

  /** The workflow `slug` of a workspace with its compiled published version; null if unknown. */
  async workflow(workspaceId: string, slug: string): Promise<WorkflowEntry | null> {
    const key = `${workspaceId}/${slug}`;
    const cached = this.#workflows.get(key);
    if (cached && Date.now() - cached.loadedAt < RECHECK_AFTER_MS) return cached;
    const row = await findActiveWorkflowBySlug(this.db, workspaceId, slug);
    if (!row) {
      this.#workflows.delete(key);
      return null;
    }
    const published = await publishedVersion(this.db, row.id);
    const entry: WorkflowEntry = {
      loadedAt: Date.now(),
      workflowId: row.id,
      workspaceId: row.workspace_id,
      slug: row.slug,
      decisionLog: row.decision_log,
      published: published ? await this.#compiled(row, published) : null,
    };
    this.#workflows.set(key, entry);
    return entry;
  }

  /** A named version of the workflow, compiled; null when the workflow has no such number. */
  async version(entry: WorkflowEntry, number: number): Promise<CompiledVersion | null> {
    if (entry.published?.number === number) return entry.published;
    const row = await versionByNumber(this.db, entry.workflowId, number);
    return row
      ? await this.#compiled(
          { id: entry.workflowId, workspace_id: entry.workspaceId, slug: entry.slug },
          row,
        )
      : null;
  }

  async #compiled(
    workflow: { id: string; workspace_id: string; slug: string },
    version: {
      id: string;
      number: number;
      document: unknown;
      catalog_hash: string;
      compiled_hash: string;
    },
  ): Promise<CompiledVersion> {
    const hit = this.#versions.get(version.id);
    if (hit) return hit;
    const parsed = parseWorkflow(version.document);
    if (!parsed.ok)
      throw new Error(`Version ${version.number} of ${workflow.slug} is not a valid document`);
    const catalog = await pinnedCatalog(this.db, version.catalog_hash);
    const compiled = compile(parsed.workflow, catalog);
    if (!compiled.ok) {
      throw new Error(`Version ${version.number} of ${workflow.slug} does not compile`);
    }
    const reads = usedCatalogIds(parsed.workflow);
    const entry: CompiledVersion = {
      versionId: version.id,
      number: version.number,
      hash: version.compiled_hash,
      workflowId: workflow.id,
      workspaceId: workflow.workspace_id,
      slug: workflow.slug,
      evaluate: compiled.evaluate,
      catalog,
      reads: { fields: [...reads.fields], events: [...reads.events] },
      nodeCount: Math.max(1, parsed.workflow.nodes.length),
    };
    this.#versions.set(version.id, entry);
    return entry;
  }
}
