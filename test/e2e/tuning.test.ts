/**
 * Issue #19 in Chromium: marketing chooses an evidence lead set in the editor, reads a scorecard
 * row's evidence (the numbers the API gives), applies two suggested points, opens the Tune page,
 * drafts a scorecard and opens it as the draft; ops simulates that draft against the published
 * version; the audit log shows the point edits with their author. By clicking, from the home page.
 */
import { DEMO_WORKFLOW_NAME } from '@accord/api/seed';
import type { EvidenceReport, PointsReport } from '@accord/engine';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot } from './harness';

const VIEWPORT = { width: 1280, height: 800 };
const LEADS = 4_000;
const SET_NAME = 'Outcomes for tuning';
const FIT = 'Fit: who the lead is';

const eventually = <T>(read: () => Promise<T>, timeout = 30_000) => expect.poll(read, { timeout });
const saved = (page: Page) =>
  eventually(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');

/** A tRPC query from inside the signed-in page (its cookie), answered as the API's JSON. */
async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  return page.evaluate(
    async ([p, i]) => {
      const res = await fetch(`/trpc/${p}?input=${encodeURIComponent(JSON.stringify(i))}`);
      const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
      if (!res.ok) throw new Error(JSON.stringify(body.error));
      return body.result!.data;
    },
    [path, input] as const,
  ) as Promise<T>;
}

