import {
  defaultCatalog,
  defaultWorkflow,
  type Diagnostic,
  type FieldCatalog,
  type Workflow,
} from '@accord/engine';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { serverOnlyDiagnostics, useLiveValidation } from './live-validation';
import { ProblemsPanel } from './problems-panel';
import { createEditorStore, EditorStoreContext, type EditorStore } from './store';

afterEach(cleanup);

/** The default workflow with the Fit scorecard's first row reading a field `visits`. */
function readingVisits(): Workflow {
  const doc = defaultWorkflow();
  const fit = doc.nodes.find((n) => n.id === 'fit');
  if (fit?.kind !== 'scorecard') throw new Error('the default workflow has a Fit scorecard');
  fit.data.rows[0]!.when = { operand: { kind: 'field', field: 'visits' }, op: 'gt', value: 3 };
  return doc;
}

const withVisits: FieldCatalog = {
  ...defaultCatalog,
  fields: [
    ...defaultCatalog.fields,
    { id: 'visits', label: 'Visits', type: 'number', category: 'behaviour' },
  ],
};

function Validated(props: { store: EditorStore; catalog: FieldCatalog }) {
  useLiveValidation(props.store, props.catalog);
  return (
    <EditorStoreContext.Provider value={props.store}>
      <ProblemsPanel />
    </EditorStoreContext.Provider>
  );
}

const fieldChanged: Diagnostic = {
  severity: 'warning',
  code: 'field-changed',
  message: 'Since version 3: Visits changed type from string to number',
};

describe('#17: live validation on the workspace catalog', () => {
  it('validates again when the catalog changes: a field added in another tab stops being unknown', async () => {
    const store = createEditorStore(readingVisits());
    const { rerender } = render(<Validated store={store} catalog={defaultCatalog} />);
    await expect
      .poll(() =>
        store
          .getState()
          .diagnostics.map((d) => d.message)
          .join('\n'),
      )
      .toMatch(/visits/);
    const errors = () => store.getState().diagnostics.filter((d) => d.severity === 'error');
    expect(errors().length).toBeGreaterThan(0);
    rerender(<Validated store={store} catalog={withVisits} />);
    await expect.poll(() => errors().length).toBe(0);
  });

  it('keeps the server’s field-changed warnings in the problems through every revalidation', async () => {
    const store = createEditorStore(readingVisits());
    store
      .getState()
      .setServerDiagnostics(
        serverOnlyDiagnostics([
          fieldChanged,
          { severity: 'error', code: 'unknown-field', message: 'computed here too' },
        ]),
      );
    render(<Validated store={store} catalog={withVisits} />);
    await screen.findByText(fieldChanged.message);
    expect(store.getState().diagnostics).toContainEqual(fieldChanged);
    expect(screen.queryByText('computed here too')).toBeNull();
    // An edit validates again; the server's warning stays until the next save answers.
    store.getState().change((d) => ({ ...d, scores: d.scores.map((x) => ({ ...x, max: 90 })) }));
    await expect.poll(() => store.getState().checkedDoc).toBe(store.getState().doc);
    expect(screen.queryAllByText(fieldChanged.message)).toHaveLength(1);
    act(() => store.getState().setServerDiagnostics([]));
    expect(screen.queryByText(fieldChanged.message)).toBeNull();
  });
});
