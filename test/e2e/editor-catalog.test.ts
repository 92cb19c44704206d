import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  launchBrowser,
  screenshot,
  signIn,
  startApp,
  type RunningApp,
} from './harness';

/**
 * #17 in Chromium, by clicking only: marketing adds a field from a scorecard row's field picker
 * ("this is not a field yet") and uses it in the row, renames a stage and adds a score in the
 * editor's Stages & scores dialog, saves, reloads and finds all of it; version 1 still opens on
 * the catalog it pinned.
 */

const VIEWPORT = { width: 1280, height: 900 };
const WORKFLOW = 'Inbound B2B qualification';

/** Polls what a page shows for up to 30 s (a busy two-core machine is slow). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

async function openEditor(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
  await page.getByRole('link', { name: WORKFLOW, exact: true }).first().click();
  await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
}

/** Opens the Fit scorecard in the inspector, by clicking its step. */
async function openFit(page: Page) {
  await page.getByTestId('tab-inspector').click();
  await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
  await page.getByTestId('node-fit').click();
  await page.getByTestId('inspector-title').waitFor();
}

describe.runIf(browserAvailable())('#17: the editor on the workspace catalog, in Chromium', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('adds a field from a row’s picker, renames a stage, adds a score, saves and finds them after a reload', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, 'marketing@acme.test');
    await openEditor(page);

    // A new row of the Fit scorecard, on a field the workspace does not have yet.
    await openFit(page);
    const inspector = page.getByTestId('inspector');
    const rowsBefore = await inspector.locator('[data-testid^="score-row-"]').count();
    await inspector.getByRole('button', { name: '+ Row' }).click();
    const row = inspector.locator('[data-testid^="score-row-"]').nth(rowsBefore);
    await row.locator('.item-title').click();
    await row.getByRole('textbox', { name: 'Row name' }).fill('Visits the site often');
    const picker = row.getByRole('combobox', { name: 'Field' });
    expect(await picker.locator('option').allTextContents()).not.toContain('Site visits');
    await picker.selectOption({ label: 'New field…' });

    const dialog = page.getByTestId('new-field-dialog');
    await dialog.getByRole('textbox', { name: 'Label' }).fill('Site visits');
    expect(await dialog.getByRole('textbox', { name: /^Id/ }).inputValue()).toBe('site_visits');
    await dialog.getByRole('combobox', { name: 'Type' }).selectOption({ label: 'Number' });
    await dialog.getByRole('combobox', { name: 'Category' }).selectOption({ label: 'Behaviour' });
    await screenshot(page, 'editor-new-field');
    await dialog.getByRole('button', { name: 'Add field' }).click();
    await eventually(() => dialog.count()).toBe(0);

    // The row now reads the new field, with the number operators its type has.
    await eventually(() => picker.inputValue()).toBe('field:site_visits');
    await row.getByRole('combobox', { name: 'Operator' }).selectOption({ label: 'is more than' });
    await row.getByRole('textbox', { name: 'Value' }).fill('3');

    // Stages & scores: rename MQL, add a score.
    await page.getByRole('button', { name: 'Stages & scores' }).click();
    const panel = page.getByTestId('stages-scores');
    const mql = panel.getByRole('textbox', { name: 'Stage 2 name' });
    expect(await mql.inputValue()).toBe('MQL');
    await mql.fill('Marketing qualified');
    await panel.getByRole('textbox', { name: 'New score name' }).fill('Intent');
    await panel.getByRole('button', { name: 'Add score' }).click();
    const intentRow = panel.getByTestId('scores-table').getByRole('row').last();
    await intentRow.getByRole('textbox', { name: /lowest value/ }).fill('0');
    await intentRow.getByRole('textbox', { name: /highest value/ }).fill('50');
    // A stage a step ends leads in cannot be removed.
    await panel.getByRole('button', { name: 'Remove stage SAL' }).click();
    await eventually(() => panel.getByRole('alert').textContent()).toContain(
      'SAL is still used by',
    );
    await screenshot(page, 'editor-stages-scores');
    await panel.getByRole('button', { name: 'Done' }).click();

    await page.keyboard.press('Control+s');
    await eventually(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await eventually(() => page.getByTestId('problems-chip').textContent()).toMatch(
      /No problems|^0 errors/,
    );

    // After a reload all of it is there.
    await page.reload();
    await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Stages & scores' }).click();
    expect(await panel.getByRole('textbox', { name: 'Stage 2 name' }).inputValue()).toBe(
      'Marketing qualified',
    );
    const scoreNames = await panel
      .getByTestId('scores-table')
      .getByRole('textbox', { name: / name$/ })
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(scoreNames).toEqual(['Fit', 'Engagement', 'Intent']);
    await panel.getByRole('button', { name: 'Done' }).click();
    await openFit(page);
    const saved = inspector.locator('[data-testid^="score-row-"]').nth(rowsBefore);
    await saved.locator('.item-title').click();
    expect(await saved.getByRole('combobox', { name: 'Field' }).inputValue()).toBe(
      'field:site_visits',
    );
    expect(await saved.getByRole('textbox', { name: 'Value' }).inputValue()).toBe('3');

    // Version 1 opens on the catalog it pinned: its stages and scores are as they were.
    await page.getByTestId('versions-menu').click();
    await page.getByRole('menuitem', { name: /v1/ }).click();
    await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('version-title').textContent()).toBe('Version 1');
    // Its stages are its own (read only): the draft's rename is not in it.
    await page.getByRole('button', { name: 'Stages & scores' }).click();
    const stage2 = panel.getByRole('textbox', { name: 'Stage 2 name' });
    expect(await stage2.inputValue()).toBe('MQL');
    expect(await stage2.isDisabled()).toBe(true);
    expect(await panel.getByRole('button', { name: 'Add stage' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await page.getByTestId('node-fit').click();
    expect(await page.getByTestId('inspector').locator('[data-testid^="score-row-"]').count()).toBe(
      rowsBefore,
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
