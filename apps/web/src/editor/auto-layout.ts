import dagre from '@dagrejs/dagre';
import { assertNever, type Workflow, type WorkflowNode } from '@accord/engine';

type Size = { width: number; height: number };

/** The canvas of a 1440×900 window (the window minus palette, side panel and bars). */
export const LAPTOP_PANE: Size = { width: 880, height: 796 };

/** Space between cards: enough for an edge to bend, little enough to read at 0.6 zoom. */
const GAP = { x: 40, y: 44 };
const GRID = 20;

/** A card's size before it is measured, close to what the browser draws (248 px wide). */
export function estimatedSize(node: WorkflowNode): Size {
  const header = 68;
  const output = 22;
  const note = 17;
  const lines = (n: number) => Math.min(n, 6) + (n > 6 ? 1 : 0);
  const card = (height: number) => ({ width: 248, height });
  switch (node.kind) {
    case 'start':
      return card(header + note + output);
    case 'condition':
      return card(header + 40 + 2 * output);
    case 'switch':
      return card(header + note + (node.data.cases.length + 1) * output);
    case 'scorecard':
      return card(header + note + lines(node.data.rows.length) * 20 + output);
    case 'checklist':
      return card(header + note + lines(node.data.criteria.length) * 22 + 2 * output);
    case 'table': {
      const outs = node.data.hitPolicy === 'first' ? node.data.rows.length + 1 : 1;
      const rows = node.data.hitPolicy === 'collect' ? lines(node.data.rows.length) * 20 : 0;
      return card(header + 2 * note + rows + outs * output);
    }
    case 'assign':
      return card(header + lines(node.data.tags.length) * 19 + output);
    case 'stage':
      return card(!node.data.reason ? 85 : node.data.reason.length > 30 ? 118 : 103);
    default:
      return assertNever(node);
  }
}

interface Placed extends Size {
  id: string;
  x: number;
  y: number;
  /** Reading order: band by band, column by column. */
  order: number;
}

/**
 * Lays the graph out to be read on a laptop screen: the steps in dagre's left-to-right order,
 * wrapped into bands of a few columns stacked top to bottom (like lines of text), and the stage
 * steps, where every path ends, in their own column at the right (or a row at the bottom). Of
 * all band widths and both stage places it keeps the arrangement that fits `pane` at the
 * largest zoom. Returns the new top-left position of every node, on the 20 px grid.
 */
export function autoLayout(
  doc: Workflow,
  sizeOf: (nodeId: string) => { width?: number; height?: number } | undefined,
  pane: Size = LAPTOP_PANE,
): Map<string, { x: number; y: number }> {
  const size = (node: WorkflowNode): Size => {
    const measured = sizeOf(node.id);
    const estimate = estimatedSize(node);
    return {
      width: measured?.width ?? estimate.width,
      height: measured?.height ?? estimate.height,
    };
  };
  const steps = doc.nodes.filter((n) => n.kind !== 'stage');
  const stages = doc.nodes.filter((n) => n.kind === 'stage');

  // The steps left to right with dagre: ranks become columns, branches are stacked.
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: GAP.y, ranksep: GAP.x });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of steps) graph.setNode(node.id, size(node));
  for (const edge of doc.edges)
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target))
      graph.setEdge(edge.source, edge.target);
  if (steps.length) dagre.layout(graph);
  const byRank = new Map<number, Placed[]>();
  for (const node of steps) {
    const laid = graph.node(node.id);
    const rank = Math.round(laid.x);
    const list = byRank.get(rank) ?? [];
    list.push({ id: node.id, ...size(node), x: 0, y: laid.y - laid.height / 2, order: 0 });
    byRank.set(rank, list);
  }
  const sourcesOf = new Map<string, string[]>();
  for (const edge of doc.edges)
    sourcesOf.set(edge.target, [...(sourcesOf.get(edge.target) ?? []), edge.source]);
  const columns = [...byRank.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);

  const arrange = (perBand: number, stagesAtRight: boolean) => {
    const placed: Placed[] = [];
    let top = 0;
    let width = 0;
    for (let first = 0; first < columns.length; first += perBand) {
      const band = columns.slice(first, first + perBand);
      let left = 0;
      let bottom = top;
      for (const column of band) {
        // Each column starts at the top of its band; a rank's branches keep dagre's order.
        const minY = Math.min(...column.map((n) => n.y));
        const columnWidth = Math.max(...column.map((n) => n.width));
        for (const n of column) {
          const y = top + n.y - minY;
          placed.push({ ...n, x: left, y, order: placed.length });
          bottom = Math.max(bottom, y + n.height);
        }
        left += columnWidth + GAP.x;
      }
      width = Math.max(width, left - GAP.x);
      top = bottom + GAP.y;
    }
    const stepsHeight = Math.max(0, top - GAP.y);
    // Stages in the order the steps leading to them are read, so their edges run straight.
    const readingOrder = new Map(placed.map((n) => [n.id, n.order]));
    const firstFrom = (stage: WorkflowNode) =>
      Math.min(
        Infinity,
        ...(sourcesOf.get(stage.id) ?? []).map((id) => readingOrder.get(id) ?? Infinity),
      );
    const sortedStages = stages
      .map((s, i) => ({ s, key: firstFrom(s), i }))
      .sort((a, b) => a.key - b.key || a.i - b.i)
      .map(({ s }) => s);
    let height = stepsHeight;
    if (stagesAtRight) {
      let x = placed.length ? width + GAP.x : 0;
      let y = 0;
      let columnWidth = 0;
      for (const stage of sortedStages) {
        const s = size(stage);
        if (y > 0 && y + s.height > Math.max(stepsHeight, s.height)) {
          x += columnWidth + GAP.x;
          y = 0;
          columnWidth = 0;
        }
        placed.push({ id: stage.id, ...s, x, y, order: placed.length });
        y += s.height + GAP.y;
        columnWidth = Math.max(columnWidth, s.width);
        height = Math.max(height, y - GAP.y);
        width = Math.max(width, x + s.width);
      }
    } else {
      let x = 0;
      let y = placed.length ? stepsHeight + GAP.y : 0;
      let rowHeight = 0;
      const rowWidth = Math.max(width, 248);
      for (const stage of sortedStages) {
        const s = size(stage);
        if (x > 0 && x + s.width > rowWidth) {
          y += rowHeight + GAP.y;
          x = 0;
          rowHeight = 0;
        }
        placed.push({ id: stage.id, ...s, x, y, order: placed.length });
        x += s.width + GAP.x;
        rowHeight = Math.max(rowHeight, s.height);
        height = Math.max(height, y + s.height);
        width = Math.max(width, x - GAP.x);
      }
    }
    return { placed, zoom: Math.min(pane.width / width, pane.height / height) };
  };

  let best: { placed: Placed[]; zoom: number } | undefined;
  for (let perBand = 1; perBand <= Math.max(1, columns.length); perBand++)
    for (const stagesAtRight of [true, false]) {
      const candidate = arrange(perBand, stagesAtRight);
      if (!best || candidate.zoom > best.zoom + 1e-9) best = candidate;
    }
  const positions = new Map<string, { x: number; y: number }>();
  for (const n of best?.placed ?? [])
    positions.set(n.id, {
      x: Math.round(n.x / GRID) * GRID,
      y: Math.round(n.y / GRID) * GRID,
    });
  return positions;
}
