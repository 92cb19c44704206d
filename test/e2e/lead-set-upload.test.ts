import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  launchBrowser,
  screenshot,
  signIn,
  startApp,
  type RunningApp,
} from './harness';

/** About 200 MB: rows of the demo catalog's fields, widened by a notes column that is not imported. */
const ROWS = 105_000;
const NOTE = 'Met at the spring fair; asked about pricing tiers and the onboarding plan. '.repeat(
  25,
);
const SENIORITY = ['c_level', 'vp', 'director', 'manager', 'individual'];

/**
 * Writes the CSV a row batch at a time, waiting when the disk is behind, so the test never holds
 * the file in memory.
 */
async function writeLeadsCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  out.write(
    'email,first_name,last_name,company,company_size,seniority,country,asked_for_follow_up,converted,notes\n',
  );
  const batch = 1_000;
  for (let start = 0; start < rows; start += batch) {
    let text = '';
    for (let i = start; i < Math.min(rows, start + batch); i++)
      text += `lead${i}@firm${i % 997}.example,Ann${i},Lee${i},Firm ${i % 997},${(i * 37) % 5_000},${SENIORITY[i % 5]},DE,${i % 3 === 0 ? 'yes' : 'no'},${i % 7 === 0 ? 1 : 0},"${NOTE}${i}"\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

describe.runIf(browserAvailable())(
  '#16: the browser streams a big export to the upload route',
  () => {
    let app: RunningApp;
    let browser: Browser;
    let dir: string;
    let file: string;
    let bytes: number;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'accord-upload-'));
      file = join(dir, 'crm-export-200mb.csv');
      [app, browser, bytes] = await Promise.all([
        startApp(),
        launchBrowser(),
        writeLeadsCsv(file, ROWS),
      ]);
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await app?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('#16: uploads a 200 MB CSV from the page with a progress bar, and the set is listed with its lead count', async () => {
      expect(bytes).toBeGreaterThan(200_000_000);
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app.url, 'ops@acme.test');
      await page.getByRole('link', { name: 'Lead sets' }).click();
      await page.waitForURL(/\/lead-sets$/);

      const panel = page.getByRole('region', { name: 'Upload leads' });
      await panel.getByLabel('Lead file').setInputFiles(file);
      // The preview reads the start of the file only, and maps the columns by name.
      await expect
        .poll(() => panel.getByLabel('Column email becomes').inputValue(), { timeout: 30_000 })
        .toBe('field:email');
      expect(await panel.getByLabel('Column converted becomes').inputValue()).toBe(
        'outcome:converted',
      );
      expect(await panel.getByLabel('Column notes becomes').inputValue()).toBe('ignore');
      // The whole file is read in a worker to learn its columns: the unmapped notes column is
      // offered as a new text field, which this import does not want.
      const reading = Date.now();
      const learn = panel.getByRole('region', { name: 'New fields from this file' });
      await learn.waitFor({ timeout: 240_000 });
      console.log(
        `Read and profiled ${bytes.toLocaleString('en')} bytes in the browser in ${Date.now() - reading} ms`,
      );
      expect(await learn.getByLabel('Type of notes').inputValue()).toBe('string');
      expect(await learn.textContent()).toContain(
        `types judged on all ${ROWS.toLocaleString('en')} rows`,
      );
      await learn.getByLabel('Create a field from notes').uncheck();
      await panel.getByRole('textbox', { name: 'Name', exact: true }).fill('Big CRM export');
      await panel.getByRole('button', { name: 'Import crm-export-200mb.csv' }).click();

      // The bar moves: some value strictly between 0 and 100 % is shown while the file streams.
      const bar = panel.getByRole('progressbar', { name: 'Upload' });
      await bar.waitFor({ timeout: 30_000 });
      const seen: number[] = [];
      let shot = false;
      const started = Date.now();
      while (Date.now() - started < 240_000) {
        const value = await bar
          .evaluate((el) => (el as HTMLProgressElement).value, undefined, { timeout: 1_000 })
          .catch(() => null);
        if (value === null) break;
        seen.push(value);
        if (!shot && value > 20 && value < 100) {
          expect(await panel.getByTestId('upload-progress').textContent()).toMatch(
            /[\d.]+ MB of 2\d\d\.\d MB \(\d+%\)/,
          );
          await screenshot(page, 'lead-set-upload-progress');
          shot = true;
        }
        await page.waitForTimeout(200);
      }
      expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
      expect(shot).toBe(true);

      const result = panel.getByTestId('import-result');
      await result.waitFor({ timeout: 240_000 });
      expect(await result.textContent()).toContain(
        `Imported ${ROWS.toLocaleString('en')} of ${ROWS.toLocaleString('en')} rows into “Big CRM export”`,
      );
      const row = page.getByRole('table', { name: 'Lead sets' }).locator('tr', {
        hasText: 'Big CRM export',
      });
      await expect.poll(() => row.locator('td').nth(1).textContent()).toBe(ROWS.toLocaleString());
      expect(await row.locator('td').nth(2).textContent()).toBe('yes');
      await screenshot(page, 'lead-set-upload-done');

      // A lead came through whole: the browse view shows the first row's fields.
      await row.getByRole('button', { name: 'Browse' }).click();
      const leads = page.getByRole('table', { name: 'Leads' });
      await expect.poll(() => leads.locator('tbody tr').count()).toBeGreaterThan(0);
      expect(await leads.locator('tbody tr').first().textContent()).toContain(
        'lead0@firm0.example',
      );
    }, 420_000);

    it('keeps the column mapping inside its card when a column holds long values without spaces', async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app.url, 'ops@acme.test');
      await page.getByRole('link', { name: 'Lead sets' }).click();
      const panel = page.getByRole('region', { name: 'Upload leads' });
      const token = (i: number) =>
        `https://t.example/c?id=${String(i).repeat(40)}${'a'.repeat(150)}`;
      await panel.getByLabel('Lead file').setInputFiles({
        name: 'tracking.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          `email,tracking_url\n${[1, 2, 3].map((i) => `p${i}@acme.com,${token(i)}`).join('\n')}\n`,
        ),
      });
      const table = panel.getByRole('table', { name: 'Column mapping' });
      await panel.getByLabel('Column tracking_url becomes').waitFor();
      const [tableBox, panelBox] = [await table.boundingBox(), await panel.boundingBox()];
      expect(tableBox!.x + tableBox!.width).toBeLessThanOrEqual(panelBox!.x + panelBox!.width);
      // Every choice stays on the screen, not pushed off its right edge.
      const select = await panel.getByLabel('Column tracking_url becomes').boundingBox();
      expect(select!.x + select!.width).toBeLessThanOrEqual(1280);
      await page.close();
    });
  },
);
