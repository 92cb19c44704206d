import { appendAuditEvent, readSharedDraft, storeSharedDraft, type Db } from '@accord/db';
import { readWorkflow, workflowMap, type ServerPresence } from '@accord/collab';
import {
  auditChanges,
  nodeSchema,
  parseWorkflow,
  type AuditChange,
  type FieldCatalog,
  type Workflow,
  type WorkflowNode,
} from '@accord/engine';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { actorOf } from '../services/audited';
import { liveCatalog } from '../services/catalogs';
import type { SessionUser } from '../trpc';

/** Who made a change to a shared draft: a person's socket, or a server-side edit in their name. */
export interface Author {
  readonly user: SessionUser;
  /** What made the edit besides the editor, recorded in the audit event (e.g. the tuning page). */
  readonly via?: Record<string, unknown>;
}

/** Changes that came from the database (a merge of the stored state) or another instance. */
export const DB_ORIGIN = Symbol('database');
export const RELAY_ORIGIN = Symbol('relay');

const isAuthor = (origin: unknown): origin is Author =>
  typeof origin === 'object' && origin !== null && 'user' in origin;

/** What one person changed since the last persist: steps by id, and which other parts. */
interface Contribution {
  user: SessionUser;
  steps: Set<string>;
  edges: boolean;
  /** Top-level parts: name, stages, scores. */
  parts: Set<string>;
  /**
   * What this person changed inside steps, transaction by transaction (so two people editing
   * rows of one step in the same batch are each credited with their own rows only).
   */
  changes: AuditChange[];
  via?: Record<string, unknown>;
}

/** At most this many step changes are kept per person and batch (an audit event shows 40). */
const MAX_TRACKED_CHANGES = 400;

export interface RoomOptions {
  /** How long after the first unsaved change the room persists (≤ a second behind). */
  persistDelayMs: number;
  instance: string;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * One shared draft in memory: the Yjs document everyone in it edits, their presence
 * (awareness), who changed which steps since the last persist, and the persisting itself. The
 * database follows the document at most `persistDelayMs` (+ the write) behind; every persist
 * first merges the state stored in the database (another instance may have written it), then
 * writes the document and state as the next revision with one `draft.save` audit event per
 * person who contributed, naming the steps each changed.
 */
export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: Awareness;
  revision: number;
  /** The document as last persisted (audit events describe changes against it). */
  private persisted: Workflow;
  /** Per client id, how many of its changes the database holds. */
  private persistedVector: Map<number, number>;
  private pending = new Map<string, Contribution>();
  private nodeIds: string[] = [];
  /** Each step as last seen, by id: what a transaction's changes are measured against. */
  private nodeJson = new Map<string, unknown>();
  /** The workspace's fields, for audit texts (refreshed on every persist). */
  private catalog: FieldCatalog;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  /** An explicit save (the API's `draft.save`) makes a revision even when nothing changed. */
  private saveRequested = false;
  /** Sockets and server edits holding the room open. */
  holders = 0;
  /** Set when the room starts to close (see `close`); `closed` once it has. */
  closing: Promise<void> | undefined;
  closed = false;

  constructor(
    private readonly db: Db,
    readonly workflowId: string,
    readonly workspaceId: string,
    loaded: { revision: number; document: Workflow; state: Uint8Array; catalog: FieldCatalog },
    private readonly options: RoomOptions,
  ) {
    Y.applyUpdate(this.doc, loaded.state, DB_ORIGIN);
    this.revision = loaded.revision;
    this.persisted = loaded.document;
    this.persistedVector = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    this.catalog = loaded.catalog;
    this.awareness = new Awareness(this.doc);
    this.refreshNodeIds();
    for (const id of this.nodeIds) this.nodeJson.set(id, this.nodeAt(id));
    workflowMap(this.doc).observeDeep((events, transaction) =>
      this.attribute(events, transaction.origin),
    );
    this.announce();
  }

  /** Whether changes wait to be persisted. */
  get dirty(): boolean {
    return this.pending.size > 0;
  }

  /** Persists now (after what is already under way); resolves once written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.persist());
    return this.chain;
  }

  /**
   * Records an explicit save by `author` (the API's `draft.save`): the next persist makes a
   * revision and an audit event for them even if the document did not change, as every save
   * always has.
   */
  requestSave(author: Author): void {
    this.contribution(author);
    this.saveRequested = true;
  }

