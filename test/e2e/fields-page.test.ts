import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  browserAvailable,
  createWorkspace,
  launchBrowser,
  screenshot,
  signIn,
  startApp,
  type RunningApp,
} from './harness';

const VIEWPORT = { width: 1280, height: 800 };

/** Signs in and reaches the Fields page through the main navigation, as a person does. */
async function openFields(
  browser: Browser,
  url: string,
  email: string,
  password?: string,
): Promise<Page> {
  const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
  await signIn(page, url, email, password);
  await page.getByRole('navigation').getByRole('link', { name: 'Fields', exact: true }).click();
  await page.waitForURL(/\/fields$/);
  await page.getByRole('heading', { name: 'Fields', level: 1 }).waitFor();
  return page;
}

describe.runIf(browserAvailable())('the Fields page (#17)', () => {
  let app: RunningApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('#17: ops adds an enum field, relabels it, and is told which version stops a retype', async () => {
    const page = await openFields(browser, app.url, 'ops@acme.test');
    await page.getByRole('table', { name: 'Profile fields' }).waitFor();
    // The demo fields, by category, with where each is read.
    const size = page.getByTestId('field-company_size');
    expect(await size.locator('td').nth(1).textContent()).toBe('Number');
    expect(await size.locator('td').nth(4).textContent()).toBe(
      'Inbound B2B qualification — draft, version 1 (published)',
    );
    await size.getByRole('link', { name: 'version 1 (published)' }).waitFor();
    expect(
      await page.getByRole('table', { name: 'Event types' }).getByRole('row').count(),
    ).toBeGreaterThan(10);

    await page.getByRole('button', { name: 'Add a field' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a field' });
    await dialog.getByLabel('Label', { exact: true }).fill('Pricing plan');
    expect(await dialog.getByLabel('Id').inputValue()).toBe('pricing_plan');
    await dialog.getByLabel('Type').selectOption('enum');
    await dialog.getByLabel('Category').selectOption('sales');
    await dialog.getByLabel('Description').fill('The plan the lead picked on the pricing page.');
    await dialog.getByRole('button', { name: 'Add an option' }).click();
    await dialog.getByRole('button', { name: 'Add an option' }).click();
    await dialog.getByLabel('Option 1 value').fill('team');
    await dialog.getByLabel('Option 1 label').fill('Team');
    await dialog.getByLabel('Option 2 value').fill('enterprise');
    await dialog.getByLabel('Option 2 label').fill('Enterprise');
    await dialog.getByLabel('Texts that mean no answer').fill('Select');
    await dialog.getByLabel('Texts that mean no answer').press('Enter');
    await dialog.getByLabel('Why (optional, kept in the audit log)').fill('Sales asked for it');
    await dialog.getByRole('button', { name: 'Add field' }).click();
    await dialog.waitFor({ state: 'detached' });

    const plan = page.getByTestId('field-pricing_plan');
    await plan.waitFor();
    expect(
      await page
        .getByRole('table', { name: 'Sales fields' })
        .getByTestId('field-pricing_plan')
        .count(),
    ).toBe(1);
    expect(
      await plan.getByRole('list', { name: 'Options' }).getByRole('listitem').allTextContents(),
    ).toEqual(['Team', 'Enterprise']);
    expect(await plan.locator('td').nth(1).textContent()).toBe('One of options');
    expect(await plan.locator('td').nth(3).textContent()).toBe('“Select”');
    expect(await plan.locator('td').nth(4).textContent()).toBe('not used');
    await page.getByLabel('Search fields').fill('pricing');
    await page.getByRole('status').filter({ hasText: 'fields match' }).waitFor();
    expect(await page.locator('tr[data-testid^="field-"]').count()).toBeLessThan(5);
    await page.getByLabel('Search fields').fill('');
    // Event properties name their types in words too.
    expect(await page.getByTestId('event-form_submit').locator('td').nth(2).textContent()).toBe(
      'Form (one of options)',
    );
    await screenshot(page, 'fields-page-list');

    // Edit its label.
    await plan.getByRole('button', { name: 'Edit Pricing plan' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Pricing plan' });
    expect(await edit.getByLabel('Id').getAttribute('readonly')).not.toBeNull();
    await edit.getByLabel('Label', { exact: true }).fill('Plan tier');
    expect(await edit.getByLabel('Id').inputValue()).toBe('pricing_plan');
    await edit.getByRole('button', { name: 'Save field' }).click();
    await edit.waitFor({ state: 'detached' });
    await plan.getByText('Plan tier', { exact: true }).waitFor();

    // Retyping a field the published version reads is refused, naming the version; the dialog
    // keeps what was typed.
    await size.getByRole('button', { name: 'Edit Company size (employees)' }).click();
    const retype = page.getByRole('dialog', { name: 'Edit Company size (employees)' });
    await retype.getByLabel('Type').selectOption('string');
    await retype.getByLabel('Why (optional, kept in the audit log)').fill('The CRM sends ranges');
    await retype.getByRole('button', { name: 'Save field' }).click();
    const refusal = retype.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe(
      'Company size (employees) is used by version 1 of Inbound B2B qualification (published); it cannot be retyped. Company size (employees) changed type from number to string.',
    );
    expect(await retype.getByLabel('Type').inputValue()).toBe('string');
    expect(await retype.getByLabel('Why (optional, kept in the audit log)').inputValue()).toBe(
      'The CRM sends ranges',
    );
    // The window as the person sees it (a full-page shot would stretch the overlay).
    await page.screenshot({ path: join(ARTIFACTS, 'fields-page-dialog.png') });
    await retype.getByRole('button', { name: 'Cancel' }).click();
    await retype.waitFor({ state: 'detached' });
    expect(await size.locator('td').nth(1).textContent()).toBe('Number');
  });

  it('#17: marketing may add but not edit; the auditor reads the fields and changes nothing', async () => {
    const marketing = await openFields(browser, app.url, 'marketing@acme.test');
    await marketing.getByRole('button', { name: 'Add a field' }).waitFor();
    expect(await marketing.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    expect(await marketing.getByRole('button', { name: /^Retire / }).count()).toBe(0);

    const auditor = await openFields(browser, app.url, 'auditor@acme.test');
    await auditor.getByRole('table', { name: 'Profile fields' }).waitFor();
    await auditor.getByTestId('field-job_title').waitFor();
    expect(await auditor.getByRole('button', { name: 'Add a field' }).count()).toBe(0);
    expect(await auditor.getByRole('button', { name: /^(Edit|Retire|Restore) / }).count()).toBe(0);
  });
});

describe.runIf(browserAvailable())('the Fields page of a fresh workspace (#17)', () => {
  let app: RunningApp;
  let browser: Browser;
  let dir: string;
  let password: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'accord-fields-page-'));
    const dataDir = join(dir, 'data');
    password = createWorkspace(dataDir, {
      slug: 'initech',
      name: 'Initech',
      adminEmail: 'admin@initech.test',
      template: 'empty',
    });
    [app, browser] = await Promise.all([startApp({}, { dataDir }), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('#17: an empty catalog offers the templates and the lead-set import; the admin starts from B2B inbound', async () => {
    const page = await openFields(browser, app.url, 'admin@initech.test', password);
    const empty = page.getByRole('region', { name: 'No fields yet' });
    await empty.waitFor();
    expect(await empty.getByRole('listitem').allTextContents()).toEqual([
      'B2B inbound — About 35 profile, channel, behaviour and sales fields and 15 event types.',
      'Empty — No fields: learn them from an import or add them on the Fields page.',
    ]);
    expect(await empty.getByRole('link', { name: 'Lead sets' }).getAttribute('href')).toBe(
      '/lead-sets',
    );
    // A field can be added straight away too.
    await page.getByRole('button', { name: 'Add a field' }).waitFor();
    await screenshot(page, 'fields-page-empty');
    await empty.getByRole('button', { name: 'Start from B2B inbound' }).click();
    await page.getByRole('table', { name: 'Profile fields' }).waitFor();
    expect(await page.getByRole('region', { name: 'No fields yet' }).count()).toBe(0);
    expect(await page.locator('tr[data-testid^="field-"]').count()).toBe(35);
    expect(await page.getByTestId('field-company_size').locator('td').nth(4).textContent()).toBe(
      'not used',
    );
  });
});
