import { defaultCatalog, defaultWorkflow, diffWorkflows, type Workflow } from '@accord/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DecoratedCanvas } from './decorated-canvas';
import { diffDecorations, pathDecorations } from './decorations';

beforeAll(() => {
  // jsdom lays nothing out; React Flow only needs the observer to exist.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
});
afterEach(cleanup);
afterAll(() => vi.unstubAllGlobals());

/** The default workflow with the "fit" scorecard's first row worth 15 more. */
function withRowChanged(): Workflow {
  const doc = defaultWorkflow();
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.kind === 'scorecard' && n.id === 'fit'
        ? {
            ...n,
            data: {
              ...n.data,
              rows: n.data.rows.map((r, i) => (i === 0 ? { ...r, points: r.points + 15 } : r)),
            },
          }
        : n,
    ),
  };
}

const card = (id: string) => screen.getByTestId(`node-${id}`);

describe('decorated canvas', () => {
  it("draws a diff's classes on the editor's node cards, with a legend; a click names the node", () => {
    const before = defaultWorkflow();
    const after = withRowChanged();
    const { doc, decorations } = diffDecorations(
      after,
      diffWorkflows(before, after, defaultCatalog),
    );
    const clicked: string[] = [];
    render(
      <DecoratedCanvas
        doc={doc}
        catalog={defaultCatalog}
        decorations={decorations}
        label="Changes"
        legend={[{ className: 'is-changed', label: 'changed', count: 1 }]}
        onNodeClick={(id) => clicked.push(id)}
        testId="diff-canvas"
      />,
    );
    expect(card('fit').className).toContain('is-changed');
    expect(card('start').className).toContain('is-unchanged');
    expect(card('start').className).not.toContain('is-changed');
    expect(document.querySelectorAll('.ui-node-card.is-changed')).toHaveLength(1);
    expect(screen.getByTestId('diff-canvas').textContent).toContain('1changed');
    fireEvent.click(card('fit'));
    expect(clicked).toEqual(['fit']);
  });

  it('draws the baseline path, the candidate path and both in their own classes', () => {
    const doc = defaultWorkflow();
    const shown = pathDecorations(
      doc,
      ['start', 'disqualifiers', 'fit', 'engagement', 'name_and_title', 'stage_nurture'],
      ['start', 'disqualifiers', 'fit', 'engagement', 'name_and_title', 'mql_threshold'],
    );
    render(
      <DecoratedCanvas
        doc={shown.doc}
        catalog={defaultCatalog}
        decorations={shown.decorations}
        label="Paths"
        legend={[]}
      />,
    );
    expect(card('fit').className).toContain('on-both');
    expect(card('stage_nurture').className).toContain('on-baseline');
    expect(card('mql_threshold').className).toContain('on-candidate');
    expect(card('sql').className).toContain('off-path');
    expect(document.querySelectorAll('.ui-node-card.on-both')).toHaveLength(5);
  });
});