/** How the inspector writes a rate: one decimal and a percent sign. */
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe.runIf(browserAvailable())('tuning on outcomes in Chromium (issue #19)', () => {
  const suite = browserSuite();

  it('evidence in the inspector, two suggested points applied, a drafted scorecard simulated and audited', async () => {
    const errors: string[] = [];
    const context = { viewport: VIEWPORT, locale: 'en-US' };

    // Ops makes sample leads; generated leads carry outcomes (converted or not).
    const ops = await suite.signedInPage('ops@acme.test', context);
    ops.on('pageerror', (e) => errors.push(`ops: ${e.message}`));
    await ops.getByRole('navigation').getByRole('link', { name: 'Lead sets' }).click();
    const generate = ops.getByRole('form', { name: 'Generate sample leads' });
    await generate.getByLabel('Name').fill(SET_NAME);
    await generate.getByLabel('How many').fill(String(LEADS));
    await generate.getByRole('button', { name: 'Generate' }).click();
    await ops
      .getByRole('table', { name: 'Lead sets' })
      .locator('tr', { hasText: SET_NAME })
      .getByText('ready', { exact: true })
      .waitFor({ timeout: 120_000 });

    // Marketing opens the workflow's editor from the workflows list and chooses the evidence.
    const maya = await suite.signedInPage('marketing@acme.test', context);
    maya.on('pageerror', (e) => errors.push(`marketing: ${e.message}`));
    await maya.getByRole('link', { name: DEMO_WORKFLOW_NAME, exact: true }).first().click();
    await maya.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    const workflowId = new URL(maya.url()).pathname.split('/')[2]!;
    const select = maya.getByTestId('evidence-select');
    await select.selectOption({ label: `${SET_NAME} (${LEADS.toLocaleString('en-US')})` });
    const leadSetId = await select.inputValue();
    await eventually(() => maya.getByTestId('evidence-status').textContent(), 90_000).toContain(
      'judged on the held-out 30%, seed 1',
    );
    // Every step with rules carries a badge on the canvas.
    await maya.getByTestId('node-evidence-fit').waitFor();

    // The Fit scorecard: a row's evidence in the inspector is the API's, number for number.
    await maya.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await maya.getByTestId('node-fit').click();
    await eventually(() => maya.getByTestId('inspector-title').textContent()).toBe(FIT);
    const split = { workflowId, side: 'draft', leadSetId, seed: 1, holdoutShare: 0.3 };
    const evidence = await query<EvidenceReport>(maya, 'tuning.evidence', split);
    const rows = evidence.rules.filter((r) => r.nodeId === 'fit' && !r.holdout.tooRare);
    const rule = rows[0]!;
    const line = maya.getByTestId(`evidence-fit-${rule.rowId}`);
    const h = rule.holdout;
    expect(await line.locator('[data-field="fired"]').textContent()).toBe(
      `Fired ${h.fired.toLocaleString('en-US')} (${pct(h.share)})`,
    );
    expect(await line.locator('[data-value="fired"]').textContent()).toBe(pct(h.whenFired.rate));
    expect(await line.locator('[data-value="not-fired"]').textContent()).toBe(
      pct(h.whenNotFired.rate),
    );
    expect(await line.locator('[data-field="lift"]').textContent()).toBe(
      `Lift ${h.lift!.toFixed(2)}×`,
    );
    expect(await line.locator('[data-field="interval"]').textContent()).toBe(
      `95% ${(h.whenFired.low * 100).toFixed(1)}–${(h.whenFired.high * 100).toFixed(1)}%`,
    );
    expect(await maya.getByTestId('scorecard-evidence-head').textContent()).toContain(
      'Evidence judged on the held-out 30%, seed 1; suggested points fitted on the other 70%, seed 1.',
    );
    // The rows in view under the evidence bar, as a person would scroll to them.
    await maya
      .getByTestId('scorecard-evidence-head')
      .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(maya, 'tuning-1-editor-evidence');

    // Apply two suggested points, each an edit of the draft.
    const points = await query<PointsReport>(maya, 'tuning.suggestPoints', { ...split, step: 5 });
    const fitCard = points.scorecards.find((c) => c.nodeId === 'fit')!;
    const toApply = fitCard.rows.filter((r) => r.suggested !== null && r.suggested !== r.current);
    expect(toApply.length).toBeGreaterThanOrEqual(2);
    const applied = toApply.slice(0, 2);
    for (const row of applied) {
      await maya.getByTestId(`apply-suggested-fit-${row.rowId}`).click();
      await eventually(() =>
        maya.getByTestId(`score-row-${row.rowId}`).locator('.points').first().textContent(),
      ).toBe(row.suggested! > 0 ? `+${row.suggested}` : `−${-row.suggested!}`);
    }
    await saved(maya);
    await screenshot(maya, 'tuning-1-editor-applied');

    // The Tune page, from the workflow's navigation.
    await maya.getByRole('navigation').getByRole('link', { name: 'Tune', exact: true }).click();
    await maya.waitForURL(/\/tune/);
    expect(await maya.getByLabel('Lead set with outcomes').inputValue()).toBe(leadSetId);
    await eventually(() => maya.getByTestId('split-note').textContent(), 60_000).toMatch(
      /fitted on 70%.*judged on the held-out 30%.*\d[\d,]* fitted/,
    );
    const signals = maya.getByRole('region', { name: 'Signals' });
    await signals.locator('details.signal').first().waitFor({ timeout: 90_000 });
    expect(await signals.locator('details.signal').count()).toBeGreaterThan(3);
    await screenshot(maya, 'tuning-2-signals');
    // A signal becomes a row of the Engagement scorecard, with its suggested points.
    const seniority = signals.getByTestId('signal-seniority');
    await seniority.locator('button', { hasText: 'Add as scorecard row' }).last().click();
    const addRow = seniority.getByRole('form', { name: /^Add Seniority: .* as a scorecard row$/ });
    await addRow.getByLabel('Scorecard').selectOption({ label: 'Engagement: what the lead did' });
    expect(await addRow.getByLabel('Points').inputValue()).toMatch(/^-?\d+$/);
    await addRow.getByRole('button', { name: /^Add “Seniority: / }).click();
    await eventually(() => addRow.getByRole('status').textContent()).toMatch(
      /^Added to the draft \(revision \d+\)/,
    );

    await maya.getByTestId('tune-tab-thresholds').click();
    const explorer = maya.getByRole('region', { name: 'Threshold explorer' });
    await explorer
      .getByTestId('threshold-chart')
      .locator('svg')
      .first()
      .waitFor({ timeout: 60_000 });
    await eventually(() => explorer.getByTestId('score-auc').textContent()).toMatch(
      /ROC AUC 0\.\d{3} held out/,
    );
    // Pick the point flagging about a quarter of the leads and apply its threshold.
    await explorer.getByLabel('Share flagged').fill('25');
    const picked = (await explorer
      .getByTestId('picked-threshold')
      .locator('strong')
      .textContent())!;
    const threshold = picked.match(/at least (\d+(?:\.\d)?)$/)![1]!;
    await screenshot(maya, 'tuning-3-thresholds');
    await explorer.getByTestId('apply-threshold').click();
    await eventually(() => explorer.getByRole('status').textContent()).toMatch(
      /^Saved in the draft \(revision \d+\)/,
    );
    expect(await explorer.getByTestId('apply-threshold').textContent()).toBe(
      `Apply threshold ${threshold}`,
    );

    await maya.getByTestId('tune-tab-draft').click();
    const drafted = maya.getByRole('region', { name: 'Draft a scorecard' });
    const draftedRows = drafted.getByTestId('drafted-rows').locator('li');
    await draftedRows.first().waitFor({ timeout: 90_000 });
    const rowCount = await draftedRows.count();
    expect(rowCount).toBeGreaterThan(0);
    expect(rowCount).toBeLessThanOrEqual(12);
    // Rows read like a person wrote them, with their points at the end.
    expect(await draftedRows.first().locator('span').first().textContent()).toMatch(
      /^\S.* [+−-]\d+$/,
    );
    const firstDrafted = (await draftedRows.first().locator('span').first().textContent())!;
    await screenshot(maya, 'tuning-4-drafted');
    await drafted.getByTestId('open-as-draft').click();
    await maya.waitForURL(new RegExp(`/workflows/${workflowId}$`));
    await maya.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    // The Fit step now holds the drafted rows (its body lists them by name).
    const label = firstDrafted.replace(/ [+−-]\d+$/, '');
    await eventually(() => maya.getByTestId('node-fit').textContent()).toContain(
      label.slice(0, 20),
    );

    // Ops simulates the draft against the published version on the same leads.
    await ops.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
    await ops.getByRole('link', { name: DEMO_WORKFLOW_NAME, exact: true }).first().click();
    await ops.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
    await ops.getByTestId('simulate').click();
    const runForm = ops.getByRole('form', { name: 'New simulation' });
    await runForm
      .getByLabel('Lead set')
      .selectOption({ label: `${SET_NAME} (${LEADS.toLocaleString('en-US')} leads)` });
    expect(await runForm.getByLabel('Baseline').inputValue()).toBe('published');
    expect(await runForm.getByLabel('Candidate').inputValue()).toBe('draft');
    await runForm.getByRole('button', { name: 'Run simulation' }).click();
    await ops.getByRole('table', { name: 'Transition matrix' }).waitFor({ timeout: 150_000 });
    expect(await ops.getByTestId('run').textContent()).toContain(
      `(candidate) on ${SET_NAME}, ${LEADS.toLocaleString('en-US')} leads`,
    );
    await ops.getByRole('table', { name: 'Outcome metrics' }).waitFor();
    // Rule coverage says how the leads each rule fired on converted.
    const coverage = ops.getByRole('table', { name: 'Rule coverage' });
    await eventually(() => coverage.locator('th').allTextContents()).toContain('Lift');
    expect(await coverage.locator('td', { hasText: /^\d+\.\d{2}×$/ }).count()).toBeGreaterThan(0);
    await screenshot(ops, 'tuning-5-simulation');

    // The audit log names each applied point change and who made it.
    await maya.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const table = maya.getByRole('table', { name: 'Audit events' });
    for (const row of applied) {
      const change = `${FIT} › ${row.label} › points: ${row.current} → ${row.suggested}`;
      const event = table.locator('tr', { hasText: change });
      await eventually(() => event.count()).toBeGreaterThan(0);
      expect(await event.first().textContent()).toContain('Maya Marketing');
    }
    expect(errors).toEqual([]);
  });
});
