import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  createWorkspace,
  launchBrowser,
  screenshot,
  signIn,
  startApp,
  type RunningApp,
} from './harness';

/**
 * #17 in Chromium, by clicking only, from a FRESH workspace (empty field catalog): upload a messy
 * CRM export, create its fields from the preview, import; build a scorecard on three of the new
 * fields in a new workflow; simulate it against the file's Converted column and read precision
 * and lift.
 */

const VIEWPORT = { width: 1440, height: 1000 };
const ROWS = 3_000;
const ADMIN = 'admin@globex.test';

/** Polls what a page shows for up to 60 s (a busy two-core machine is slow). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 60_000 });

/** mulberry32: the same file every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A messy CRM export of 34 columns: BOM, CRLF, a trailing comma on every line, quoted commas,
 * `Select` and `N/A` placeholders, blanks, Yes/No columns, numbers with outliers and a few bad
 * cells, case variants (Google/google), free text with hundreds of distinct values, and a
 * Converted 0/1 outcome that long website visits and Google leads make likelier.
 */
export function messyExport(rows: number, seed = 17): string {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const yesNo = () => (random() < 0.25 ? 'Yes' : 'No');
  const quote = (text: string) =>
    /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  const header = [
    'Prospect ID',
    'Email',
    'First Name',
    'Lead Origin',
    'Lead Source',
    'Do Not Email',
    'Do Not Call',
    'Converted',
    'TotalVisits',
    'Total Time Spent on Website',
    'Page Views Per Visit',
    'Last Activity',
    'Country',
    'Specialization',
    'How did you hear about us',
    'What is your current occupation',
    'Search',
    'Newspaper Article',
    'Digital Advertisement',
    'Through Recommendations',
    'Tags',
    'Lead Quality',
    'City',
    'Asymmetrique Activity Score',
    'Asymmetrique Profile Score',
    'I agree to pay the amount through cheque',
    'A free copy of Mastering The Interview',
    'Last Notable Activity',
    'Created On',
    'Company',
    'Notes',
    'Lead Number',
    'Receive More Updates',
  ];
  const lines = [`\uFEFF${header.join(',')},`];
  for (let i = 0; i < rows; i++) {
    const time = random() < 0.002 ? 250_000 : Math.floor(random() * 2_300);
    const source = pick([
      'Google',
      'google',
      'GOOGLE',
      'Organic Search',
      'Direct Traffic',
      'Referral',
    ]);
    const doNotEmail = yesNo();
    const p =
      0.08 +
      (time > 1_000 ? 0.5 : 0) +
      (source.toLowerCase() === 'google' ? 0.15 : 0) -
      (doNotEmail === 'Yes' ? 0.05 : 0);
    const cells = [
      `P-${i}`,
      random() < 0.05 ? '' : `lead${i}@example${i % 97}.com`,
      pick(['Ana', 'Raj', 'Li', 'Sam', 'Noor', 'Ola']),
      pick(['Landing Page Submission', 'API', 'Lead Add Form']),
      random() < 0.03 ? 'Select' : source,
      doNotEmail,
      random() < 0.1 ? 'Yes' : 'No',
      random() < p ? '1' : '0',
      random() < 0.02 ? '' : random() < 0.002 ? 'abc' : String(Math.floor(random() * 20)),
      String(time),
      (random() * 8).toFixed(2),
      pick(['Email Opened', 'SMS Sent', 'Olark Chat Conversation', 'Page Visited on Website']),
      random() < 0.15 ? 'N/A' : pick(['India', 'United States', 'Germany', 'Singapore']),
      random() < 0.35
        ? 'Select'
        : pick(['Finance Management', 'Marketing Management', 'IT Projects Management']),
      random() < 0.5 ? 'Select' : pick(['Online Search', 'Word Of Mouth', 'Student of SomeSchool']),
      pick(['Unemployed', 'Working Professional', 'Student', '']),
      yesNo(),
      yesNo(),
      yesNo(),
      yesNo(),
      random() < 0.3
        ? ''
        : pick(['Will revert after reading the email', 'Ringing', 'Busy', 'Closed by Horizzon']),
      random() < 0.4 ? '' : pick(['High in Relevance', 'Might be', 'Not Sure', 'Worst']),
      random() < 0.2 ? 'Select' : pick(['Mumbai', 'Thane & Outskirts', 'Other Cities']),
      random() < 0.4 ? '' : String(10 + Math.floor(random() * 8)),
      random() < 0.4 ? '' : String(12 + Math.floor(random() * 8)),
      'No',
      yesNo(),
      pick(['Modified', 'Email Opened', 'SMS Sent']),
      `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      `Firm ${Math.floor(random() * 900)}, Ltd`,
      `Called on day ${i}; said "maybe", call back`,
      String(600_000 + i),
      'No',
    ];
    lines.push(`${cells.map(quote).join(',')},`);
  }
  return `${lines.join('\r\n')}\r\n`;
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

const selectedNodeId = async (page: Page) =>
  (await page.locator('.react-flow__node.selected').getAttribute('data-id'))!;

/** Adds a row to the scorecard open in the inspector: name, `field operator value`, points. */
async function scoreRow(
  inspector: Locator,
  index: number,
  name: string,
  field: string,
  operator: string,
  value: string,
  points: number,
) {
  await inspector.getByRole('button', { name: '+ Row' }).click();
  const row = inspector.locator('[data-testid^="score-row-"]').nth(index);
  if ((await row.getByRole('textbox', { name: 'Row name' }).count()) === 0)
    await row.locator('.item-title').click();
  await row.getByRole('textbox', { name: 'Row name' }).fill(name);
  await row.getByRole('combobox', { name: 'Field' }).selectOption({ label: field });
  await row.getByRole('combobox', { name: 'Operator' }).selectOption({ label: operator });
  const text = row.getByRole('textbox', { name: 'Value' });
  if ((await text.count()) > 0) await text.fill(value);
  else await row.getByRole('combobox', { name: 'Value' }).selectOption({ label: value });
  await row.getByLabel('Points', { exact: true }).fill(String(points));
}

/** The row of the new-fields table for a column. */
const newField = (page: Page, column: string): Locator => page.getByTestId(`new-field-${column}`);

describe.runIf(browserAvailable())('#17: learn fields from an export in a fresh workspace', () => {
  let app: RunningApp;
  let browser: Browser;
  let dir: string;
  let file: string;
  let password: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-fields-'));
    file = join(dir, 'crm-export.csv');
    writeFileSync(file, messyExport(ROWS));
    const dataDir = join(dir, 'data');
    password = createWorkspace(dataDir, {
      slug: 'globex',
      name: 'Globex',
      adminEmail: ADMIN,
      template: 'empty',
    });
    [app, browser] = await Promise.all([startApp({}, { dataDir }), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a messy export, creates its fields from the preview, scores on three of them and simulates against Converted', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, app.url, ADMIN, password);

    // 1. The preview: every column but the id and the outcome is a new field, typed from the whole file.
    await page.getByRole('navigation').getByRole('link', { name: 'Lead sets' }).click();
    const upload = page.getByRole('region', { name: 'Upload leads' });
    await upload.getByLabel('Lead file').setInputFiles(file);
    await eventually(() => upload.getByLabel('Column Converted becomes').inputValue()).toBe(
      'outcome:converted',
    );
    // The prospect id is the lead's id (not suggested: nothing in an empty catalog is).
    await upload.getByLabel('Column Prospect ID becomes').selectOption('id');
    const learn = page.getByRole('region', { name: 'New fields from this file' });
    await learn.waitFor({ timeout: 60_000 });
    await eventually(() => newField(page, 'Prospect ID').count()).toBe(0);
    const type = (column: string) => learn.getByLabel(`Type of ${column}`).inputValue();
    expect(await type('Do Not Email')).toBe('boolean');
    expect(await type('TotalVisits')).toBe('number');
    expect(await type('Total Time Spent on Website')).toBe('number');
    expect(await type('Lead Origin')).toBe('enum');
    expect(await type('Notes')).toBe('string');
    expect(await type('Email')).toBe('email');
    expect(await type('Created On')).toBe('date');
    // Placeholders are told apart from blanks and offered as missing-value texts.
    const specialization = newField(page, 'Specialization');
    expect(await specialization.textContent()).toMatch(/0 blank, [\d,]+ 'Select'/);
    expect(
      await specialization.getByLabel("Count 'Select' in Specialization as no answer").isChecked(),
    ).toBe(true);
    // Case variants of one value are shown together and merged under one label.
    const source = newField(page, 'Lead Source');
    expect(await type('Lead Source')).toBe('enum');
    const merge = source.getByLabel('Merge Google, google, GOOGLE as');
    expect(await merge.inputValue()).toMatch(/^(Google|google|GOOGLE)$/);
    await merge.selectOption('Google');
    // Every column but the id, the outcome and the empty one a trailing comma makes is ticked.
    expect(await learn.locator('[data-testid^="new-field-"]').count()).toBe(32);
    expect(await newField(page, 'column_34').getByRole('checkbox').isChecked()).toBe(false);
    const columns = 31;
    expect(await learn.textContent()).toContain(`${columns} ticked`);
    await learn.getByLabel('Category for all new fields').selectOption('behaviour');
    await learn.getByLabel('Category of Email').selectOption('profile');
    await upload.getByRole('textbox', { name: 'Name', exact: true }).fill('Globex export');
    await source.scrollIntoViewIfNeeded();
    await screenshot(page, 'fields-1-preview');

    // 2. One confirmation creates the fields and imports with them.
    await upload
      .getByRole('button', { name: `Create ${columns} fields and import crm-export.csv` })
      .click();
    const result = upload.getByTestId('import-result');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain(`Created ${columns} fields`);
    // No row is lost for one bad cell.
    expect(await result.textContent()).toContain(
      `Imported ${ROWS.toLocaleString('en')} of ${ROWS.toLocaleString('en')} rows into “Globex export”`,
    );
    // The bad cells (TotalVisits 'abc') cost their cell: summed up by column, all downloadable.
    expect(await result.textContent()).toMatch(/[\d,]+ kept with cells left out/);
    const byColumn = result.getByRole('table', { name: 'Problems by column' });
    expect(await byColumn.locator('tr', { hasText: 'TotalVisits' }).textContent()).toContain(
      '"abc"',
    );
    const download = result.getByRole('link', { name: /^Download all [\d,]+ problems \(CSV\)$/ });
    const issues = await page.evaluate(
      async (url) => (await fetch(url)).text(),
      (await download.getAttribute('href'))!,
    );
    expect(issues.split('\n')[0]).toMatch(/line/i);
    expect(issues).toMatch(/TotalVisits.*abc/);
    await screenshot(page, 'fields-2-imported');
    const sets = page.getByRole('table', { name: 'Lead sets' });
    await eventually(() =>
      sets.locator('tr', { hasText: 'Globex export' }).locator('td').nth(1).textContent(),
    ).toBe(ROWS.toLocaleString('en'));
    await page.getByRole('navigation').getByRole('link', { name: 'Fields' }).click();
    await eventually(() => page.locator('main').textContent()).toContain(
      'Total Time Spent on Website',
    );
    await screenshot(page, 'fields-2-created');

    // 3. A new workflow (blank: a start and Nurture), proposed as it is: version 1, the baseline.
    await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
    await page.getByTestId('new-workflow').click();
    await page.getByTestId('workflow-name').fill('Globex qualification');
    await page.locator('input[name="from"][value="blank"]').check();
    await page.getByRole('button', { name: 'Create and open' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    const editorUrl = page.url();
    await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('propose').click();
    await page.getByTestId('change-note').fill('Everyone to nurture, before the scorecard.');
    await page.getByRole('button', { name: 'Propose version' }).click();
    await page.getByTestId('propose-success').waitFor();
    await page.getByRole('button', { name: 'Back to the draft' }).click();

    // A scorecard on three of the new fields, a threshold on its score, an MQL stage.
    const inspector = page.getByTestId('inspector');
    await page.getByTestId('palette-scorecard').click();
    const scorecard = await selectedNodeId(page);
    await page.getByTestId('node-label-input').fill('Signals from the export');
    await scoreRow(
      inspector,
      0,
      'Long visits',
      'Total Time Spent on Website',
      'is more than',
      '1000',
      40,
    );
    await scoreRow(inspector, 1, 'Came from Google', 'Lead Source', 'is', 'Google', 15);
    await scoreRow(inspector, 2, 'Opted out of email', 'Do Not Email', 'is', 'Yes', -5);
    await page.getByTestId('palette-condition').click();
    const threshold = await selectedNodeId(page);
    await page.getByTestId('node-label-input').fill('Fit at least 40?');
    await inspector.getByRole('button', { name: '+ Condition' }).click();
    await inspector.getByRole('combobox', { name: 'Field' }).selectOption({ label: 'Fit score' });
    await inspector
      .getByRole('combobox', { name: 'Operator' })
      .selectOption({ label: 'is at least' });
    await inspector.getByRole('textbox', { name: 'Value' }).fill('40');
    await page.getByTestId('palette-stage').click();
    const mql = await selectedNodeId(page);

    // Wired: start → scorecard → threshold → MQL (yes) or Nurture (no), once the view has
    // finished moving to fit the workflow.
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await page.waitForTimeout(1_000);
    const output = (node: string, handle: string) =>
      page.locator(`[data-testid="node-${node}"] .react-flow__handle[data-handleid="${handle}"]`);
    const input = (node: string) =>
      page.locator(`[data-testid="node-${node}"] .react-flow__handle.target`);
    await drag(
      page,
      page.locator('[data-testid="node-start"] .react-flow__handle.source'),
      input(scorecard),
    );
    await drag(
      page,
      page.locator(`[data-testid="node-${scorecard}"] .react-flow__handle.source`),
      input(threshold),
    );
    await drag(page, output(threshold, 'true'), input(mql));
    await drag(page, output(threshold, 'false'), input('stage_nurture'));
    for (const id of [
      `start:next->${scorecard}`,
      `${scorecard}:next->${threshold}`,
      `${threshold}:true->${mql}`,
      `${threshold}:false->stage_nurture`,
    ])
      await eventually(() => page.locator(`.react-flow__edge[data-id="${id}"]`).count()).toBe(1);
    await eventually(() => page.locator('.react-flow__edge').count()).toBe(4);
    await eventually(() => page.getByTestId('problems-chip').textContent()).toMatch(
      /No problems|^0 errors/,
    );
    await page.keyboard.press('Control+s');
    await eventually(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await page.getByRole('button', { name: 'Tidy up the layout' }).click();
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await eventually(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');
    await page.getByTestId(`node-${scorecard}`).click();
    await screenshot(page, 'fields-3-scorecard');

    // 4. The draft against version 1 on the imported set, scored against its Converted column.
    await page.goto(`${editorUrl}/simulate`);
    const start = page.getByRole('form', { name: 'New simulation' });
    await start.getByLabel('Baseline').selectOption({ label: 'Version 1 (proposed)' });
    await start.getByLabel('Candidate').selectOption({ label: 'The current draft' });
    await start
      .getByLabel('Lead set')
      .selectOption({ label: `Globex export (${ROWS.toLocaleString('en')} leads)` });
    await start.getByRole('button', { name: 'Run simulation' }).click();
    const metrics = page.getByRole('table', { name: 'Outcome metrics' });
    await metrics.waitFor({ timeout: 180_000 });
    const metric = async (label: string) => {
      const cells = await metrics.locator('tr', { hasText: label }).locator('td').allTextContents();
      return cells.map((c) => c.replace('▲', '').trim());
    };
    await metrics.scrollIntoViewIfNeeded();
    await screenshot(page, 'fields-4-simulation');
    // Nobody is qualified by version 1; the draft's MQLs convert well above the base rate.
    const [, precision] = await metric('Precision');
    const [, lift] = await metric('Lift over the base rate');
    expect(Number(precision!.replace('%', ''))).toBeGreaterThan(50);
    expect(Number(lift!.replace('×', ''))).toBeGreaterThan(1.4);
    expect(errors).toEqual([]);
    await context.close();
  }, 600_000);
});
