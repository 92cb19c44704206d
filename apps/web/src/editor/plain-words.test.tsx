import { defaultWorkflow, validate, type Workflow, defaultCatalog } from '@accord/engine';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPoints, formatScore } from './inspector/form-parts';
import { InspectorPanel } from './inspector-panel';
import { NODE_SPECS } from './kinds';
import { conditionText } from './kinds/condition/body';
import { ProblemsPanel } from './problems-panel';
import { createEditorStore, EditorStoreContext } from './store';
import { renderWithWorkflow } from './testing';

afterEach(cleanup);

function renderPanel(doc: Workflow, panel: 'inspector' | 'problems', selected?: string) {
  const store = createEditorStore(doc);
  store.getState().setDiagnostics(doc, validate(doc, defaultCatalog));
  if (selected) store.getState().select({ nodes: [selected], edges: [] });
  renderWithWorkflow(
    <EditorStoreContext.Provider value={store}>
      {panel === 'inspector' ? <InspectorPanel /> : <ProblemsPanel />}
    </EditorStoreContext.Provider>,
  );
}

describe('#15: words people read in the editor', () => {
  it('the inspector is headed by the step’s name and kind, not its id', () => {
    renderPanel(defaultWorkflow(), 'inspector', 'fit');
    const head = screen.getByTestId('inspector').querySelector('header')!;
    expect(head.textContent).toContain('Fit: who the lead is');
    expect(head.textContent).toContain('Scorecard');
    expect(head.textContent).not.toMatch(/\bfit\b/);
  });

  it('a condition that always holds reads "Always yes", not "Yes when always"', () => {
    expect(conditionText('always')).toBe('Always yes');
    expect(conditionText('Job title is given')).toBe('Yes when Job title is given');
    const doc = defaultWorkflow();
    const node = doc.nodes.find((n) => n.id === 'handed_back')!;
    if (node.kind !== 'condition') throw new Error('expected a condition');
    const Body = NODE_SPECS.condition.Body;
    renderWithWorkflow(<Body node={{ ...node, data: { when: { all: [] } } }} />);
    expect(screen.queryAllByText('Always yes')).toHaveLength(1);
  });

  it('a stage card shows its reason in words, without {placeholders}', () => {
    const node = defaultWorkflow().nodes.find((n) => n.id === 'stage_mql')!;
    if (node.kind !== 'stage') throw new Error('expected a stage');
    const Body = NODE_SPECS.stage.Body;
    const { container } = renderWithWorkflow(<Body node={node} />);
    expect(container.textContent).toContain('MQL: fit [Fit score]');
    expect(container.textContent).not.toMatch(/[{}]/);
  });

  it('scores and points are whole or have one decimal', () => {
    expect(formatScore(48.18)).toBe('48.2');
    expect(formatScore(40)).toBe('40');
    expect(formatPoints(0.18)).toBe('+0.2');
    expect(formatPoints(-19.96)).toBe('−20');
    expect(formatPoints(0.01)).toBe('0');
  });

  it('one deleted connection is one problem, the steps it cuts off folded under it', () => {
    const doc = defaultWorkflow();
    const cut = {
      ...doc,
      edges: doc.edges.filter((e) => e.id !== 'name_and_title:true->mql_threshold'),
    };
    expect(validate(cut, defaultCatalog).length).toBeGreaterThan(10);
    renderPanel(cut, 'problems');
    const groups = screen.getAllByTestId('problem-group');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.textContent).toContain("'Yes' isn't connected to a next step");
    const summary = screen.getByTestId('problem-summary');
    expect(summary.textContent).toBe('and 10 steps after it cannot be reached');
    fireEvent.click(summary);
    expect(groups[0]!.querySelectorAll('button.problem').length).toBe(
      validate(cut, defaultCatalog).length,
    );
  });
});
