import {
  defaultWorkflow,
  type EvidenceReport,
  type PointsReport,
  type RulePartEvidence,
  type Workflow,
} from '@accord/engine';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorPanel } from '../inspector-panel';
import { createEditorStore, EditorStoreContext, type EditorStore } from '../store';
import { renderWithWorkflow } from '../testing';
import { EvidenceContext, type EditorEvidence } from './evidence-context';
import { indexEvidence } from './evidence-index';

afterEach(cleanup);

const rate = (converted: number, leads: number, low = 0, high = 1) => ({
  leads,
  converted,
  rate: leads ? converted / leads : 0,
  low,
  high,
});

function part(
  fired: number,
  conv: number,
  flags: Partial<RulePartEvidence> = {},
): RulePartEvidence {
  const leads = 1000;
  const rest = leads - fired;
  const restConv = 100;
  return {
    leads,
    reached: leads,
    fired,
    share: fired / leads,
    whenFired: rate(conv, fired, 0.2, 0.3),
    whenNotFired: rate(restConv, rest),
    lift: conv / fired / ((conv + restConv) / leads),
    contradicts: false,
    tooRare: false,
    ...flags,
  };
}

const SPLIT = {
  seed: 1,
  holdoutShare: 0.3,
  leadsRead: 1000,
  withoutOutcome: 0,
  fit: { leads: 700, converted: 90, baseRate: 0.13 },
  holdout: { leads: 300, converted: 40, baseRate: 0.13 },
};

/** The Fit scorecard's first three rows with evidence; the second contradicts its points. */
function fixture(doc: Workflow): EditorEvidence {
  const fit = doc.nodes.find((n) => n.id === 'fit');
  if (fit?.kind !== 'scorecard') throw new Error('the default workflow has a Fit scorecard');
  const [a, b, c] = fit.data.rows;
  const evidence: EvidenceReport = {
    split: SPLIT,
    minFirings: 30,
    rules: [
      {
        nodeId: 'fit',
        rowId: a!.id,
        kind: 'scorecardRow',
        label: a!.label,
        points: a!.points,
        direction: 'up',
        fit: part(250, 60),
        holdout: part(250, 60),
      },
      {
        nodeId: 'fit',
        rowId: b!.id,
        kind: 'scorecardRow',
        label: b!.label,
        points: b!.points,
        direction: 'up',
        fit: part(400, 20, { contradicts: true }),
        holdout: part(400, 20, { contradicts: true }),
      },
      {
        nodeId: 'fit',
        rowId: c!.id,
        kind: 'scorecardRow',
        label: c!.label,
        points: c!.points,
        direction: 'up',
        fit: part(12, 3, { tooRare: true }),
        holdout: part(12, 3, { tooRare: true }),
      },
    ],
  };
  const suggestion = (row: typeof a, suggested: number | null) => ({
    nodeId: 'fit',
    rowId: row!.id,
    label: row!.label,
    current: row!.points,
    suggested,
    logOddsRatio: 0.9,
    weight: 0.8,
    fired: 250,
    holdout: part(250, 60),
  });
  const points: PointsReport = {
    split: SPLIT,
    step: 5,
    shrinkage: 100,
    scorecards: [
      {
        nodeId: 'fit',
        label: fit.label,
        score: 'fit',
        factor: 20,
        rows: [suggestion(a, a!.points + 15), suggestion(b, -5), suggestion(c, null)],
      },
    ],
  };
  return {
    workflowId: 'w1',
    choice: { leadSetId: 'set', seed: 1, holdoutShare: 0.3, step: 5 },
    status: 'ready',
    index: indexEvidence(evidence, points),
    judgedOn: 'judged on the held-out 30%, seed 1',
    fittedOn: 'fitted on the other 70%, seed 1',
    pointsPending: false,
  };
}

function renderInspector(store: EditorStore, evidence: EditorEvidence) {
  store.getState().select({ nodes: ['fit'], edges: [] });
  return renderWithWorkflow(
    <EditorStoreContext.Provider value={store}>
      <EvidenceContext.Provider value={evidence}>
        <InspectorPanel />
      </EvidenceContext.Provider>
    </EditorStoreContext.Provider>,
  );
}

const rowsOf = (store: EditorStore) => {
  const fit = store.getState().doc.nodes.find((n) => n.id === 'fit');
  if (fit?.kind !== 'scorecard') throw new Error('no Fit scorecard');
  return fit.data.rows;
};

describe('evidence in the inspector (issue #19)', () => {
  it('shows each row’s held-out evidence and flags, and where the numbers come from', () => {
    const doc = defaultWorkflow();
    const store = createEditorStore(doc);
    renderInspector(store, fixture(doc));
    const [a, b, c] = rowsOf(store);
    const first = screen.getByTestId(`evidence-fit-${a!.id}`);
    expect(first.textContent).toBe(
      'Fired 250 (25.0%)Converts 24.0% vs 13.3% withoutLift 1.50×95% 20.0–30.0%',
    );
    expect(
      within(screen.getByTestId(`evidence-fit-${b!.id}`)).getByText('contradicts'),
    ).toBeTruthy();
    expect(within(screen.getByTestId(`evidence-fit-${c!.id}`)).getByText('too rare')).toBeTruthy();
    expect(screen.getByTestId('scorecard-evidence-head').textContent).toContain(
      'Evidence judged on the held-out 30%, seed 1; suggested points fitted on the other 70%, seed 1.',
    );
    expect(screen.getByTestId(`suggested-fit-${c!.id}`).textContent).toContain('No suggestion');
  });

  it('applies one suggestion, then all the rest, each as one undoable edit of the draft', async () => {
    const doc = defaultWorkflow();
    const store = createEditorStore(doc);
    const evidence = fixture(doc);
    renderInspector(store, evidence);
    const [a, b, c] = rowsOf(store);
    const before = { a: a!.points, c: c!.points };
    await userEvent.click(screen.getByTestId(`apply-suggested-fit-${a!.id}`));
    expect(rowsOf(store)[0]!.points).toBe(before.a + 15);
    expect(store.temporal.getState().pastStates).toHaveLength(1);
    expect(screen.getByTestId(`suggested-fit-${a!.id}`).textContent).toContain('✓ as set');
    // One suggestion left (the rare row has none): "Apply all" sets it in one step.
    const all = screen.getByTestId('apply-all-suggested');
    expect(all.textContent).toBe('Apply all suggested (1)');
    await userEvent.click(all);
    expect(rowsOf(store)[1]!.points).toBe(-5);
    expect(rowsOf(store)[2]!.points).toBe(before.c);
    expect(store.temporal.getState().pastStates).toHaveLength(2);
    expect(b!.points).not.toBe(-5);
    expect((screen.getByTestId('apply-all-suggested') as HTMLButtonElement).disabled).toBe(true);
  });

  it('offers no Apply to a reader, and nothing at all without evidence', () => {
    const doc = defaultWorkflow();
    const reader = createEditorStore(doc, { readOnly: true });
    renderInspector(reader, fixture(doc));
    expect(screen.queryByTestId('apply-all-suggested')).toBeNull();
    expect(screen.queryAllByRole('button', { name: /^Apply / })).toHaveLength(0);
    cleanup();
    renderInspector(createEditorStore(doc), {
      workflowId: 'w1',
      choice: fixture(doc).choice,
      status: 'off',
    });
    expect(screen.queryByTestId('scorecard-evidence-head')).toBeNull();
    expect(document.querySelector('.rule-evidence')).toBeNull();
  });
});