  /**
   * Stops the room: persists what is left, then frees the document. `closing` is set at once,
   * so nobody joins a room on its way out; calling it again waits for the same close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flush();
      this.closed = true;
      clearTimeout(this.timer);
      this.awareness.destroy();
      this.doc.destroy();
    })();
    return this.closing;
  }

  private attribute(events: Y.YEvent<Y.AbstractType<unknown>>[], origin: unknown) {
    const touchesNodeList = events.some(
      (e) =>
        (e.path.length === 0 && e.keys.has('nodes')) ||
        (e.path.length === 1 && e.path[0] === 'nodes'),
    );
    const before = this.nodeIds;
    if (touchesNodeList) this.refreshNodeIds();
    const steps = new Set<string>();
    const author = isAuthor(origin) ? this.contribution(origin) : undefined;
    for (const event of events) {
      const [top, index] = event.path;
      if (top === undefined) {
        for (const key of event.keys.keys()) {
          if (key === 'edges' && author) author.edges = true;
          else if (key !== 'nodes') author?.parts.add(key);
        }
      } else if (top === 'nodes' && typeof index === 'number') {
        const id = this.nodeIds[index];
        if (id !== undefined) steps.add(id);
      } else if (top === 'edges' && author) author.edges = true;
      else if (top !== 'nodes') author?.parts.add(String(top));
    }
    if (touchesNodeList) {
      const now = new Set(this.nodeIds);
      const was = new Set(before);
      for (const id of this.nodeIds) if (!was.has(id)) steps.add(id);
      for (const id of before) if (!now.has(id)) steps.add(id);
    }
    // Every origin moves the steps' last-seen state; only a person's transaction is credited.
    for (const id of steps) {
      const was = this.nodeJson.get(id);
      const is = this.nodeAt(id);
      if (is === undefined) this.nodeJson.delete(id);
      else this.nodeJson.set(id, is);
      if (!author) continue;
      author.steps.add(id);
      if (author.changes.length < MAX_TRACKED_CHANGES)
        author.changes.push(...this.stepChanges(was, is));
    }
    if (author) this.schedule();
  }

  /** A step's JSON as the document holds it now (undefined when it is gone). */
  private nodeAt(id: string): unknown {
    const index = this.nodeIds.indexOf(id);
    const nodes = workflowMap(this.doc).get('nodes');
    const node = nodes instanceof Y.Array ? nodes.get(index) : undefined;
    return index >= 0 && node instanceof Y.Map ? node.toJSON() : undefined;
  }

  /** The audit changes between two states of one step (either may be absent or unreadable). */
  private stepChanges(before: unknown, after: unknown): AuditChange[] {
    const asWorkflow = (node: unknown): Workflow => {
      const parsed = node === undefined ? undefined : nodeSchema.safeParse(node);
      const nodes: WorkflowNode[] = parsed?.success ? [parsed.data] : [];
      return { ...this.persisted, nodes, edges: [] };
    };
    return auditChanges(asWorkflow(before), asWorkflow(after), {
      catalog: this.catalog,
      limit: MAX_TRACKED_CHANGES,
    }).changes;
  }

  private contribution(author: Author): Contribution {
    let c = this.pending.get(author.user.id);
    if (!c) {
      c = { user: author.user, steps: new Set(), edges: false, parts: new Set(), changes: [] };
      this.pending.set(author.user.id, c);
    }
    if (author.via) c.via = { ...c.via, ...author.via };
    return c;
  }

  private refreshNodeIds() {
    const nodes = workflowMap(this.doc).get('nodes');
    this.nodeIds =
      nodes instanceof Y.Array
        ? nodes.toArray().map((n) => (n instanceof Y.Map ? String(n.get('id')) : ''))
        : [];
  }

