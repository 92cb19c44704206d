import { defaultWorkflow, type NodeOf } from '@accord/engine';
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { undo } from './commands';
import { InspectorPanel } from './inspector-panel';
import { createEditorStore, EditorStoreContext, type EditorStore } from './store';
import { renderWithWorkflow } from './testing';

afterEach(cleanup);

const points = (store: EditorStore, rowId: string) =>
  (store.getState().doc.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>).data.rows.find(
    (r) => r.id === rowId,
  )?.points;

describe('the inspector', () => {
  it('makes typing in one box one undo step, and the next box another, however quick', async () => {
    const store = createEditorStore(defaultWorkflow());
    act(() => store.getState().select({ nodes: ['fit'], edges: [] }));
    renderWithWorkflow(
      <EditorStoreContext.Provider value={store}>
        <InspectorPanel />
      </EditorStoreContext.Provider>,
    );
    const box = (rowId: string) =>
      within(screen.getByTestId(`score-row-${rowId}`)).getByRole('textbox', { name: 'Points' });
    const before = points(store, 'name');
    await userEvent.clear(box('name'));
    await userEvent.type(box('name'), '12');
    await userEvent.clear(box('title_given'));
    await userEvent.type(box('title_given'), '7');
    expect([points(store, 'name'), points(store, 'title_given')]).toEqual([12, 7]);
    // Within a second of each other, but two boxes: undo takes back only the second.
    act(() => undo(store));
    expect(points(store, 'name')).toBe(12);
    act(() => undo(store));
    expect(points(store, 'name')).toBe(before);
  });
});
