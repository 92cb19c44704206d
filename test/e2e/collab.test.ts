import { readWorkflow, writeWorkflow } from '@accord/collab';
import type { Workflow } from '@accord/engine';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { browserAvailable, browserSuite, screenshot } from './harness';

/**
 * Issue #20: marketing, sales and the auditor in one draft at once, each in their own browser
 * (cookies), each having reached the editor by clicking from the home page.
 */

const VIEWPORT = { width: 1280, height: 900 };
const WORKFLOW = 'Inbound B2B qualification';
const FIT = 'Fit: who the lead is';
const MAYA = 'Maya Marketing';
const SAM = 'Sam Sales';
const AUDE = 'Aude Auditor';
/**
 * How long an edit may take to show on every page. The issue asks for a second; the budget
 * leaves room for a loaded two-core CI machine, and the times measured are printed.
 */
const CONVERGE_BUDGET_MS = 2_000;

/**
 * The points each of `rowIds` shows in the row summaries of a page's inspector (the Fit step
 * open in it), read in one go.
 */
function pointsShown(page: Page, rowIds: readonly string[]) {
  return page.evaluate((ids) => {
    const points: Record<string, number | null> = {};
    for (const id of ids) {
      const text = document.querySelector(
        `[data-testid="score-row-${id}"] summary .points`,
      )?.textContent;
      points[id] = text ? Number(text.replace('−', '-').replace('+', '')) : null;
    }
    return points;
  }, rowIds);
}

/**
 * Polls every page (every 10 ms) until `check` holds for what each shows of `rowIds`; answers
 * the milliseconds from `since`, or fails after `budgetMs` with what the pages showed.
 */
async function untilEveryPage(
  pages: readonly Page[],
  rowIds: readonly string[],
  check: (points: Record<string, number | null>[]) => boolean,
  since: number,
  budgetMs = CONVERGE_BUDGET_MS,
): Promise<number> {
  for (;;) {
    const points = await Promise.all(pages.map((page) => pointsShown(page, rowIds)));
    if (check(points)) return Date.now() - since;
    if (Date.now() - since > budgetMs)
      throw new Error(
        `The pages did not agree within ${budgetMs} ms; they showed ${JSON.stringify(points)}.`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** What a page recorded since `record`: when its person last typed or pressed a key, and when each row's points changed. */
interface PageLog {
  actedAt: number;
  changes: Record<string, { at: number; text: string | null }[]>;
}

/**
 * Starts recording in each page (clock: Date.now(), one machine) when its person last acted
 * (an input or key press) and every change of what `rowIds` show, as the DOM changes (a
 * MutationObserver): convergence times measured where they happen, not through the test's
 * round trips to the browser.
 */
async function record(pages: readonly Page[], rowIds: readonly string[]) {
  await Promise.all(
    pages.map((page) =>
      page.evaluate((ids) => {
        const w = window as unknown as { collabLog?: PageLog; collabObserver?: MutationObserver };
        const read = (id: string) =>
          document.querySelector(`[data-testid="score-row-${id}"] summary .points`)?.textContent ??
          null;
        if (!w.collabLog) {
          const acted = () => (w.collabLog!.actedAt = Date.now());
          document.addEventListener('input', acted, true);
          document.addEventListener('keydown', acted, true);
        }
        const now = Date.now();
        const log: PageLog = {
          actedAt: 0,
          changes: Object.fromEntries(ids.map((id) => [id, [{ at: now, text: read(id) }]])),
        };
        w.collabLog = log;
        w.collabObserver?.disconnect();
        w.collabObserver = new MutationObserver(() => {
          const at = Date.now();
          for (const id of ids) {
            const text = read(id);
            if (log.changes[id]!.at(-1)!.text !== text) log.changes[id]!.push({ at, text });
          }
        });
        w.collabObserver.observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      }, rowIds),
    ),
  );
}

const logOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { collabLog: PageLog }).collabLog);

/**
 * When the last page began to show what it shows now of `rowId` (call once they agree), in
 * milliseconds after `since`.
 */
async function shownEverywhereAfter(pages: readonly Page[], rowId: string, since: number) {
  const logs = await Promise.all(pages.map(logOf));
  return Math.max(...logs.map((log) => log.changes[rowId]!.at(-1)!.at)) - since;
}

/** Every page shows `expected` (row id → points). */
const showing = (expected: Record<string, number>) => (pages: Record<string, number | null>[]) =>
  pages.every((points) => Object.entries(expected).every(([id, p]) => points[id] === p));

/** From the workflows list into the editor of the seeded workflow, by clicking. */
async function openEditor(page: Page) {
  await page.getByRole('link', { name: WORKFLOW, exact: true }).first().click();
  await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
}

/** Opens the Fit step in the inspector (the whole workflow in view first). */
async function openFit(page: Page) {
  await page.getByTestId('tab-inspector').click();
  const title = page.getByTestId('inspector-title');
  if ((await title.count()) > 0 && (await title.textContent()) === FIT) return;
  await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
  await page.getByTestId('node-fit').click();
  await title.filter({ hasText: FIT }).waitFor();
}

/** The Points box of one row of the Fit step, its card opened. */
async function pointsBox(page: Page, rowId: string) {
  await openFit(page);
  const card = page.getByTestId(`score-row-${rowId}`);
  if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
  return card.getByLabel('Points');
}

/** Types new points into a row and leaves the box (so the editor's shortcuts apply again). */
async function setPoints(page: Page, rowId: string, points: number) {
  const box = await pointsBox(page, rowId);
  await box.fill(String(points));
  await box.blur();
}

const saveState = (page: Page) => page.getByTestId('save-state').getAttribute('data-state');

/** The names in a page's presence bar (the others in the draft). */
const avatars = (page: Page) =>
  page
    .getByTestId('presence-avatar')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-user')));

/** The workflow of a y-websocket sync step 2 message (`[0, 1, update]`). */
function docOfSyncStep2(message: Uint8Array): Y.Doc {
  const decoder = decoding.createDecoder(message);
  expect(decoding.readVarUint(decoder)).toBe(0);
  expect(decoding.readVarUint(decoder)).toBe(syncProtocol.messageYjsSyncStep2);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, decoding.readVarUint8Array(decoder));
  return doc;
}

