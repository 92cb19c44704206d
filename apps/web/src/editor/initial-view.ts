import type { Workflow } from '@accord/engine';
import { estimatedSize } from './auto-layout';

/** Below this zoom a card's text is too small to read. */
export const READABLE_ZOOM = 0.55;
/** The zoom a workflow too big to fit readably opens at. */
export const OPEN_ZOOM = 0.7;
/** Roughly how big a node card is, for planning before anything is measured. */
const CARD = { width: 248, height: 160 };
/** The margin "fit view" leaves around the workflow, as a share of the pane. */
export const FIT_PADDING = 0.06;

export interface InitialView {
  /** Where the view opens; null: fit the whole workflow once its nodes are measured. */
  viewport: { x: number; y: number; zoom: number } | null;
  /** Nodes outside the first view, nearest first: drawn in small batches after it is up. */
  later: string[];
}

/**
 * How a workflow opens in a pane of a given size. One that fits readably is fitted whole. A
 * bigger one opens readable at its start node, and only the nodes in (or near) that view are
 * drawn at first; the rest follow in batches, so a 500-node workflow is usable at once.
 */
export function planInitialView(
  doc: Workflow,
  pane: { width: number; height: number },
): InitialView {
  if (doc.nodes.length === 0) return { viewport: null, later: [] };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of doc.nodes) {
    const size = estimatedSize(n);
    minX = Math.min(minX, n.position.x);
    minY = Math.min(minY, n.position.y);
    maxX = Math.max(maxX, n.position.x + size.width);
    maxY = Math.max(maxY, n.position.y + size.height);
  }
  const fitZoom = Math.min(
    pane.width / (maxX - minX) / (1 + FIT_PADDING),
    pane.height / (maxY - minY) / (1 + FIT_PADDING),
  );
  if (fitZoom >= READABLE_ZOOM) return { viewport: null, later: [] };
  const start = doc.nodes.find((n) => n.kind === 'start') ?? doc.nodes[0]!;
  const viewport = {
    x: 40 - start.position.x * OPEN_ZOOM,
    y: pane.height / 2 - (start.position.y + 40) * OPEN_ZOOM,
    zoom: OPEN_ZOOM,
  };
  // The view in flow coordinates, with a margin of half a screen around it.
  const left = -viewport.x / OPEN_ZOOM;
  const top = -viewport.y / OPEN_ZOOM;
  const width = pane.width / OPEN_ZOOM;
  const height = pane.height / OPEN_ZOOM;
  const near = (x: number, y: number) =>
    x + CARD.width >= left - width / 2 &&
    x <= left + width * 1.5 &&
    y + CARD.height >= top - height / 2 &&
    y <= top + height * 1.5;
  const cx = left + width / 2;
  const cy = top + height / 2;
  const later = doc.nodes
    .filter((n) => !near(n.position.x, n.position.y))
    .map((n) => ({ id: n.id, d: Math.hypot(n.position.x - cx, n.position.y - cy) }))
    .sort((a, b) => a.d - b.d)
    .map((n) => n.id);
  return { viewport, later };
}
