/**
 * npm run bench:editor — the editor on a 500-node workflow, in Chromium.
 *
 * Starts the built app (test/e2e harness), saves a generated 500-node draft through the API,
 * then measures in headless Chromium:
 * - open500NodesMs: from navigation to the editor until the canvas is placed AND a click on a
 *   node shows it in the inspector (median of 3 warm opens; the first, cold open is printed too);
 * - dragFrameMs: p95, over the frames that handled pointer input while a node is dragged with the
 *   mouse (120 moves), of the frame's main-thread work: from its first pointer event to the first
 *   task after its rendering (input, React Flow, React, style, layout, paint). The frame interval
 *   itself is printed too; headless Chromium ticks at 60 Hz, so it cannot go below 16.7 ms.
 * The last stdout line is JSON: {"open500NodesMs":N,"dragFrameMs":N}.
 */
import {
  build,
  defaultScores,
  defaultStages,
  type Edge,
  type Workflow,
  type WorkflowNode,
} from '@accord/engine';
import type { Page } from 'playwright-core';
import { launchBrowser, startApp } from '../test/e2e/harness';

const NODES = 500;
const { when, field, events, score } = build;

/** A 500-node agreement: repeated segments of scorecard → condition → assign, with stages off the side. */
export function bigWorkflow(count = NODES): Workflow {
  const nodes: WorkflowNode[] = [];
  const edges: Edge[] = [];
  const columns = 25;
  const place = (i: number) => ({ x: (i % columns) * 320, y: Math.floor(i / columns) * 260 });
  const add = (node: Omit<WorkflowNode, 'position'>) => {
    nodes.push({ ...node, position: place(nodes.length) } as WorkflowNode);
    return node.id;
  };
  const link = (source: string, sourceHandle: string, target: string) =>
    edges.push({ id: `${source}:${sourceHandle}->${target}`, source, sourceHandle, target });
  let previous = add({ id: 'start', kind: 'start', label: 'New or updated lead', data: {} });
  let previousHandle = 'next';
  for (let s = 0; nodes.length + 4 <= count - 1; s++) {
    const card = add({
      id: `score_${s}`,
      kind: 'scorecard',
      label: `Scorecard ${s + 1}`,
      data: {
        score: s % 2 ? 'engagement' : 'fit',
        rows: [
          {
            id: 'title',
            label: 'Title given',
            category: 'profile',
            points: 5,
            when: when(field('job_title'), 'isSet'),
          },
          {
            id: 'size',
            label: 'Company with 200+ employees',
            category: 'profile',
            points: 10,
            when: when(field('company_size'), 'gte', 200),
          },
          {
            id: 'pricing',
            label: 'Visited the pricing page',
            category: 'behaviour',
            points: 15,
            when: when(events('pricing_page_view'), 'gte', 1),
          },
          {
            id: 'free',
            label: 'Free-mail address',
            category: 'undesirable',
            points: -20,
            when: when(field('email'), 'freeEmail'),
          },
        ],
      },
    });
    link(previous, previousHandle, card);
    const check = add({
      id: `check_${s}`,
      kind: 'condition',
      label: `Threshold ${s + 1} reached?`,
      data: { when: when(score(s % 2 ? 'engagement' : 'fit'), 'gte', 10 + (s % 40)) },
    });
    link(card, 'next', check);
    const tag = add({
      id: `tag_${s}`,
      kind: 'assign',
      label: `Segment ${s + 1}`,
      data: { tags: [{ tag: 'segment', value: `S${s + 1}` }] },
    });
    link(check, 'true', tag);
    const out = add({
      id: `stage_${s}`,
      kind: 'stage',
      label: 'Nurture',
      data: { stage: 'nurture', reason: `Stopped at threshold ${s + 1}` },
    });
    link(check, 'false', out);
    previous = tag;
    previousHandle = 'next';
  }
  const last = add({ id: 'stage_mql', kind: 'stage', label: 'MQL', data: { stage: 'mql' } });
  link(previous, previousHandle, last);
  while (nodes.length < count)
    add({
      id: `note_${nodes.length}`,
      kind: 'stage',
      label: 'Recycled',
      data: { stage: 'recycled' },
    });
  return { schemaVersion: 1, stages: defaultStages(), scores: defaultScores(), nodes, edges };
}

