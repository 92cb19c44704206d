import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MESSY_CSV } from '@accord/api/testing';
import { browserAvailable, browserSuite, screenshot, type RunningApp } from './harness';

const PASSWORD = 'accord-demo';

/** Calls a tRPC procedure over HTTP as a user, the way a script outside the browser would. */
async function callAs<T>(
  app: RunningApp,
  email: string,
  path: string,
  input: unknown,
  kind: 'query' | 'mutation' = 'mutation',
) {
  const signIn = await fetch(`${app.url}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  const res =
    kind === 'query'
      ? await fetch(`${app.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers: { cookie },
        })
      : await fetch(`${app.url}/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify(input),
        });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

/** Each person's browser context: its own cookies, downloads allowed. */
const CONTEXT = { viewport: { width: 1280, height: 800 }, acceptDownloads: true };

/** Just enough of the workflow document to change one scorecard row. */
interface ScorecardDoc {
  nodes: { id: string; kind: string; data: { rows: { label: string; points: number }[] } }[];
}

const DELTA = 15;

const CHANGING_BUTTONS =
  /^(Approve|Reject|Publish|Roll back|Create|New workflow|Save|Propose|Revoke|Disable|Run simulation|Generate|Import|Delete|Cancel)/;

describe.runIf(browserAvailable())('review, sign-off and audit in Chromium', () => {
  // Issue 8: this suite covers sign-off and audit; the simulation-before-publish policy has its
  // own API tests.
  const suite = browserSuite({ ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false' });
  let workflowId: string;
  let changedRow: { label: string; points: number };
  let changedNodeId: string;
  beforeAll(async () => {
    const workflows = await callAs<{ id: string }[]>(
      suite.app,
      'admin@acme.test',
      'workflows.list',
      {},
      'query',
    );
    workflowId = workflows[0]!.id;
    // A real change to review and simulate: the first scorecard row is worth more.
    const draft = await callAs<{ revision: number; document: ScorecardDoc }>(
      suite.app,
      'marketing@acme.test',
      'draft.get',
      { workflowId },
      'query',
    );
    const scorecard = draft.document.nodes.find((n) => n.kind === 'scorecard')!;
    changedNodeId = scorecard.id;
    changedRow = scorecard.data.rows[0]!;
    changedRow.points += DELTA;
    await callAs(suite.app, 'marketing@acme.test', 'draft.save', {
      workflowId,
      baseRevision: draft.revision,
      document: draft.document,
    });
    await callAs(suite.app, 'admin@acme.test', 'versions.propose', {
      workflowId,
      changeNote: 'Weigh pricing-page visits more; raise the MQL threshold to 60.',
    });
  });

  it('issue 8: ops simulates the draft against the published version on 10,000 sample leads; a matrix cell filters the changed leads', async () => {
    const ops = await suite.signedInPage('ops@acme.test', CONTEXT);
    await ops.goto(`${suite.app.url}/lead-sets`);
    // The demo seed's set with known outcomes (for tuning) is there from the start.
    await expect.poll(() => ops.textContent('main')).toContain('Demo outcomes (generated)');
    await ops.getByLabel('How many').fill('10000');
    await ops.getByRole('button', { name: 'Generate' }).click();
    const sets = ops.getByRole('table', { name: 'Lead sets' });
    const sample = sets.locator('tr', { hasText: 'Sample leads' });
    await sample.getByText('ready').waitFor({ timeout: 120_000 });
    expect(await sample.textContent()).toContain('10,000');
    await sample.getByRole('button', { name: 'Browse' }).click();
    await expect
      .poll(() => ops.getByRole('table', { name: 'Leads' }).locator('tbody tr').count())
      .toBe(25);
    const leads = await ops.getByRole('table', { name: 'Leads' }).textContent();
    expect(leads).toContain('not converted');
    expect(leads).not.toContain('{"converted"');
    await screenshot(ops, 'review-lead-sets');

    // A copy keeps the leads and outcomes under a new name.
    await sample.getByRole('button', { name: 'Copy' }).click();
    const copyDialog = ops.getByRole('dialog', { name: 'Copy lead set' });
    expect(await copyDialog.getByLabel('Name of the copy').inputValue()).toBe(
      'Copy of Sample leads',
    );
    await copyDialog.getByLabel('Name of the copy').fill('Sample leads, kept');
    await screenshot(ops, 'review-lead-sets-copy');
    await copyDialog.getByRole('button', { name: 'Copy' }).click();
    await copyDialog.waitFor({ state: 'hidden' });
    const copied = sets.locator('tr', { hasText: 'Sample leads, kept' });
    await copied.waitFor();
    expect(await copied.textContent()).toContain('10,000');

    await ops.goto(`${suite.app.url}/workflows/${workflowId}/simulate`);
    // Evaluated as of a day after the sample histories end (Jan 1): the run says which day.
    await ops.getByLabel('As of').fill('2026-01-15');
    await ops
      .getByRole('form', { name: 'New simulation' })
      .getByLabel('Lead set')
      .selectOption({ label: 'Sample leads (10,000 leads)' });
    await ops.getByRole('button', { name: 'Run simulation' }).click();
    const matrix = ops.getByRole('table', { name: 'Transition matrix' });
    await matrix.waitFor({ timeout: 120_000 });
    expect(await ops.textContent('main')).toContain('as of Jan 15, 2026');
    expect(await ops.locator('.recharts-wrapper').count()).toBeGreaterThan(0);
    await expect
      .poll(() => ops.getByTestId('changed-count').textContent())
      .toMatch(/[\d,]+ changed lead/);
    const all = await ops.getByTestId('changed-count').textContent();
    const total = Number(/([\d,]+) changed lead/.exec(all!)![1]!.replaceAll(',', ''));
    expect(total).toBeGreaterThan(0);
    await screenshot(ops, 'review-simulate');

    const cell = matrix.locator('button:not([disabled])').first();
    const [, fromLabel, toLabel, count] = /^(.+) to (.+): ([\d,]+)$/.exec(
      (await cell.getAttribute('aria-label'))!,
    )!;
    await cell.click();
    await expect
      .poll(() => ops.getByTestId('changed-count').textContent())
      .toContain(
        `${count} changed lead${count === '1' ? '' : 's'} from ${fromLabel} to ${toLabel}`,
      );
    const rows = ops.getByRole('table', { name: 'Changed leads' }).locator('tbody tr');
    const shown = await rows.count();
    expect(shown).toBe(Math.min(50, Number(count!.replaceAll(',', ''))));
    if (Number(count!.replaceAll(',', '')) < total)
      expect(shown).toBeLessThan(Math.min(50, total) + 1);
    for (let i = 0; i < shown; i++) {
      expect(await rows.nth(i).locator('td').nth(2).textContent()).toBe(fromLabel);
      expect(await rows.nth(i).locator('td').nth(3).textContent()).toBe(toLabel);
    }
    await rows.first().click();
    const explanation = ops.getByTestId('explanation');
    await expect.poll(() => explanation.textContent()).toContain('Path:');
    expect(await explanation.locator('.explain-side').count()).toBe(2);
    await screenshot(ops, 'review-simulate-cell');

    // Both paths on the graph: each side's steps are exactly the cards marked for it or both.
    const paths = ops.getByTestId('lead-paths-canvas');
    await paths.locator('.decorated-canvas[data-ready="true"]').waitFor();
    const cards = (className: string) => paths.locator(`.ui-node-card.${className}`).count();
    const steps = async (side: number) => {
      const path = explanation.locator('.explain-side').nth(side).locator('p').first();
      return (await path.textContent())!.replace(/^Path: /, '').split(' → ').length;
    };
    expect(await cards('on-both')).toBeGreaterThan(0);
    expect(await cards('on-baseline')).toBeGreaterThan(0);
    expect(await cards('on-candidate')).toBeGreaterThan(0);
    expect((await cards('on-baseline')) + (await cards('on-both'))).toBe(await steps(0));
    expect((await cards('on-candidate')) + (await cards('on-both'))).toBe(await steps(1));
    expect(await paths.locator('.workflow-edge.on-both').count()).toBeGreaterThan(0);
    expect(await paths.locator('figcaption').textContent()).toContain('both paths');
    await screenshot(ops, 'review-simulate-lead-paths');

    // Quick test: the same lead by its number in the set, without a run, gets the same stages.
    const quick = ops.getByRole('region', { name: 'Quick test of one lead' });
    const number = (await rows.first().locator('td').first().textContent())!;
    const leadId = (await rows.first().locator('td').nth(1).textContent())!;
    await quick.getByLabel('Lead number').fill(number);
    await quick.getByRole('button', { name: 'Compare' }).click();
    await expect
      .poll(() => quick.locator('h3').first().textContent())
      .toBe(`Lead ${leadId}: ${fromLabel} on the baseline, ${toLabel} on the candidate`);
    expect(await quick.locator('.explain-side').count()).toBe(2);
    await quick.locator('.decorated-canvas[data-ready="true"]').waitFor();
    await screenshot(ops, 'review-simulate-quick-test');
    // The run form and the quick test share one lead set, so a lead number means one lead.
    const runForm = ops.getByRole('form', { name: 'New simulation' });
    await runForm.getByLabel('Lead set').selectOption({ label: 'Sample leads (10,000 leads)' });
    const chosen = await runForm.getByLabel('Lead set').inputValue();
    expect(await quick.locator('form select').inputValue()).toBe(chosen);
    // …or pasted: a lead that is not one is refused by name, a good one is compared.
    await quick.getByRole('tab', { name: 'Paste JSON' }).click();
    await quick.getByLabel('Lead as JSON').fill('{"id": 1, "attributes": {}}');
    await quick.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => quick.getByRole('alert').textContent()).toMatch(/^id: /);
    await quick
      .getByLabel('Lead as JSON')
      .fill(JSON.stringify({ id: 'pasted-1', attributes: { job_title: 'VP Sales' }, events: [] }));
    await quick.getByRole('button', { name: 'Compare' }).click();
    await expect
      .poll(() => quick.locator('h3').first().textContent())
      .toMatch(/^Lead pasted-1: .+ on both sides$/);
    await ops.context().close();
  });

  it('issue 6: ops uploads a messy CRM export, remaps a column, and keeps the good rows', async () => {
    const ops = await suite.signedInPage('ops@acme.test', CONTEXT);
    await ops.goto(`${suite.app.url}/lead-sets`);
    const upload = ops.getByRole('region', { name: 'Upload leads' });
    await upload.getByLabel('Lead file').setInputFiles({
      name: 'crm-export.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(MESSY_CSV),
    });
    // The preview suggests a mapping by column name, outcome included.
    const becomes = (column: string) => upload.getByLabel(`Column ${column} becomes`);
    await becomes('Converted').waitFor();
    expect(await becomes('Converted').inputValue()).toBe('outcome:converted');
    expect(await becomes('Employees').inputValue()).toBe('field:company_size');
    expect(await becomes('Lead ID').inputValue()).toBe('id');
    // A row with a value that does not fit is refused whole (by default only the cell is lost).
    await upload.getByLabel('A value that does not fit its field').selectOption('refuse-row');
    await expect
      .poll(() => upload.textContent())
      .toContain('Of the first 6 rows, 2 would be refused');
    const previewErrors = upload.getByRole('table', { name: 'Problems in the preview rows' });
    await expect.poll(() => previewErrors.textContent()).toContain('"maybe" is not yes or no');

    // Not importing the Student column drops its error from the preview.
    await becomes('Student').selectOption('ignore');
    await expect.poll(() => previewErrors.textContent()).not.toContain('maybe');
    expect(await previewErrors.textContent()).toContain('"many" is not a number');
    // The column left out is offered as a new field; this import does not want it.
    await upload
      .getByRole('region', { name: 'New fields from this file' })
      .getByLabel('Create a field from Student')
      .uncheck();
    await screenshot(ops, 'lead-sets-upload-preview');

    await upload.getByRole('button', { name: 'Import crm-export.csv' }).click();
    const result = ops.getByTestId('import-result');
    await expect
      .poll(() => result.textContent())
      .toContain('Imported 4 of 6 rows into “crm-export”. 2 rows were refused.');
    const problems = await result.getByRole('table', { name: 'Problems by column' }).textContent();
    const lines = new Set([...problems!.matchAll(/line (\d+):/g)].map((m) => m[1]));
    expect(lines).toEqual(new Set(['4', '6']));
    const sets = ops.getByRole('table', { name: 'Lead sets' });
    const row = sets.locator('tr', { hasText: 'crm-export' });
    await expect.poll(() => row.textContent()).toContain('ready');
    expect(await row.locator('td').nth(1).textContent()).toBe('4');
    expect(await row.locator('td').nth(2).textContent()).toBe('yes');
    await screenshot(ops, 'lead-sets-upload-done');
    await ops.context().close();
  });

  it('issue 8: marketing and sales approve in separate contexts, ops publishes', async () => {
    const versionsUrl = `${suite.app.url}/workflows/${workflowId}/versions`;
    const [marketing, sales] = await Promise.all([
      suite.signedInPage('marketing@acme.test', CONTEXT),
      suite.signedInPage('sales@acme.test', CONTEXT),
    ]);

    // Marketing cannot start runs but tries a lead on the proposed version against the live one.
    await marketing.goto(`${suite.app.url}/workflows/${workflowId}/simulate`);
    const quick = marketing.getByRole('region', { name: 'Quick test of one lead' });
    await quick.waitFor();
    expect(await marketing.getByRole('button', { name: 'Run simulation' }).count()).toBe(0);
    await marketing.getByLabel('Candidate').selectOption({ label: 'Version 2 (proposed)' });
    await quick.locator('form select').selectOption({ label: 'Sample leads' });
    await quick.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => quick.locator('h3').first().textContent()).toMatch(/^Lead lead-1-0: /);
    expect(await quick.locator('.explain-side h3').nth(1).textContent()).toContain(
      'Version 2 (proposed)',
    );
    await screenshot(marketing, 'review-simulate-marketing');

    await marketing.goto(versionsUrl);
    const v2m = marketing.getByTestId('version-2');
    await expect.poll(() => v2m.locator('.badge').textContent()).toBe('proposed');
    await v2m.getByLabel('Comment on version 2').fill('Pricing visits are our best signal.');
    await screenshot(marketing, 'review-versions-marketing');
    await v2m.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => v2m.textContent()).toContain('Approved by Maya Marketing');
    await expect.poll(() => v2m.locator('.badge').textContent()).toBe('proposed');

    await sales.goto(versionsUrl);
    const v2s = sales.getByTestId('version-2');
    await expect.poll(() => v2s.textContent()).toContain('Pricing visits are our best signal.');
    await v2s.getByLabel('Comment on version 2').fill('Agreed; we will call them within a day.');
    await v2s.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => v2s.locator('.badge').textContent()).toBe('approved');
    await screenshot(sales, 'review-versions-approved');
    expect(await v2s.getByRole('button', { name: /Publish/ }).count()).toBe(0);

    const ops = await suite.signedInPage('ops@acme.test', CONTEXT);
    await ops.goto(versionsUrl);
    const v2o = ops.getByTestId('version-2');
    expect(await v2o.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    // #15: "Simulate against live" opens the Simulate page with this version against the live one.
    await v2o.getByRole('link', { name: 'Simulate against live' }).click();
    await ops.waitForURL(/\/simulate\?candidate=/);
    const runForm = ops.getByRole('form', { name: 'New simulation' });
    await expect
      .poll(async () => {
        const select = runForm.getByLabel('Candidate');
        return select.locator('option:checked').textContent();
      })
      .toBe('Version 2 (approved)');
    expect(await runForm.getByLabel('Baseline').inputValue()).toBe('published');
    await ops.goto(versionsUrl);
    // #15: publishing asks why and says what goes live and what stops being live.
    await v2o.getByRole('button', { name: 'Publish version 2' }).click();
    const confirm = ops.getByRole('dialog', { name: 'Publish version 2?' });
    await confirm.waitFor();
    expect(await confirm.getByTestId('goes-live').textContent()).toContain('Goes live: version 2');
    expect(await confirm.getByTestId('stops-being-live').textContent()).toMatch(
      /^Stops being live: version 1 .*published by Olu Ops/,
    );
    // The draft run of the first test had exactly version 2's content: it counts for the gate.
    expect(await confirm.getByTestId('publish-blocker').count()).toBe(0);
    expect(await confirm.getByRole('button', { name: 'Publish version 2' }).isDisabled()).toBe(
      true,
    );
    await confirm.getByLabel(/Reason/).fill('Both teams signed off; pricing visits predict SQLs.');
    await screenshot(ops, 'review-publish-confirm');
    await confirm.getByRole('button', { name: 'Publish version 2' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await expect.poll(() => v2o.locator('.badge').textContent()).toBe('published');
    await expect
      .poll(() => v2o.getByRole('list', { name: 'When version 2 went live' }).textContent())
      .toMatch(
        /^Published by Olu Ops on .+: “Both teams signed off; pricing visits predict SQLs\.”$/,
      );
    await expect
      .poll(() => ops.getByTestId('version-1').locator('.badge').textContent())
      .toBe('superseded');
    await expect
      .poll(() => ops.getByRole('button', { name: 'Roll back to version 1' }).count())
      .toBe(1);
    await screenshot(ops, 'review-versions-published');
    // A rollback asks too; cancelled here, nothing changes.
    await ops.getByRole('button', { name: 'Roll back to version 1' }).click();
    const rollback = ops.getByRole('dialog', { name: 'Roll back to version 1?' });
    expect(await rollback.getByTestId('stops-being-live').textContent()).toMatch(
      /^Stops being live: version 2 /,
    );
    await rollback.getByRole('button', { name: 'Cancel' }).click();
    await rollback.waitFor({ state: 'hidden' });
    expect(await v2o.locator('.badge').textContent()).toBe('published');
    await Promise.all([marketing, sales, ops].map((p) => p.context().close()));
  });

  it('an auditor reads versions and the audit log, verifies the chain, exports CSV, and can change nothing', async () => {
    const auditor = await suite.signedInPage('auditor@acme.test', CONTEXT);
    const changing = () => auditor.getByRole('button', { name: CHANGING_BUTTONS }).count();
    expect(await changing()).toBe(0);

    await auditor.goto(`${suite.app.url}/workflows/${workflowId}/versions`);
    await expect
      .poll(() => auditor.getByTestId('version-2').locator('.badge').textContent())
      .toBe('published');
    await expect
      .poll(() => auditor.getByTestId('version-2').textContent())
      .toContain('Approved by Sam Sales');
    expect(await changing()).toBe(0);
    await auditor.getByLabel('What was live on').fill('2000-01-01T00:00');
    await expect
      .poll(() => auditor.getByTestId('live-at-result').textContent())
      .toContain('Nothing was published');
    await screenshot(auditor, 'review-versions-auditor');

    await auditor.getByTestId('version-2').getByRole('link', { name: 'Changes' }).click();
    await expect
      .poll(() => auditor.getByTestId('diff').textContent())
      .toContain(
        `Row "${changedRow.label}" points: ${changedRow.points - DELTA} → ${changedRow.points}`,
      );
    expect(await changing()).toBe(0);
    await screenshot(auditor, 'review-diff-auditor');

    // The same change on the canvas: the scorecard is the one changed step, nothing is added.
    const canvas = auditor.getByTestId('diff-canvas');
    await canvas.locator('.decorated-canvas[data-ready="true"]').waitFor();
    const changedCard = canvas.getByTestId(`node-${changedNodeId}`);
    expect(await changedCard.getAttribute('class')).toContain('is-changed');
    expect(await canvas.locator('.ui-node-card.is-changed').count()).toBe(1);
    expect(await canvas.locator('.ui-node-card.is-added').count()).toBe(0);
    expect(await canvas.locator('.ui-node-card.is-unchanged').count()).toBeGreaterThan(0);
    expect(await canvas.locator('figcaption').textContent()).toMatch(/0added.*1changed.*0removed/);
    await changedCard.click();
    await expect
      .poll(() => auditor.locator(`[id="diff-step-${changedNodeId}"]`).getAttribute('class'))
      .toContain('is-focused');
    expect(await changing()).toBe(0);
    await screenshot(auditor, 'review-diff-canvas');

    await auditor.goto(`${suite.app.url}/workflows/${workflowId}/versions`);
    await auditor.getByTestId('version-2').getByRole('link', { name: 'Agreement' }).click();
    const signatures = auditor.getByRole('region', { name: 'Signatures' });
    await expect.poll(() => signatures.textContent()).toContain('SignedMaya Marketing (marketing)');
    await expect.poll(() => signatures.textContent()).toContain('SignedSam Sales (sales)');
    // #15: the publication names who published it and why.
    expect(await signatures.textContent()).toMatch(
      /PublishedOlu Ops.+Both teams signed off; pricing visits predict SQLs\./,
    );
    expect(await auditor.textContent('main')).toContain('How leads are scored');
    expect(await auditor.textContent('main')).toContain(`+${changedRow.points}`);
    expect(await changing()).toBe(0);
    await screenshot(auditor, 'review-agreement-auditor');
    // #15: the seeded version 1 went live through real sign-offs, and says so.
    await auditor.goto(`${suite.app.url}/workflows/${workflowId}/versions`);
    await auditor.getByTestId('version-1').getByRole('link', { name: 'Agreement' }).click();
    await expect.poll(() => signatures.textContent()).toContain('SignedMia Marketing (marketing)');
    expect(await signatures.textContent()).toContain('SignedSam Sales (sales)');
    expect(await signatures.textContent()).toContain('PublishedOlu Ops');
    expect(await signatures.textContent()).not.toContain('Not signed yet');
    // A workflow's pages link its Simulate page from the navigation (#15).
    expect(
      await auditor
        .getByRole('navigation')
        .getByRole('link', { name: 'Simulate', exact: true })
        .getAttribute('href'),
    ).toBe(`/workflows/${workflowId}/simulate`);
    await screenshot(auditor, 'review-agreement-v1-auditor');

    await auditor.goto(`${suite.app.url}/workflows/${workflowId}/simulate`);
    await expect
      .poll(() => auditor.textContent('main'))
      .toContain('Ops and admins start simulations');
    expect(await auditor.getByRole('region', { name: 'Quick test of one lead' }).count()).toBe(0);
    expect(await changing()).toBe(0);
    await auditor.goto(`${suite.app.url}/lead-sets`);
    await expect.poll(() => auditor.textContent('main')).toContain('Sample leads');
    expect(await changing()).toBe(0);

    await auditor.goto(`${suite.app.url}/audit`);
    const table = auditor.getByRole('table', { name: 'Audit events' });
    await expect.poll(() => table.textContent()).toContain('version.publish');
    expect(await changing()).toBe(0);
    await auditor.getByRole('button', { name: 'Verify chain' }).click();
    await expect
      .poll(() => auditor.getByTestId('verify-result').textContent())
      .toMatch(/chain is intact: all \d+ events/);

    // Two approvals of version 2 here, and the two the seed's version 1 went live with (#15).
    await auditor.getByLabel('Action').fill('version.approve');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(4);
    await screenshot(auditor, 'review-audit-auditor');

    const [download] = await Promise.all([
      auditor.waitForEvent('download'),
      auditor.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^accord-audit-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'id,at,actor,action,entity_type,entity_id,workflow_id,before,after,prev_hash,hash',
    );
    expect(lines.slice(1).every((l) => l.includes('version.approve'))).toBe(true);
    expect(lines).toHaveLength(5);

    await auditor.goto(`${suite.app.url}/admin`);
    await expect.poll(() => auditor.textContent('main')).toContain('Only admins');
    await auditor.context().close();
  });
});
