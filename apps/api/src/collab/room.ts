import { appendAuditEvent, readSharedDraft, storeSharedDraft, type Db } from '@accord/db';
import { readWorkflow, workflowMap, type ServerPresence } from '@accord/collab';
import { auditChanges, parseWorkflow, type AuditChange, type Workflow } from '@accord/engine';
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
  via?: Record<string, unknown>;
}

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
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  /** Sockets and server edits holding the room open. */
  holders = 0;
  closed = false;

  constructor(
    private readonly db: Db,
    readonly workflowId: string,
    readonly workspaceId: string,
    loaded: { revision: number; document: Workflow; state: Uint8Array },
    private readonly options: RoomOptions,
  ) {
    Y.applyUpdate(this.doc, loaded.state, DB_ORIGIN);
    this.revision = loaded.revision;
    this.persisted = loaded.document;
    this.persistedVector = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    this.awareness = new Awareness(this.doc);
    this.refreshNodeIds();
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

  /** Stops the room: persists what is left, then frees the document. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private attribute(events: Y.YEvent<Y.AbstractType<unknown>>[], origin: unknown) {
    const touchesNodeList = events.some(
      (e) =>
        (e.path.length === 0 && e.keys.has('nodes')) ||
        (e.path.length === 1 && e.path[0] === 'nodes'),
    );
    const before = this.nodeIds;
    if (touchesNodeList) this.refreshNodeIds();
    if (!isAuthor(origin)) return;
    const c = this.contribution(origin);
    for (const event of events) {
      const [top, index] = event.path;
      if (top === undefined) {
        for (const key of event.keys.keys()) {
          if (key === 'edges') c.edges = true;
          else if (key !== 'nodes') c.parts.add(key);
        }
      } else if (top === 'nodes' && typeof index === 'number') {
        const id = this.nodeIds[index];
        if (id !== undefined) c.steps.add(id);
      } else if (top === 'edges') c.edges = true;
      else if (top !== 'nodes') c.parts.add(String(top));
    }
    if (touchesNodeList) {
      const now = new Set(this.nodeIds);
      const was = new Set(before);
      for (const id of this.nodeIds) if (!was.has(id)) c.steps.add(id);
      for (const id of before) if (!now.has(id)) c.steps.add(id);
    }
    this.schedule();
  }

  private contribution(author: Author): Contribution {
    let c = this.pending.get(author.user.id);
    if (!c) {
      c = { user: author.user, steps: new Set(), edges: false, parts: new Set() };
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
        const changed = JSON.stringify(before) !== JSON.stringify(document);
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
          const catalog = await liveCatalog(trx, this.workspaceId);
          const { changes, more } = auditChanges(before, document, { catalog, limit: 10_000 });
          for (const c of contributions) {
            const mine = changes.filter((change) => touchedBy(change, c, before, document));
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
                more: Math.max(0, mine.length - 40) + (contributions.length === 1 ? more : 0),
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

/** Whether an audit change lies in what one person touched (by step label, or edges / parts). */
function touchedBy(change: AuditChange, c: Contribution, before: Workflow, after: Workflow) {
  if (change.step === 'Connections') return c.edges;
  if (change.step === 'Workflow') return c.parts.has('name');
  if (change.step === 'Stages') return c.parts.has('stages');
  if (change.step === 'Scores') return c.parts.has('scores');
  for (const id of c.steps) if (stepName(id, before, after) === change.step) return true;
  return false;
}
