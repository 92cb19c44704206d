import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot, signIn } from './harness';

const VIEWPORT = { width: 1280, height: 900 };
const WORKFLOW = 'Inbound B2B qualification';

/** Signs in and opens the seeded workflow by clicking from the home page. */
async function openFromHome(page: Page, url: string, email?: string) {
  if (email) await signIn(page, url, email);
  else {
    await page.goto(url);
    await page.waitForURL(/\/workflows$/);
  }
  await page.getByRole('link', { name: WORKFLOW }).first().click();
  await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor();
}

/** The Points box of one row of the Fit scorecard (opening the step and the row). */
async function fitRowPoints(page: Page, rowId: string) {
  await page.getByTestId('tab-inspector').click();
  const title = page.getByTestId('inspector-title');
  if ((await title.count()) === 0 || (await title.textContent()) !== 'Fit: who the lead is') {
    // The whole workflow in view first: a reload or merge keeps the pan, which may hide the step.
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await page.getByTestId('node-fit').click();
  }
  const card = page.getByTestId(`score-row-${rowId}`);
  if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
  return card.getByLabel('Points');
}

async function setPoints(page: Page, rowId: string, points: number) {
  await (await fitRowPoints(page, rowId)).fill(String(points));
}

async function pointsOf(page: Page, rowId: string) {
  return Number(await (await fitRowPoints(page, rowId)).inputValue());
}

const saveState = (page: Page) => page.getByTestId('save-state').getAttribute('data-state');
const saved = (page: Page) => expect.poll(() => saveState(page), { timeout: 15_000 }).toBe('saved');

describe.runIf(browserAvailable())('two teammates editing one scorecard in Chromium (#15)', () => {
  const suite = browserSuite();
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  it('#15: both rows’ edits survive; the same row’s points are a choice, never a silent revert', async () => {
    const newPage = async () => {
      const context = await suite.browser.newContext({ viewport: VIEWPORT });
      contexts.push(context);
      return { context, page: await context.newPage() };
    };
    const { page: maya } = await newPage();
    const { context: salesContext, page: sam } = await newPage();
    const errors: string[] = [];
    for (const p of [maya, sam]) p.on('pageerror', (e) => errors.push(e.message));
    await openFromHome(maya, suite.app.url, 'marketing@acme.test');
    await openFromHome(sam, suite.app.url, 'sales@acme.test');

    // Marketing changes one row and saves; sales' open editor is told at once and shows it.
    await setPoints(maya, 'title_executive', 25);
    await maya.keyboard.press('Control+s');
    await saved(maya);
    const notice = sam.getByTestId('draft-notice');
    await expect
      .poll(() => notice.textContent(), { timeout: 15_000 })
      .toMatch(/Maya Marketing \(marketing\) saved a newer draft — now showing revision \d+/);
    expect(await pointsOf(sam, 'title_executive')).toBe(25);
    await screenshot(sam, 'merge-newer-draft');

    // Sales changes another row of the same scorecard: marketing's row stays.
    await setPoints(sam, 'title_director', 12);
    await sam.keyboard.press('Control+s');
    await saved(sam);

    // Now both edit at once (sales' tab does not hear of marketing's save in time): marketing
    // sets a row's points to 15, sales the same row to 30 and another row to 4.
    const revisionChecks = (url: URL) => url.pathname.endsWith('/trpc/draft.revision');
    await salesContext.route(revisionChecks, (route) => route.abort());
    await expect
      .poll(() => maya.getByTestId('draft-notice').textContent(), { timeout: 15_000 })
      .toContain('Sam Sales (sales)');
    await setPoints(maya, 'title_executive', 15);
    await maya.keyboard.press('Control+s');
    await saved(maya);
    await setPoints(sam, 'title_executive', 30);
    await setPoints(sam, 'size_mid', 4);
    await sam.keyboard.press('Control+s');

    // Sales' save is refused, merged, and the one value both changed is put to sales in words.
    const dialog = sam.getByTestId('conflict-dialog');
    await dialog.getByTestId('merge-conflict').first().waitFor({ timeout: 15_000 });
    expect(await dialog.getByTestId('merge-conflict').count()).toBe(1);
    const text = (await dialog.getByTestId('merge-conflict').textContent()) ?? '';
    expect(text).toContain('Fit: who the lead is › Title is VP or C-level › points');
    expect(text).toMatch(/theirs: 15 \(Maya Marketing, marketing\)/);
    expect(text).toContain('mine: 30');
    const saveChoices = dialog.getByRole('button', { name: 'Save with my choices' });
    expect(await saveChoices.isDisabled()).toBe(true);
    await dialog.getByRole('radio', { name: /theirs: 15/ }).check();
    await screenshot(sam, 'merge-conflict');
    await saveChoices.click();
    await saved(sam);
    await salesContext.unroute(revisionChecks);

    // Every edit survives, read afresh from the home page in marketing's browser.
    await openFromHome(maya, suite.app.url);
    expect(await pointsOf(maya, 'title_executive')).toBe(15);
    expect(await pointsOf(maya, 'title_director')).toBe(12);
    expect(await pointsOf(maya, 'size_mid')).toBe(4);
    expect(errors).toEqual([]);
  });
});
