import { defaultWorkflow } from '@accord/engine';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { StagesScoresDialog } from './stages-scores-dialog';
import { scoreUsers } from './stages-scores';
import { createEditorStore, EditorStoreContext, type EditorStore } from './store';

afterEach(cleanup);

function renderDialog(store: EditorStore = createEditorStore(defaultWorkflow())) {
  render(
    <EditorStoreContext.Provider value={store}>
      <StagesScoresDialog open onOpenChange={() => {}} />
    </EditorStoreContext.Provider>,
  );
  return store;
}

const stageLabels = (store: EditorStore) =>
  [...store.getState().doc.stages].sort((a, b) => a.order - b.order).map((s) => s.label);

describe('#17: stages & scores in the editor', () => {
  it('renames, adds, reorders a stage, each one undoable edit of the draft', async () => {
    const store = renderDialog();
    const before = stageLabels(store);
    const mql = screen.getByRole('textbox', { name: 'Stage 2 name' });
    await userEvent.clear(mql);
    await userEvent.type(mql, 'MQ');
    expect(stageLabels(store)[1]).toBe('MQ');
    // Typing into one box is one undo step.
    await userEvent.click(screen.getByRole('button', { name: '↶ Undo' }));
    expect(stageLabels(store)).toEqual(before);

    await userEvent.type(screen.getByRole('textbox', { name: 'New stage name' }), 'Opp 1');
    await userEvent.click(screen.getByRole('button', { name: 'Add stage' }));
    const added = store.getState().doc.stages.find((s) => s.label === 'Opp 1');
    expect(added).toMatchObject({ id: 'opp_1', order: before.length });

    await userEvent.click(screen.getByRole('button', { name: 'Move stage Opp 1 earlier' }));
    expect(stageLabels(store).slice(-2)).toEqual(['Opp 1', before.at(-1)]);
    expect(
      store
        .getState()
        .doc.stages.map((s) => s.order)
        .sort(),
    ).toEqual(before.map((_, i) => i).concat(before.length));
    await userEvent.click(screen.getByRole('button', { name: '↶ Undo' }));
    expect(stageLabels(store).at(-1)).toBe('Opp 1');
  }, 20_000);

  it('refuses to remove a stage a step ends leads in, naming the step, and removes an unused one', async () => {
    const store = renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Remove stage MQL' }));
    expect(screen.getByRole('alert').textContent).toMatch(
      /^MQL is still used by the steps? “.+”: choose another stage there first\.$/,
    );
    expect(store.getState().doc.stages.some((s) => s.id === 'mql')).toBe(true);

    await userEvent.type(screen.getByRole('textbox', { name: 'New stage name' }), 'Won');
    await userEvent.click(screen.getByRole('button', { name: 'Add stage' }));
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Remove stage Won' }));
    expect(store.getState().doc.stages.some((s) => s.id === 'won')).toBe(false);
  });

  it('adds a score, sets its bounds, and flags a lowest value above the highest', async () => {
    const store = renderDialog();
    await userEvent.type(screen.getByRole('textbox', { name: 'New score name' }), 'Intent');
    await userEvent.click(screen.getByRole('button', { name: 'Add score' }));
    const table = screen.getByTestId('scores-table');
    const row = within(table).getAllByRole('row').at(-1)!;
    await userEvent.type(within(row).getByRole('textbox', { name: /lowest value/ }), '10');
    await userEvent.type(within(row).getByRole('textbox', { name: /highest value/ }), '5');
    expect(store.getState().doc.scores.at(-1)).toEqual({
      id: 'intent',
      label: 'Intent',
      min: 10,
      max: 5,
    });
    expect(screen.getByTestId('bounds-problems').textContent).toContain(
      'Intent: the lowest value (10) is above the highest (5).',
    );
    // A score a step adds to cannot go; the unused one can.
    expect(scoreUsers(store.getState().doc, 'fit').length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Remove score Fit' }));
    expect(screen.getByRole('alert').textContent).toContain('Fit is still used by');
    await userEvent.click(screen.getByRole('button', { name: 'Remove score Intent' }));
    expect(store.getState().doc.scores.map((s) => s.id)).toEqual(['fit', 'engagement']);
  });

  it('refuses a stage without a name and shows a read-only workflow without edit buttons', async () => {
    const store = renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Add stage' }));
    expect(screen.getByRole('alert').textContent).toBe('Give the new stage a name.');
    expect(store.getState().doc.stages).toHaveLength(6);
    cleanup();
    renderDialog(createEditorStore(defaultWorkflow(), { readOnly: true }));
    expect(screen.queryByRole('button', { name: 'Add stage' })).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Stage 1 name' })).toHaveProperty('disabled', true);
  });
});
