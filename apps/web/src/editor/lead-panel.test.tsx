import { asOfOrNow, compile, defaultWorkflow, type Lead, defaultCatalog } from '@accord/engine';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LeadPanel } from './lead-panel';
import { createEditorStore, EditorStoreContext } from './store';
import { renderWithWorkflow } from './testing';

afterEach(cleanup);

const DAY = 86_400_000;

/** A lead whose events happened in the last days, so the moment it is evaluated as of matters. */
function recentLead(): Lead {
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  return {
    id: 'recent-1',
    attributes: {
      first_name: 'Ann',
      job_title: 'VP Marketing',
      seniority: 'vp',
      email: 'ann@northwind.com',
      company_size: 450,
      industry: 'software',
    },
    events: [
      { type: 'form_submit', at: at(1), props: { form: 'demo_request' } },
      { type: 'pricing_page_view', at: at(2) },
      { type: 'page_view', at: at(3), props: { path: '/pricing', seconds: 90 } },
      { type: 'webinar_attended', at: at(5), props: { webinar: 'Q4', minutes: 50 } },
    ],
  };
}

function renderPanel() {
  const store = createEditorStore(defaultWorkflow());
  renderWithWorkflow(
    <ReactFlowProvider>
      <EditorStoreContext.Provider value={store}>
        <LeadPanel />
      </EditorStoreContext.Provider>
    </ReactFlowProvider>,
  );
}

function tryJson(value: unknown) {
  fireEvent.mouseDown(screen.getByRole('tab', { name: 'JSON' }));
  fireEvent.change(screen.getByLabelText('Lead as JSON'), {
    target: { value: JSON.stringify(value) },
  });
  fireEvent.click(screen.getByRole('button', { name: 'Try this lead' }));
}

describe('#15: the editor tries a lead as the REST API evaluates it', () => {
  it('evaluates a pasted lead as of now by default (the REST default) and says so', () => {
    renderPanel();
    const lead = recentLead();
    const before = asOfOrNow();
    tryJson(lead);
    const compiled = compile(defaultWorkflow(), defaultCatalog);
    if (!compiled.ok) throw new Error('the default workflow does not compile');
    const now = compiled.evaluate(lead, { asOf: asOfOrNow() });
    const sampleDay = compiled.evaluate(lead, { asOf: Date.UTC(2026, 0, 1) });
    // The lead is one whose answer depends on the day, and the panel answers as of now.
    expect(now.scores).not.toEqual(sampleDay.scores);
    const shown = [...screen.getByTestId('lead-result').querySelectorAll('.lead-scores dd')].map(
      (dd) => dd.textContent,
    );
    expect(shown).toEqual(Object.values(now.scores).map((v) => String(Math.round(v * 100) / 100)));
    const asOf = screen.getByTestId('lead-as-of').textContent!;
    expect(asOf).toContain(new Date(before).toISOString().slice(0, 10));
    expect(asOf).toContain('now');

    // A chosen day is used instead, and shown.
    fireEvent.change(screen.getByLabelText('Evaluate as of (empty: now)'), {
      target: { value: '2026-01-01' },
    });
    expect(screen.getByTestId('lead-as-of').textContent).toContain('2026-01-01 00:00 UTC');
  });

  it('refuses wrongly typed values with their path, as the REST API does', () => {
    renderPanel();
    tryJson({ id: 'x', attributes: { company_size: 'lots', email: 42 }, events: [] });
    expect(screen.queryAllByText(/attributes\.company_size: expected a number/)).toHaveLength(1);
    expect(screen.queryByTestId('lead-result')).toBeNull();
  });
});
