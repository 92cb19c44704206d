import type { Presence, ServerPresence } from '@accord/collab';
import { defaultWorkflow } from '@accord/engine';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InspectorPanel } from '../inspector-panel';
import { createEditorStore, EditorStoreContext } from '../store';
import { renderWithWorkflow } from '../testing';
import {
  editingText,
  initials,
  peersOf,
  persistedBy,
  saveStateOf,
  selectionsByNode,
  throttle,
  type Peer,
} from './presence';
import { PresenceAvatars, PresenceHint } from './presence-bar';
import { SharedDraftContext, type SharedDraftPresence } from './shared-draft';
import type { SharedDraftSnapshot } from './shared-draft-session';

afterEach(cleanup);

const sam: Presence = {
  user: { id: 'u-sam', name: 'Sam Sales', role: 'sales', colour: '#1971c2' },
  cursor: { x: 10, y: 20 },
  selection: ['fit'],
  editing: { nodeId: 'fit', what: 'Title is VP' },
};
const maya: Presence = {
  user: { id: 'u-maya', name: 'Maya Marketing', role: 'marketing', colour: '#d9480f' },
};
const server = (persisted: Record<string, number>, revision: number): ServerPresence => ({
  server: { instance: 'a', revision, savedAt: '2026-12-04T00:00:00Z', persisted },
});

describe('presence helpers', () => {
  it('lists the others, not me nor the servers, by name', () => {
    const states = new Map<number, unknown>([
      [1, sam],
      [2, maya],
      [3, server({}, 1)],
      [4, { ...maya, user: { ...maya.user } }],
      [5, {}],
    ]);
    const peers = peersOf(states, 2);
    expect(peers.map((p) => [p.clientId, p.user.name])).toEqual([
      [4, 'Maya Marketing'],
      [1, 'Sam Sales'],
    ]);
  });

  it('groups who selected which step, so two people on one step share one outline', () => {
    const peers = peersOf(
      new Map<number, unknown>([
        [1, sam],
        [2, { ...maya, selection: ['fit', 'start'] }],
      ]),
      0,
    );
    const grouped = selectionsByNode(peers);
    expect([...grouped].map(([id, ps]) => [id, ps.map((p) => p.user.name)])).toEqual([
      ['fit', ['Maya Marketing', 'Sam Sales']],
      ['start', ['Maya Marketing']],
    ]);
  });

  it('takes the highest persisted clock and revision over several server instances', () => {
    const states = new Map<number, unknown>([
      [7, server({ '42': 3 }, 5)],
      [8, server({ '42': 9, '43': 1 }, 4)],
      [1, sam],
    ]);
    expect(persistedBy(states, 42)).toEqual({ clock: 9, revision: 5 });
    expect(persistedBy(states, 99)).toEqual({ clock: 0, revision: 5 });
    expect(persistedBy(new Map([[1, sam]]), 42)).toBeNull();
  });

  it('says saved only once the server holds all my changes (or I made none)', () => {
    const online = { synced: true, everSynced: true };
    expect(saveStateOf({ ...online, myClock: 0, persistedClock: 0 })).toBe('saved');
    expect(saveStateOf({ ...online, myClock: 5, persistedClock: 4 })).toBe('unsaved');
    expect(saveStateOf({ ...online, myClock: 5, persistedClock: 5 })).toBe('saved');
    expect(saveStateOf({ synced: false, everSynced: true, myClock: 5, persistedClock: 5 })).toBe(
      'offline',
    );
    expect(saveStateOf({ synced: false, everSynced: false, myClock: 0, persistedClock: 0 })).toBe(
      'connecting',
    );
  });

  it('names what someone edits by the step’s label', () => {
    const doc = defaultWorkflow();
    expect(editingText(sam, doc)).toBe('Sam Sales is editing Fit: who the lead is › Title is VP');
    expect(editingText(maya, doc)).toBeNull();
    expect(editingText({ ...sam, editing: { nodeId: 'gone', what: 'x' } }, doc)).toBeNull();
    expect([initials('Sam Sales'), initials('ops'), initials('Ann de la Mer')]).toEqual([
      'SS',
      'OP',
      'AM',
    ]);
  });

  it('throttles to one call per interval and never loses the last one', () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const send = throttle((n: number) => calls.push(n), 50);
      send(1);
      send(2);
      send(3);
      expect(calls).toEqual([1]);
      vi.advanceTimersByTime(50);
      expect(calls).toEqual([1, 3]);
      send(4);
      send.cancel();
      vi.advanceTimersByTime(100);
      expect(calls).toEqual([1, 3]);
    } finally {
      vi.useRealTimers();
    }
  });
});

