import { blankWorkflow, defaultWorkflow, type Workflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { autoLayout, estimatedSize } from './auto-layout';
import { FIT_PADDING, planInitialView, READABLE_ZOOM } from './initial-view';

/** The zoom at which "fit view" shows the whole workflow in a pane. */
function fitZoom(doc: Workflow, pane: { width: number; height: number }) {
  const boxes = doc.nodes.map((n) => ({ ...n.position, ...estimatedSize(n) }));
  const width = Math.max(...boxes.map((b) => b.x + b.width)) - Math.min(...boxes.map((b) => b.x));
  const height = Math.max(...boxes.map((b) => b.y + b.height)) - Math.min(...boxes.map((b) => b.y));
  return Math.min(pane.width / width, pane.height / height) / (1 + FIT_PADDING);
}

const moved = (doc: Workflow, positions: Map<string, { x: number; y: number }>): Workflow => ({
  ...doc,
  nodes: doc.nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })),
});

// The canvas of a 1440×900 and a 1280×800 window (minus palette, side panel and bars).
const PANE_1440 = { width: 880, height: 796 };
const PANE_1280 = { width: 720, height: 696 };

describe('#15: a readable graph', () => {
  it('Tidy up fits the default agreement on a laptop screen at a readable zoom', () => {
    const doc = moved(
      defaultWorkflow(),
      autoLayout(defaultWorkflow(), () => undefined),
    );
    expect(fitZoom(doc, PANE_1440)).toBeGreaterThanOrEqual(0.62);
    expect(fitZoom(doc, PANE_1280)).toBeGreaterThanOrEqual(0.55);
    const boxes = doc.nodes.map((n) => ({ id: n.id, ...n.position, ...estimatedSize(n) }));
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b)
          expect(
            a.x + a.width <= b.x ||
              b.x + b.width <= a.x ||
              a.y + a.height <= b.y ||
              b.y + b.height <= a.y,
            `${a.id} overlaps ${b.id}`,
          ).toBe(true);
  });

  it('the default agreement is stored as Tidy up lays it out, so it opens fitted and readable', () => {
    const doc = defaultWorkflow();
    const laid = autoLayout(doc, () => undefined);
    for (const node of doc.nodes) expect(node.position, node.id).toEqual(laid.get(node.id));
    expect(planInitialView(doc, PANE_1440)).toEqual({ viewport: null, later: [] });
    expect(planInitialView(doc, PANE_1280).viewport).toBeNull();
    expect(fitZoom(doc, PANE_1280)).toBeGreaterThanOrEqual(READABLE_ZOOM);
  });

  it('uses the pane it is given: a wide pane gets more columns', () => {
    const doc = defaultWorkflow();
    const columns = (pane: { width: number; height: number }) =>
      new Set([...autoLayout(doc, () => undefined, pane).values()].map((p) => p.x)).size;
    expect(columns({ width: 2400, height: 500 })).toBeGreaterThan(columns(PANE_1440));
  });

  it('lays out a blank workflow and an empty one', () => {
    expect(autoLayout(blankWorkflow(), () => undefined).size).toBe(2);
    expect(autoLayout({ ...blankWorkflow(), nodes: [], edges: [] }, () => undefined).size).toBe(0);
  });
});