  private schedule() {
    if (this.timer || this.closed) return;
    const delay = this.options.persistDelayMs * Math.min(8, 2 ** this.failures);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.chain = this.chain.then(() => this.persist());
    }, delay);
  }

  private async persist(): Promise<void> {
    if (this.closed) return;
    const contributions = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.db.transaction().execute(async (trx) => {
        const row = await readSharedDraft(trx, this.workflowId, { forUpdate: true });
        if (!row) return;
        // Another instance may have persisted changes this one has not seen (a missed relay).
        if (row.ydoc) Y.applyUpdate(this.doc, row.ydoc, DB_ORIGIN);
        const read = readWorkflow(this.doc);
        if (!read.ok) {
          this.options.log.error(
            { workflowId: this.workflowId, errors: read.errors },
            'shared draft does not read as a workflow; not persisted',
          );
          return;
        }
        if (read.dropped.length > 0)
          this.options.log.warn(
            { workflowId: this.workflowId, dropped: read.dropped },
            'concurrent edits left parts of the shared draft out',
          );
        const previousParse = parseWorkflow(row.document);
        const before = previousParse.ok ? previousParse.workflow : this.persisted;
        const document = read.workflow;
        const changed = this.saveRequested || JSON.stringify(before) !== JSON.stringify(document);
        this.saveRequested = false;
        const revision = changed ? row.revision + 1 : row.revision;
        const last = contributions.at(-1);
        const state = Y.encodeStateAsUpdate(this.doc);
        const vector = Y.decodeStateVector(Y.encodeStateVector(this.doc));
        await storeSharedDraft(trx, {
          workflowId: this.workflowId,
          revision,
          document,
          ydoc: state,
          userId: changed ? (last?.user.id ?? null) : null,
        });
        if (changed && contributions.length > 0) {
          this.catalog = await liveCatalog(trx, this.workspaceId);
          const { changes } = auditChanges(before, document, {
            catalog: this.catalog,
            limit: 10_000,
          });
          for (const c of contributions) {
            // Inside steps: what this person's own transactions changed. Connections, stages,
            // scores and the name: the batch's changes to the parts they touched.
            const mine = [
              ...collapse(c.changes),
              ...changes.filter((change) => touchedPart(change, c)),
            ];
            const steps = [...c.steps].map((id) => stepName(id, before, document));
            await appendAuditEvent(trx, {
              workspaceId: this.workspaceId,
              actor: actorOf(c.user),
              action: 'draft.save',
              entityType: 'draft',
              entityId: this.workflowId,
              workflowId: this.workflowId,
              before: { revision: row.revision },
              after: {
                revision,
                nodes: document.nodes.length,
                edges: document.edges.length,
                shared: true,
                authors: contributions.length,
                steps,
                changes: mine.slice(0, 40),
                more: Math.max(0, mine.length - 40),
                ...c.via,
              },
            });
          }
        }
        this.revision = revision;
        this.persisted = document;
        this.persistedVector = vector;
      });
      this.failures = 0;
      this.announce();
    } catch (error) {
      // Nothing is lost: the changes stay in the document; their authors are credited next time.
      for (const c of contributions) {
        const now = this.pending.get(c.user.id);
        if (!now) this.pending.set(c.user.id, c);
        else {
          for (const s of c.steps) now.steps.add(s);
          for (const p of c.parts) now.parts.add(p);
          now.edges ||= c.edges;
          now.changes.unshift(...c.changes);
        }
      }
      this.failures++;
      this.options.log.error(
        { workflowId: this.workflowId, err: error },
        'persisting a shared draft failed; retrying',
      );
      this.schedule();
    }
  }

  /** Tells everyone in the draft what this instance has persisted (their save state). */
  private announce() {
    if (this.closed) return;
    const vector = this.persistedVector;
    const persisted: Record<string, number> = {};
    // Only the people here now: the state vector of a long-lived draft grows with every session.
    for (const clientId of this.awareness.getStates().keys()) {
      const clock = vector.get(clientId);
      if (clock !== undefined) persisted[String(clientId)] = clock;
    }
    const state: ServerPresence = {
      server: {
        instance: this.options.instance,
        revision: this.revision,
        savedAt: new Date().toISOString(),
        persisted,
      },
    };
    this.awareness.setLocalState(state);
  }

  /** Re-announces after someone joins, so their save state is known. */
  refreshPresence() {
    this.announce();
  }
}

function stepName(id: string, before: Workflow, after: Workflow): string {
  const node = after.nodes.find((n) => n.id === id) ?? before.nodes.find((n) => n.id === id);
  return node ? node.label || node.id : id;
}

/** Whether a change outside the steps lies in a part one person touched. */
function touchedPart(change: AuditChange, c: Contribution): boolean {
  if (change.step === 'Connections') return c.edges;
  if (change.step === 'Workflow') return c.parts.has('name');
  if (change.step === 'Stages') return c.parts.has('stages');
  if (change.step === 'Scores') return c.parts.has('scores');
  return false;
}

/**
 * One change per value: the first `before` and the last `after` of each step › row › field a
 * person changed several times in a batch (typing), and nothing where they changed it back.
 */
function collapse(changes: readonly AuditChange[]): AuditChange[] {
  const byValue = new Map<string, AuditChange>();
  for (const change of changes) {
    const key = JSON.stringify([change.step, change.row ?? null, change.field]);
    const seen = byValue.get(key);
    if (!seen) byValue.set(key, { ...change });
    else if ('after' in change) seen.after = change.after;
    else delete seen.after;
  }
  return [...byValue.values()].filter(
    (c) => !('before' in c && 'after' in c && c.before === c.after),
  );
}