/** A session stand-in: a snapshot to show and the presence the components set. */
function fakeSession(peers: Peer[]) {
  const snapshot: SharedDraftSnapshot = {
    everSynced: true,
    saveState: 'saved',
    peers,
    serverRevision: 3,
    refused: false,
    turnedAway: null,
    unpersisted: false,
  };
  const presence: Partial<Presence>[] = [];
  const session: SharedDraftPresence = {
    subscribe: () => () => undefined,
    getSnapshot: () => snapshot,
    setPresence: (p) => void presence.push(p),
  };
  return { session, presence };
}

function renderShared(
  ui: React.ReactElement,
  peers: Peer[],
  selected: string[] = [],
  readOnly = false,
) {
  const store = createEditorStore(defaultWorkflow(), { readOnly });
  store.getState().select({ nodes: selected, edges: [] });
  const fake = fakeSession(peers);
  renderWithWorkflow(
    <EditorStoreContext.Provider value={store}>
      <SharedDraftContext.Provider value={fake.session}>{ui}</SharedDraftContext.Provider>
    </EditorStoreContext.Provider>,
  );
  return fake;
}

describe('presence in the editor', () => {
  it('shows each person once with initials in their colour, name and role on hover', () => {
    renderShared(<PresenceAvatars />, [
      { ...sam, clientId: 1 },
      { ...sam, clientId: 2 },
      { ...maya, clientId: 3 },
    ]);
    const avatars = screen.getAllByTestId('presence-avatar');
    expect(avatars.map((a) => [a.textContent, a.title])).toEqual([
      ['SS', 'Sam Sales (sales)'],
      ['MM', 'Maya Marketing (marketing)'],
    ]);
    expect(avatars[0]!.style.background).toBe('rgb(25, 113, 194)');
  });

  it('shows the live hint of who edits what', () => {
    renderShared(<PresenceHint />, [
      { ...sam, clientId: 1 },
      { ...maya, clientId: 3 },
    ]);
    expect(screen.getByTestId('presence-hint').textContent).toBe(
      'Sam Sales is editing Fit: who the lead is › Title is VP',
    );
  });

  it('says which step and row I am editing while an inspector field has focus', () => {
    const { presence } = renderShared(<InspectorPanel />, [], ['fit']);
    const row = screen.getByTestId('score-row-name');
    const input = within(row).getAllByRole('textbox')[0]!;
    act(() => {
      fireEvent.focus(input);
    });
    expect(presence.at(-1)).toEqual({
      editing: { nodeId: 'fit', what: 'First and last name given' },
    });
    act(() => {
      fireEvent.blur(input);
    });
    expect(presence.at(-1)).toEqual({ editing: null });
    act(() => {
      fireEvent.focus(screen.getByTestId('node-label-input'));
    });
    expect(presence.at(-1)).toEqual({ editing: { nodeId: 'fit', what: 'Name' } });
  });

  it('does not say I am editing a row when I only open it', () => {
    const { presence } = renderShared(<InspectorPanel />, [], ['fit']);
    const row = screen.getByTestId('score-row-name');
    act(() => {
      fireEvent.focus(row.querySelector('summary')!);
    });
    expect(presence).toEqual([]);
    act(() => {
      fireEvent.focus(within(row).getAllByRole('textbox')[0]!);
    });
    expect(presence.at(-1)?.editing?.what).toBe('First and last name given');
  });

  it('never says a read-only person is editing', () => {
    const { presence } = renderShared(<InspectorPanel />, [], ['fit'], true);
    act(() => {
      fireEvent.focus(screen.getByTestId('node-label-input'));
    });
    expect(presence).toEqual([]);
  });
});
