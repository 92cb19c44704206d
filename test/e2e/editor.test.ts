import { defaultStages } from '@accord/engine';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot, signIn } from './harness';

const VIEWPORT = { width: 1280, height: 800 };

async function openEditor(page: Page, url: string) {
  await page.goto(url);
  await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor();
}

/** Drags with the mouse from the centre of one element to the centre of another. */
async function drag(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
  await page.mouse.up();
}

const saveState = (page: Page) => page.getByTestId('save-state').getAttribute('data-state');
/** Waits until the draft is saved (the e2e project polls for up to 10 s). */
const saved = (page: Page) => expect.poll(() => saveState(page)).toBe('saved');
const problems = (page: Page) => page.getByTestId('problems-chip').textContent();
const selectedNodeId = async (page: Page) =>
  (await page.locator('.react-flow__node.selected').getAttribute('data-id'))!;

describe.runIf(browserAvailable())('workflow editor in Chromium (issue 7)', () => {
  const suite = browserSuite();

  it('builds, validates, undoes, saves, edits beside a teammate, tries a lead and proposes a version', async () => {
    const marketing = await suite.browser.newContext({ viewport: VIEWPORT });
    const page = await marketing.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    // Sign in and create a workflow from the default agreement.
    await signIn(page, suite.app.url, 'marketing@acme.test');
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('Inbound 2027 (e2e)');
    await screenshot(page, 'editor-create-workflow');
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    const editorUrl = page.url();
    await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor();
    expect(await page.locator('.react-flow__node').count()).toBeGreaterThan(3);
    await expect.poll(() => problems(page)).toContain('No problems');
    // A workflow this small opens without the overview map (it would cover steps); the
    // canvas control shows it, and the choice is kept for the next visit.
    const overview = page.getByLabel('Overview of the workflow');
    expect(await overview.count()).toBe(0);
    await page.getByRole('button', { name: 'Show the overview map' }).click();
    await overview.waitFor();
    await screenshot(page, 'editor-default-workflow');

    // Add a condition and a stage from the palette; they land on free ground, selected.
    await page.getByTestId('palette-condition').click();
    const condition = await selectedNodeId(page);
    expect(condition).toMatch(/^condition_/);
    await page.getByTestId('node-label-input').fill('Senior title?');
    await page.getByTestId('palette-stage').click();
    const stage = await selectedNodeId(page);
    expect(stage).toMatch(/^stage_/);
    // A new condition has an empty group: an error shows on the node and in the toolbar.
    await expect.poll(() => problems(page)).toMatch(/^[1-9]\d* errors?/);
    await expect
      .poll(() => page.getByTestId(`node-problems-${condition}`).getAttribute('aria-label'))
      .toContain('has no conditions');

    // Connect the condition's "Yes" output to the stage.
    const nodes = page.locator('.react-flow__node');
    await drag(
      page,
      nodes.locator(`[data-testid="node-${condition}"] .react-flow__handle[data-handleid="true"]`),
      nodes.locator(`[data-testid="node-${stage}"] .react-flow__handle.target`),
    );
    await expect
      .poll(() => page.locator(`.react-flow__edge[data-id="${condition}:true->${stage}"]`).count())
      .toBe(1);

    // Set the predicate through the inspector: Job title contains 'director'.
    await page.getByTestId(`node-${condition}`).click();
    const inspector = page.getByTestId('inspector');
    await inspector.getByRole('button', { name: '+ Condition' }).click();
    await inspector.getByRole('combobox', { name: 'Field' }).selectOption({ label: 'Job title' });
    const operators = await inspector
      .getByRole('combobox', { name: 'Operator' })
      .locator('option')
      .allTextContents();
    expect(operators).toContain('contains');
    expect(operators).not.toContain('is more than');
    await inspector.getByRole('combobox', { name: 'Operator' }).selectOption({ label: 'contains' });
    await screenshot(page, 'editor-diagnostic-shown');
    await inspector.getByRole('textbox', { name: 'Value' }).fill('director');
    // The error clears (warnings remain: nothing leads into the new condition yet).
    await expect.poll(() => problems(page)).toMatch(/^0 errors/);
    await expect
      .poll(() => page.getByTestId(`node-${condition}`).textContent())
      .toContain("Job title contains 'director'");
    await screenshot(page, 'editor-predicate-set');

    // Undo brings the error back, redo clears it again.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => problems(page)).toMatch(/^[1-9]\d* errors?/);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => problems(page)).toMatch(/^0 errors/);

    // Save, reload and find the change.
    await page.keyboard.press('Control+s');
    await saved(page);
    await openEditor(page, editorUrl);
    expect(await overview.count()).toBe(1);
    await page.getByRole('button', { name: 'Hide the overview map' }).click();
    await expect.poll(() => overview.count()).toBe(0);
    await page.getByTestId('tab-problems').click();
    await page
      .getByTestId('problems-list')
      .getByRole('button', { name: /Senior title\?/ })
      .first()
      .click();
    await expect
      .poll(() => page.getByTestId(`node-${condition}`).textContent())
      .toContain("Job title contains 'director'");
    expect(
      await page.locator(`.react-flow__edge[data-id="${condition}:true->${stage}"]`).count(),
    ).toBe(1);
    await screenshot(page, 'editor-after-reload');

    // A second session (sales) opens the same draft (#20): both edit at once, each sees the
    // other's edit live, and nothing waits for a save.
    const sales = await suite.browser.newContext({ viewport: VIEWPORT });
    const other = await sales.newPage();
    other.on('pageerror', (e) => errors.push(`sales: ${e.message}`));
    await signIn(other, suite.app.url, 'sales@acme.test');
    await openEditor(other, editorUrl);
    await other.getByTestId('node-start').click();
    await other.getByTestId('node-label-input').fill('New or updated lead (sales edit)');
    await page.getByTestId('tab-inspector').click();
    await page.getByTestId(`node-${condition}`).click();
    await page.getByTestId('node-label-input').fill('Senior title? (marketing edit)');
    await expect.poll(() => page.getByTestId('node-start').textContent()).toContain('(sales edit)');
    await expect
      .poll(() => other.getByTestId(`node-${condition}`).textContent())
      .toContain('Senior title? (marketing edit)');
    // Each sees the other in the toolbar.
    await expect
      .poll(() => page.getByTestId('presence').getAttribute('aria-label'))
      .toBe('In this draft: Sam Sales');
    await screenshot(page, 'editor-two-people');
    await saved(page);
    await saved(other);

    // Both edits survive a reload, in either session.
    await openEditor(other, editorUrl);
    expect(await other.getByTestId('node-start').textContent()).toContain('(sales edit)');
    expect(await other.getByTestId(`node-${condition}`).textContent()).toContain(
      'Senior title? (marketing edit)',
    );
    await sales.close();

    // Comment on a node from the canvas (the whole workflow in view).
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await page.getByTestId('node-comments-start').click();
    await page.getByRole('textbox', { name: 'New comment' }).fill('Sales: please keep this open.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await expect.poll(() => page.getByTestId('node-comments-start').textContent()).toContain('1');
    await page.keyboard.press('Escape');

    // Try a lead: its stage, scores and reasons show and its path lights up on the canvas.
    await page.getByTestId('tab-lead').click();
    await page.locator('[data-testid^="sample-lead-"]').first().click();
    await page.getByTestId('lead-result').waitFor();
    await page.getByTestId('show-path').click();
    // The workflow was made from the default agreement: the lead lands in one of its stages.
    expect(defaultStages().map((s) => s.label)).toContain(
      await page.getByTestId('lead-stage').textContent(),
    );
    await expect
      .poll(() => page.getByTestId('node-start').getAttribute('class'))
      .toContain('is-highlighted');
    // Every step of the path lights up, joined by the edges it went along (at least n - 1 for
    // n steps; more where two cases lead to the same node); the shortest path of the default
    // agreement is start, a check, a stage.
    const litNodes = await page.locator('.ui-node-card.is-highlighted').count();
    expect(litNodes).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.workflow-edge.is-highlighted').count()).toBeGreaterThanOrEqual(
      litNodes - 1,
    );
    await screenshot(page, 'editor-try-a-lead');

    // Shortcuts are listed in a help dialog.
    await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-dialog').waitFor();
    expect(await page.getByTestId('shortcuts-dialog').textContent()).toContain('Duplicate');
    await screenshot(page, 'editor-shortcuts');
    await page.keyboard.press('Escape');

    // Propose a version with a change note, then open it read only.
    await page.getByTestId('propose').click();
    await page.getByTestId('change-note').fill('Senior titles go straight to MQL.');
    await page.getByRole('button', { name: 'Propose version' }).click();
    await page.getByTestId('propose-success').waitFor();
    await page.getByRole('link', { name: /View version/ }).click();
    await page.waitForURL(/\/versions\/[0-9a-f-]{36}\/view$/);
    await page.locator('[data-testid="canvas"][data-ready="true"]').waitFor();
    expect(await page.getByTestId('version-title').textContent()).toMatch(/Version \d+/);
    expect(await page.getByTestId('palette-condition').count()).toBe(0);
    await screenshot(page, 'editor-version-view');

    expect(errors).toEqual([]);
    await marketing.close();
  });

  it('#15: opens the default agreement whole and readable on a 1440×900 screen', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, suite.app.url, 'marketing@acme.test');
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('Default fit (e2e)');
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    const editorUrl = page.url();
    await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor();
    // The zoom of React Flow's viewport transform: `translate(…) scale(z)`.
    const zoom = async () => {
      const style = await page.locator('.react-flow__viewport').getAttribute('style');
      return Number(/scale\(([\d.]+)\)/.exec(style ?? '')?.[1] ?? 0);
    };
    await expect.poll(zoom).toBeGreaterThanOrEqual(0.55);
    const pane = (await page.locator('.react-flow').boundingBox())!;
    const cards = await page.locator('.react-flow__node').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { id: e.getAttribute('data-id'), x: r.x, y: r.y, right: r.right, bottom: r.bottom };
      }),
    );
    expect(cards).toHaveLength(17);
    for (const card of cards)
      expect(
        card.x >= pane.x &&
          card.y >= pane.y &&
          card.right <= pane.x + pane.width &&
          card.bottom <= pane.y + pane.height,
        `${card.id} is outside the canvas`,
      ).toBe(true);
    await screenshot(page, 'editor-default-fit');

    // Tidy up keeps it whole at a readable zoom; the inspector names the step in words.
    await page.getByTestId('auto-layout').click();
    await page.waitForTimeout(600);
    expect(await zoom()).toBeGreaterThanOrEqual(0.55);
    await page.getByTestId('node-fit').click();
    expect(await page.getByTestId('inspector-title').textContent()).toBe('Fit: who the lead is');
    await context.close();

    // The auditor reads the draft; the banner offers no comments the auditor cannot make.
    const auditor = await suite.signedInPage('auditor@acme.test', { viewport: VIEWPORT });
    await openEditor(auditor, editorUrl);
    const banner = await auditor.getByTestId('read-only-banner').textContent();
    expect(banner).toContain('read-only');
    expect(banner).not.toContain('comment');
    await auditor.context().close();
  });

  it('refuses to propose a draft with errors and lists them', async () => {
    const context = await suite.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await signIn(page, suite.app.url, 'sales@acme.test');
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('Blank (e2e)');
    await page.getByText('Blank', { exact: true }).click();
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.locator('[data-testid="canvas"][data-ready="true"]').waitFor();
    await page.getByTestId('palette-condition').click();
    // The edit marks the draft unsaved until the server has stored it (within a second).
    await expect.poll(() => saveState(page)).not.toBe('saved');
    await saved(page);
    await page.getByTestId('propose').click();
    await page.getByTestId('change-note').fill('Draft with a hole');
    await page.getByRole('button', { name: 'Propose version' }).click();
    const refused = page.getByTestId('propose-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('has no conditions');
    await screenshot(page, 'editor-propose-refused');
    await context.close();
  });
});
