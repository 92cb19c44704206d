import type { Presence, ServerPresence } from '@accord/collab';
import type { Workflow } from '@accord/engine';

/** Someone else in the shared draft: one browser tab (a person may have several). */
export interface Peer extends Presence {
  clientId: number;
}

/** How the toolbar's save state reads: `data-state` of `save-state`. */
export type SaveState = 'saved' | 'unsaved' | 'offline' | 'connecting';

const isPresence = (state: unknown): state is Presence =>
  typeof state === 'object' &&
  state !== null &&
  typeof (state as Presence).user?.name === 'string' &&
  !('server' in state);

const isServer = (state: unknown): state is ServerPresence =>
  typeof state === 'object' && state !== null && 'server' in state;

/**
 * The other people's tabs in the draft (awareness states with a user), in a stable order (by
 * name, then client id); server entries and my own tab are left out.
 * @example const peers = peersOf(awareness.getStates(), awareness.clientID);
 */
export function peersOf(states: ReadonlyMap<number, unknown>, self: number): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, state] of states)
    if (clientId !== self && isPresence(state)) peers.push({ ...state, clientId });
  return peers.sort((a, b) => a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
}

/** One entry per person (a person with two tabs shows once), for the avatars. */
export function peoplePresent(peers: readonly Peer[]): Peer[] {
  const seen = new Set<string>();
  return peers.filter((p) => !seen.has(p.user.id) && seen.add(p.user.id));
}

/** Who selected each step, in the order of `peers` (the first one's colour outlines it). */
export function selectionsByNode(peers: readonly Peer[]): Map<string, Peer[]> {
  const out = new Map<string, Peer[]>();
  for (const peer of peers)
    for (const nodeId of peer.selection ?? []) {
      const list = out.get(nodeId);
      if (list) list.push(peer);
      else out.set(nodeId, [peer]);
    }
  return out;
}

/**
 * What the servers in the draft have persisted: the highest clock of `clientId` any of them
 * holds (several API instances may each have an entry), and the highest draft revision.
 */
export function persistedBy(
  states: ReadonlyMap<number, unknown>,
  clientId: number,
): { clock: number; revision: number } | null {
  let servers = 0;
  let clock = 0;
  let revision = 0;
  for (const state of states.values()) {
    if (!isServer(state)) continue;
    servers++;
    clock = Math.max(clock, state.server.persisted[String(clientId)] ?? 0);
    revision = Math.max(revision, state.server.revision);
  }
  return servers > 0 ? { clock, revision } : null;
}

/**
 * The save state: `connecting` until the first sync, `offline` when the connection dropped
 * after it (edits are kept and merge on reconnect), `saved` once the server persisted all of
 * my changes (or I made none), `unsaved` before that.
 * @example saveStateOf({ synced: true, everSynced: true, myClock: 4, persistedClock: 4 }) // 'saved'
 */
export function saveStateOf(input: {
  synced: boolean;
  everSynced: boolean;
  myClock: number;
  persistedClock: number;
}): SaveState {
  if (!input.everSynced) return 'connecting';
  if (!input.synced) return 'offline';
  return input.myClock === 0 || input.persistedClock >= input.myClock ? 'saved' : 'unsaved';
}

/** "Sam Sales" → "SS"; one word gives its first two letters. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  return (words[0]![0]! + words[words.length - 1]![0]!).toUpperCase();
}

/** Where a person is editing: "Fit › Title is VP"; null when nowhere (or in a step that is gone). */
export function editingWhere(peer: Presence, doc: Workflow): string | null {
  if (!peer.editing) return null;
  const node = doc.nodes.find((n) => n.id === peer.editing?.nodeId);
  if (!node) return null;
  return [node.label || node.id, peer.editing.what].filter(Boolean).join(' › ');
}

/** The live hint: "Sam Sales is editing Fit › Title is VP"; null when they edit nothing. */
export function editingText(peer: Presence, doc: Workflow): string | null {
  const where = editingWhere(peer, doc);
  return where === null ? null : `${peer.user.name} is editing ${where}`;
}

/**
 * What an inspector control is about, for the hint: the row, criterion or case around it
 * (`data-editing` on its card), else the field's label ("Name").
 */
export function editingWhat(element: Element): string {
  const item = element.closest('[data-editing]')?.getAttribute('data-editing');
  if (item) return item;
  return element.closest('label')?.querySelector('.field-label')?.textContent?.trim() ?? '';
}

/**
 * Calls `fn` at most once per `ms` with the latest arguments (the last call is never lost);
 * `cancel` drops a pending call.
 */
export function throttle<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    const args = pending;
    pending = undefined;
    if (args) fn(...args);
  };
  const throttled = (...args: A) => {
    pending = args;
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return throttled;
}