async function call<T>(
  url: string,
  procedure: string,
  input: unknown,
  cookie = '',
): Promise<{ data: T; cookie: string }> {
  const res = await fetch(`${url}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok || !body.result)
    throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body.error)}`);
  const set = res.headers.get('set-cookie');
  return { data: body.result.data, cookie: set ? set.split(';')[0]! : cookie };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const round = (n: number) => Math.round(n * 10) / 10;

/** Navigates to the editor and returns the time until a clicked node shows in the inspector. */
async function openAndInteract(
  page: Page,
  url: string,
): Promise<{ readyMs: number; interactiveMs: number }> {
  const t0 = performance.now();
  await page.goto(url);
  await page.locator('[data-testid="canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
  const readyMs = performance.now() - t0;
  const box = (await page.getByTestId('node-start').locator('.ui-node-header').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(
    `document.querySelector('[data-testid="node-label-input"]')?.value === 'New or updated lead'`,
  );
  return { readyMs, interactiveMs: performance.now() - t0 };
}

async function main() {
  const app = await startApp();
  const browser = await launchBrowser();
  try {
    const { cookie } = await call(app.url, 'auth.signIn', {
      email: 'marketing@acme.test',
      password: 'accord-demo',
    });
    const { data: workflow } = await call<{ id: string }>(
      app.url,
      'workflows.create',
      { name: 'Bench 500', from: 'blank' },
      cookie,
    );
    const doc = bigWorkflow();
    await call(
      app.url,
      'draft.save',
      { workflowId: workflow.id, baseRevision: 1, document: doc },
      cookie,
    );
    const [name, value] = cookie.split('=') as [string, string];
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addCookies([{ name, value, url: app.url }]);
    const page = await context.newPage();
    const editorUrl = `${app.url}/workflows/${workflow.id}`;

    const cold = await openAndInteract(page, editorUrl);
    const warm: { readyMs: number; interactiveMs: number }[] = [];
    for (let i = 0; i < 3; i++) warm.push(await openAndInteract(page, editorUrl));
    const rendered = await page.locator('.react-flow__node').count();
    const open500NodesMs = Math.round(median(warm.map((w) => w.interactiveMs)));
    console.log(
      `open ${doc.nodes.length} nodes (${rendered} on screen): cold ${Math.round(cold.interactiveMs)} ms, ` +
        `warm ${warm.map((w) => `${Math.round(w.readyMs)}/${Math.round(w.interactiveMs)}`).join(', ')} ms (canvas ready / interactive)`,
    );

    // Every animation frame during the drag: its length (rAF to rAF, capped by vsync in headless
    // Chromium) and its main-thread work: from the first pointer event it handled (or the frame's
    // start) until the page could run a task again, i.e. after style, layout and paint.
    await page.evaluate(`(() => {
      const s = (window.__drag = { frames: [], inputAt: null, on: true });
      addEventListener('pointermove', () => { if (s.inputAt === null) s.inputAt = performance.now(); }, { capture: true });
      const channel = new MessageChannel();
      let pending = null;
      channel.port1.onmessage = () => {
        if (pending) { pending.work = performance.now() - pending.start; s.frames.push(pending); pending = null; }
      };
      let last = performance.now();
      const tick = (t) => {
        const now = performance.now();
        pending = { delta: t - last, start: s.inputAt ?? now, input: s.inputAt !== null };
        s.inputAt = null; last = t;
        channel.port2.postMessage(0);
        if (s.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const header = page.getByTestId('node-start').locator('.ui-node-header');
    const box = (await header.boundingBox())!;
    const before = await page.locator('.react-flow__node[data-id="start"]').getAttribute('style');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) await page.mouse.move(x + i * 3, y + Math.sin(i / 10) * 60);
    await page.mouse.up();
    await page.waitForTimeout(100);
    const frames = (await page.evaluate(
      `(() => { window.__drag.on = false; return window.__drag.frames; })()`,
    )) as { delta: number; work: number; input: boolean }[];
    const after = await page.locator('.react-flow__node[data-id="start"]').getAttribute('style');
    if (before === after) throw new Error('The drag did not move the node.');
    const drag = frames.filter((f) => f.input);
    const work = drag.map((f) => f.work);
    const deltas = drag.map((f) => f.delta);
    const dragFrameMs = round(percentile(work, 95));
    console.log(
      `drag: ${drag.length} frames with pointer input; main-thread work per frame p50 ${round(percentile(work, 50))} ms, ` +
        `p95 ${dragFrameMs} ms, max ${round(Math.max(...work))} ms; frame interval p50 ${round(percentile(deltas, 50))} ms, ` +
        `p95 ${round(percentile(deltas, 95))} ms (vsync-bound)`,
    );
    console.log(JSON.stringify({ open500NodesMs, dragFrameMs }));
  } finally {
    await browser.close();
    await app.stop();
  }
}

await main();