const readOrThrow = (doc: Y.Doc): Workflow => {
  const read = readWorkflow(doc);
  if (!read.ok) throw new Error(read.errors[0]?.message);
  return read.workflow;
};

const rowPoints = (workflow: Workflow, rowId: string) => {
  const fit = workflow.nodes.find((n) => n.id === 'fit');
  if (fit?.kind !== 'scorecard') throw new Error('No Fit scorecard.');
  return fit.data.rows.find((r) => r.id === rowId)?.points;
};

describe.runIf(browserAvailable())('three people co-authoring one draft in Chromium (#20)', () => {
  const suite = browserSuite();
  /** Convergence times measured, printed at the end. */
  const timings: Record<string, number> = {};
  let maya: Page;
  let sam: Page;
  let aude: Page;
  let everyone: Page[];

  /** One person: their own browser context, signed in, in the editor with Fit open. */
  async function person(email: string) {
    const page = await suite.signedInPage(email, { viewport: VIEWPORT });
    await openEditor(page);
    await openFit(page);
    return page;
  }

  beforeAll(async () => {
    maya = await person('marketing@acme.test');
    sam = await person('sales@acme.test');
    aude = await person('auditor@acme.test');
    everyone = [maya, sam, aude];
  });

  beforeEach(async () => {
    // Each test reads the rows in everyone's inspector: Fit open in all three.
    for (const page of everyone) await openFit(page);
  });

  afterEach(async () => {
    // A failed offline step must not leave sales offline for the next test.
    await sam?.context().setOffline(false);
  });

  afterAll(async () => {
    console.log(`collab e2e convergence times (ms): ${JSON.stringify(timings)}`);
  });

  it('#20: everyone sees who else is in the draft, their cursors, selections and what they edit', async () => {
    // Each one's presence bar shows the two others, by the names the server knows them by.
    await expect.poll(() => avatars(maya)).toEqual([AUDE, SAM]);
    await expect.poll(() => avatars(sam)).toEqual([AUDE, MAYA]);
    await expect.poll(() => avatars(aude)).toEqual([MAYA, SAM]);
    const bar = aude.getByTestId('presence');
    expect(await bar.getAttribute('aria-label')).toBe(`In this draft: ${MAYA}, ${SAM}`);
    expect(await aude.locator(`[data-user="${SAM}"]`).first().getAttribute('title')).toBe(
      `${SAM} (sales)`,
    );

    // Everyone has Fit open: each sees the others' outline on it, with their names.
    await expect
      .poll(() =>
        maya
          .locator('[data-testid="remote-selection"][data-node-id="fit"]')
          .getAttribute('data-users'),
      )
      .toBe(`${AUDE}, ${SAM}`);

    // Pointers move on the canvas: the others see them, named.
    const pane = (await maya.locator('.react-flow__pane').boundingBox())!;
    await maya.mouse.move(pane.x + pane.width * 0.3, pane.y + pane.height * 0.6, { steps: 5 });
    const samPane = (await sam.locator('.react-flow__pane').boundingBox())!;
    await sam.mouse.move(samPane.x + samPane.width * 0.6, samPane.y + samPane.height * 0.4, {
      steps: 5,
    });
    for (const [page, name] of [
      [aude, MAYA],
      [aude, SAM],
      [sam, MAYA],
      [maya, SAM],
    ] as const)
      await page.locator(`[data-testid="remote-cursor"][data-user="${name}"]`).waitFor();
    await screenshot(aude, 'collab-cursors');

    // Sales focuses a row's points: the others read who is editing what.
    const samBox = await pointsBox(sam, 'title_executive');
    await samBox.focus();
    const hint = `${SAM} is editing ${FIT} › Title is VP or C-level`;
    for (const page of [maya, aude])
      await expect.poll(() => page.getByTestId('presence-hint').textContent()).toBe(hint);
    await screenshot(maya, 'collab-editing-hint');
    await samBox.blur();
    await expect.poll(() => maya.getByTestId('presence-hint').count()).toBe(0);

    // The list behind the avatars names everyone with their role.
    await bar.click();
    const list = aude.getByTestId('presence-list');
    await list.waitFor();
    const listed = (await list.textContent()) ?? '';
    expect(listed).toContain(`${MAYA}marketing`);
    expect(listed).toContain(`${SAM}sales`);
    await screenshot(aude, 'collab-presence');
    await aude.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });
  });

  it('#20: simultaneous edits to different rows and to the same row converge on all three', async () => {
    // Different rows of Fit, at the same moment: both edits reach every page. The time is
    // from each person's typing to the last page showing it.
    const rowBoxes = [
      await pointsBox(maya, 'title_executive'),
      await pointsBox(sam, 'title_director'),
    ];
    await record(everyone, ['title_executive', 'title_director']);
    await Promise.all([rowBoxes[0]!.fill('25'), rowBoxes[1]!.fill('18')]);
    for (const box of rowBoxes) await box.blur();
    await untilEveryPage(
      everyone,
      ['title_executive', 'title_director'],
      showing({ title_executive: 25, title_director: 18 }),
      Date.now(),
    );
    timings.differentRows = Math.max(
      await shownEverywhereAfter(everyone, 'title_executive', (await logOf(maya)).actedAt),
      await shownEverywhereAfter(everyone, 'title_director', (await logOf(sam)).actedAt),
    );

    // The same row, at the same moment, typed as people type (select the text, type over it):
    // every page settles on one of the two values, never the two run together ("1210"). The one
    // whose value lost keeps their text while in the box, marked as changed elsewhere, and sees
    // the settled value on leaving it (not kept as a silent local copy).
    await record(everyone, ['size_mid']);
    const boxes = [await pointsBox(maya, 'size_mid'), await pointsBox(sam, 'size_mid')];
    await Promise.all([boxes[0]!.fill('10'), boxes[1]!.fill('12')]);
    let settled: number | null = null;
    await untilEveryPage(
      everyone,
      ['size_mid'],
      (pages) => {
        settled = pages[0]!.size_mid!;
        return pages.every((p) => p.size_mid === settled) && (settled === 10 || settled === 12);
      },
      Date.now(),
    );
    const lastTyped = Math.max((await logOf(maya)).actedAt, (await logOf(sam)).actedAt);
    timings.sameRow = await shownEverywhereAfter(everyone, 'size_mid', lastTyped);
    for (const box of boxes) {
      if ((await box.inputValue()) !== String(settled)) {
        await expect.poll(() => box.getAttribute('data-newer')).toBe('');
        await screenshot(box.page(), 'collab-number-box-newer-value');
      }
      await box.blur();
      expect(await box.inputValue()).toBe(String(settled));
      expect(await box.getAttribute('data-newer')).toBeNull();
    }

    // The server stores what everyone sees.
    await expect.poll(() => saveState(maya)).toBe('saved');
    await expect.poll(() => saveState(sam)).toBe('saved');
    const stored = await storedDraft(aude);
    expect(rowPoints(stored.document, 'title_executive')).toBe(25);
    expect(rowPoints(stored.document, 'title_director')).toBe(18);
    expect(rowPoints(stored.document, 'size_mid')).toBe(settled);
  });

  it('#20: each one’s undo removes only their own edit, on every page', async () => {
    const rows = ['title_given', 'size_large', 'title_executive', 'title_director'];
    const before = await pointsShown(maya, rows);
    await setPoints(maya, 'title_given', 6);
    await setPoints(sam, 'size_large', 16);
    await untilEveryPage(everyone, rows, showing({ title_given: 6, size_large: 16 }), Date.now());

    // Marketing's Ctrl+Z takes back marketing's edit; sales' stays.
    await record(everyone, rows);
    await maya.keyboard.press('Control+z');
    await untilEveryPage(
      everyone,
      rows,
      showing({ title_given: before.title_given!, size_large: 16 }),
      Date.now(),
    );
    timings.undo = await shownEverywhereAfter(everyone, 'title_given', (await logOf(maya)).actedAt);
    // Sales' Ctrl+Z takes back sales' edit; marketing's undone row is not touched again.
    await sam.keyboard.press('Control+z');
    await untilEveryPage(
      everyone,
      rows,
      showing({ title_given: before.title_given!, size_large: before.size_large! }),
      Date.now(),
    );
    // Redo brings back only one's own edit too.
    await maya.keyboard.press('Control+Shift+z');
    await untilEveryPage(
      everyone,
      rows,
      showing({ title_given: 6, size_large: before.size_large! }),
      Date.now(),
    );
    // The earlier edits of both were never touched by either undo.
    expect(await pointsShown(aude, ['title_executive', 'title_director'])).toEqual({
      title_executive: before.title_executive,
      title_director: before.title_director,
    });
  });

  it('#20: the auditor sees everything and changes nothing; a forged update from the auditor’s session is refused', async () => {
    // In the UI: a read-only banner, no palette, the inspector's boxes disabled, undo inert.
    expect(await aude.getByTestId('read-only-banner').textContent()).toContain('read-only');
    expect(await aude.getByTestId('palette-condition').count()).toBe(0);
    const box = await pointsBox(aude, 'title_manager');
    expect(await box.isDisabled()).toBe(true);
    const rows = ['title_manager', 'title_given'];
    const before = await pointsShown(maya, rows);
    await aude.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await aude.keyboard.press('Control+z');
    // A step the auditor drags stays where it is (the drag pans the canvas instead).
    const position = async (page: Page) =>
      /translate\([^)]*\)/.exec(
        (await page.locator('.react-flow__node[data-id="fit"]').getAttribute('style')) ?? '',
      )?.[0];
    const fit = aude.getByTestId('node-fit');
    const at = (await fit.boundingBox())!;
    const placed = await position(aude);
    const placedForMaya = await position(maya);
    expect(placed).toMatch(/^translate\(/);
    await aude.mouse.move(at.x + at.width / 2, at.y + 12);
    await aude.mouse.down();
    await aude.mouse.move(at.x + at.width / 2 + 150, at.y + 80, { steps: 10 });
    await aude.mouse.up();
    expect(await position(aude)).toBe(placed);
    expect(await position(maya)).toBe(placedForMaya);
    await openFit(aude);

    // A forged update from the auditor's own page, cookie and all: a raw WebSocket to the
    // shared draft asks for the document (allowed), then sends a change built from it.
    const workflowId = /\/workflows\/([0-9a-f-]{36})/.exec(aude.url())![1]!;
    const refusedBefore = await refusedAsReadOnly(suite.app.url);
    const socketUrl = `${suite.app.url.replace(/^http/, 'ws')}/collab/${workflowId}`;
    const askDocument = Array.from(syncRequest());
    const first = await aude.evaluate(
      async ({ url, ask }) => {
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        const step2s: number[][] = [];
        (window as unknown as { forged: unknown }).forged = { socket, step2s };
        socket.onmessage = (event) => {
          const bytes = new Uint8Array(event.data as ArrayBuffer);
          if (bytes[0] === 0 && bytes[1] === 1) step2s.push(Array.from(bytes));
        };
        await new Promise((resolve, reject) => {
          socket.onopen = resolve;
          socket.onerror = reject;
        });
        socket.send(new Uint8Array(ask));
        while (step2s.length === 0) await new Promise((r) => setTimeout(r, 10));
        return step2s[0]!;
      },
      { url: socketUrl, ask: askDocument },
    );
    const doc = docOfSyncStep2(new Uint8Array(first));
    expect(rowPoints(readOrThrow(doc), 'title_manager')).toBe(before.title_manager);
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const forged = readOrThrow(doc);
    const forgedRows = forged.nodes.find((n) => n.id === 'fit')!;
    if (forgedRows.kind !== 'scorecard') throw new Error('No Fit scorecard.');
    forgedRows.data.rows = forgedRows.data.rows.map((r) =>
      r.id === 'title_manager' ? { ...r, points: 99 } : r,
    );
    writeWorkflow(doc, forged, 'forger');
    expect(updates).toHaveLength(1);
    // Both ways a change travels in the protocol: an update, and a sync step 2 answer.
    const asUpdate = syncMessage((e) => syncProtocol.writeUpdate(e, updates[0]!));
    const asStep2 = syncMessage((e) => syncProtocol.writeSyncStep2(e, doc));
    const reply = await aude.evaluate(
      async ({ messages, ask }) => {
        const { socket, step2s } = (
          window as unknown as {
            forged: { socket: WebSocket; step2s: number[][] };
          }
        ).forged;
        for (const message of messages) socket.send(new Uint8Array(message));
        // Asked after the forgeries on the same socket, the server answers after handling them.
        socket.send(new Uint8Array(ask));
        while (step2s.length < 2) await new Promise((r) => setTimeout(r, 10));
        const open = socket.readyState === WebSocket.OPEN;
        socket.close();
        return { document: step2s[1]!, open };
      },
      { messages: [Array.from(asUpdate), Array.from(asStep2)], ask: askDocument },
    );
    // The server dropped both: its document does not have the change (the socket stays open:
    // reading is allowed).
    expect(reply.open).toBe(true);
    expect((await refusedAsReadOnly(suite.app.url)) - refusedBefore).toBeGreaterThanOrEqual(2);
    expect(
      rowPoints(readOrThrow(docOfSyncStep2(new Uint8Array(reply.document))), 'title_manager'),
    ).toBe(before.title_manager);
    // Marketing edits after the forgery; once that reached every page and is stored, nobody's
    // page and not the stored draft has the forged points.
    await setPoints(maya, 'title_given', 4);
    await untilEveryPage(
      everyone,
      rows,
      showing({ title_given: 4, title_manager: before.title_manager! }),
      Date.now(),
    );
    await expect.poll(() => saveState(maya)).toBe('saved');
    const stored = await storedDraft(aude);
    expect(rowPoints(stored.document, 'title_given')).toBe(4);
    expect(rowPoints(stored.document, 'title_manager')).toBe(before.title_manager);
  });

  it('#20: sales goes offline, edits, comes back, and everything merges on all three', async () => {
    const rows = ['title_manager', 'title_given'];
    await sam.context().setOffline(true);
    const banner = sam.getByTestId('offline-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toBe(
      'You are offline. Your edits are kept here and will merge when the connection returns.',
    );
    await expect.poll(() => saveState(sam)).toBe('offline');
    // Sales edits a row offline, marketing another online.
    await setPoints(sam, 'title_manager', 11);
    await setPoints(maya, 'title_given', 9);
    await untilEveryPage([maya, aude], rows, showing({ title_given: 9 }), Date.now());
    // Sales' edit has not left sales' browser; marketing's has not reached it.
    expect(await pointsShown(maya, rows)).toEqual({ title_manager: 8, title_given: 9 });
    expect(await pointsShown(sam, rows)).toMatchObject({ title_manager: 11 });
    expect(await pointsShown(sam, rows)).not.toMatchObject({ title_given: 9 });
    await screenshot(sam, 'collab-offline');

    // Back online: both edits on every page, and sales' save state says saved again.
    await record(everyone, rows);
    const since = Date.now();
    await sam.context().setOffline(false);
    await untilEveryPage(
      everyone,
      rows,
      showing({ title_manager: 11, title_given: 9 }),
      since,
      15_000,
    );
    timings.reconnectMerge = Math.max(
      await shownEverywhereAfter(everyone, 'title_manager', since),
      await shownEverywhereAfter(everyone, 'title_given', since),
    );
    await expect.poll(() => saveState(sam)).toBe('saved');
    await banner.waitFor({ state: 'detached' });
    await expect.poll(() => avatars(maya)).toEqual([AUDE, SAM]);
    const stored = await storedDraft(aude);
    expect(rowPoints(stored.document, 'title_manager')).toBe(11);
    expect(rowPoints(stored.document, 'title_given')).toBe(9);
    await screenshot(aude, 'collab-merged');
  });

  it('#20: a node comment appears live for the others; leaving clears one’s presence', async () => {
    for (const page of everyone)
      await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await maya.getByTestId('node-comments-start').click();
    await maya
      .getByRole('textbox', { name: 'New comment' })
      .fill('Sales: is 11 right for managers?');
    await maya.getByRole('button', { name: 'Add comment' }).click();
    await maya.keyboard.press('Escape');
    // No reload in the others' pages: the count appears by itself.
    for (const page of [sam, aude])
      await expect
        .poll(() => page.getByTestId('node-comments-start').getAttribute('aria-label'))
        .toBe('1 comment on New or updated lead');
    await sam.getByTestId('node-comments-start').click();
    expect(await sam.locator('.comment-list').textContent()).toContain(
      'Sales: is 11 right for managers?',
    );
    await sam.keyboard.press('Escape');

    // The auditor closes the tab: the others no longer see them within seconds.
    await aude.context().close();
    await expect.poll(() => avatars(maya)).toEqual([SAM]);
    await expect.poll(() => avatars(sam)).toEqual([MAYA]);
    expect(suite.pageErrors).toEqual([]);
  });
});

/** A y-websocket sync message: the type, then what `write` adds. */
function syncMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1 with an empty state vector: "send me the whole document". */
const syncRequest = () => syncMessage((e) => syncProtocol.writeSyncStep1(e, new Y.Doc()));

/** How many shared-draft messages the server refused as from a read-only person (/metrics). */
async function refusedAsReadOnly(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const line = /^accord_collab_refused_messages_total\{reason="read-only"\} (\d+)$/m.exec(metrics);
  return Number(line?.[1] ?? 0);
}

/** The stored draft (tRPC draft.get), fetched in a page with its person's session. */
async function storedDraft(page: Page): Promise<{ revision: number; document: Workflow }> {
  const workflowId = /\/workflows\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  return page.evaluate(async (id) => {
    const input = encodeURIComponent(JSON.stringify({ workflowId: id }));
    const res = await fetch(`/trpc/draft.get?input=${input}`);
    const body = (await res.json()) as {
      result: { data: { revision: number; document: unknown } };
    };
    return body.result.data;
  }, workflowId) as Promise<{ revision: number; document: Workflow }>;
}
