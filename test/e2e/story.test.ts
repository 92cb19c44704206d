import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, type RunningApp, screenshot } from './harness';

/**
 * Issue #15: the first hour of the product as one story, every page reached by clicking from the
 * home page as a person would (the only address typed is the sign-in page's).
 */

const VIEWPORT = { width: 1280, height: 900 };
const WORKFLOW = 'Inbound B2B qualification';
const FIT = 'Fit: who the lead is';
const EXECUTIVE = { id: 'title_executive', label: 'Title is VP or C-level', from: 20, to: 25 };
const DIRECTOR = { id: 'title_director', label: "Title contains 'Director'", from: 15, to: 18 };
const CHANGE_NOTE = 'Executives count 25 points, directors 18: both teams saw them convert.';
const PUBLISH_REASON = 'Both teams signed off; the simulation against version 1 looks right.';
const ROLLBACK_REASON = 'Sales got too many director-level MQLs on day one; back to version 1.';

/**
 * Polls what a page shows until it matches, for up to 30 s: pages load and runs finish slower on
 * a busy two-core CI machine than vitest's one-second default allows.
 */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

/** Waits for a page's draft to be stored (the toolbar's save state). */
const saved = (page: Page) =>
  eventually(() => page.getByTestId('save-state').getAttribute('data-state')).toBe('saved');

/** From the workflows list (the home page) into the editor of the seeded workflow. */
async function openEditor(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Workflows' }).click();
  await page.getByRole('link', { name: WORKFLOW, exact: true }).first().click();
  await page.locator('[data-testid="canvas"][data-complete="true"]').waitFor({ timeout: 60_000 });
}

/** From the editor to the workflow's versions page through the navigation. */
async function openVersions(page: Page) {
  await page.getByRole('navigation').getByRole('link', { name: 'Versions', exact: true }).click();
  await page.getByTestId('version-1').waitFor({ timeout: 30_000 });
}

/** The Points box of one row of the Fit scorecard, opening the step and the row by clicking. */
async function fitRowPoints(page: Page, rowId: string) {
  await page.getByTestId('tab-inspector').click();
  const title = page.getByTestId('inspector-title');
  if ((await title.count()) === 0 || (await title.textContent()) !== FIT) {
    // The whole workflow in view first: a reload or merge keeps the pan, which may hide the step.
    await page.getByRole('button', { name: 'Fit the workflow in view' }).click();
    await page.getByTestId('node-fit').click();
  }
  const card = page.getByTestId(`score-row-${rowId}`);
  if ((await card.getAttribute('open')) === null) await card.locator('summary').click();
  return card.getByLabel('Points');
}

const pointsOf = async (page: Page, rowId: string) =>
  Number(await (await fitRowPoints(page, rowId)).inputValue());

/** What a CRM gets for one lead from `POST /v1/workflows/<slug>/evaluate`. */
async function evaluateOverRest(app: RunningApp, slug: string, key: string) {
  const res = await fetch(`${app.url}/v1/workflows/${slug}/evaluate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      lead: {
        id: 'story-lead-1',
        attributes: {
          first_name: 'Dana',
          last_name: 'Reyes',
          job_title: 'Director of Marketing',
          email: 'dana@northwind.com',
          company_size: 120,
        },
        events: [],
      },
    }),
  });
  const body = (await res.json()) as { results?: { version: number; stage: string }[] };
  return { status: res.status, result: body.results?.[0] };
}

describe.runIf(browserAvailable())('the first hour, by clicking only, in Chromium (#15)', () => {
  const suite = browserSuite();
  /** One person: their own browser context (cookies), signed in on the sign-in page. */
  const person = async (email: string) => {
    const page = await suite.signedInPage(email, { viewport: VIEWPORT });
    return { page };
  };

  it('#15: edit together with a teammate live (#20), propose, sign-offs, simulate, publish, REST, rollback, audit', async () => {
    // 1. Marketing and sales open the same draft at once (#20): each sees the other there.
    const { page: maya } = await person('marketing@acme.test');
    const { page: sam } = await person('sales@acme.test');
    await openEditor(maya);
    await openEditor(sam);
    await eventually(() => maya.getByTestId('presence').getAttribute('aria-label')).toBe(
      'In this draft: Sam Sales',
    );
    await eventually(() => sam.getByTestId('presence').getAttribute('aria-label')).toBe(
      'In this draft: Maya Marketing',
    );

    // 2. Both change a row of the same step at the same time: each sees the other's edit live,
    // and the server stores both.
    const mayaBox = await fitRowPoints(maya, EXECUTIVE.id);
    const samBox = await fitRowPoints(sam, DIRECTOR.id);
    expect(await mayaBox.inputValue()).toBe(String(EXECUTIVE.from));
    expect(await samBox.inputValue()).toBe(String(DIRECTOR.from));
    await Promise.all([mayaBox.fill(String(EXECUTIVE.to)), samBox.fill(String(DIRECTOR.to))]);
    for (const page of [maya, sam]) {
      await eventually(() => pointsOf(page, EXECUTIVE.id)).toBe(EXECUTIVE.to);
      await eventually(() => pointsOf(page, DIRECTOR.id)).toBe(DIRECTOR.to);
      await saved(page);
    }
    await screenshot(maya, 'story-01-edit');
    await screenshot(sam, 'story-02-together');

    // 3. Marketing proposes the draft as version 2 with a change note.
    await maya.getByTestId('propose').click();
    const propose = maya.getByTestId('propose-dialog');
    await propose.getByTestId('change-note').fill(CHANGE_NOTE);
    await propose.getByRole('button', { name: 'Propose version' }).click();
    await eventually(() => propose.getByTestId('propose-success').textContent()).toContain(
      'Version 2 is proposed',
    );
    await screenshot(maya, 'story-03-propose');
    await propose.getByRole('button', { name: 'Back to the draft' }).click();

    // 4. The other marketing member and the other sales member sign off on the versions page.
    for (const [email, name] of [
      ['marketing2@acme.test', 'Mia Marketing'],
      ['sales2@acme.test', 'Sol Sales'],
    ] as const) {
      const { page } = await person(email);
      await openEditor(page);
      await openVersions(page);
      const v2 = page.getByTestId('version-2');
      await eventually(() => v2.locator('.change-note').textContent()).toBe(CHANGE_NOTE);
      await v2.getByLabel('Comment on version 2').fill(`${name} agrees.`);
      await v2.getByRole('button', { name: 'Approve' }).click();
      await eventually(() => v2.textContent()).toContain('You have signed off');
      if (name === 'Sol Sales') {
        await eventually(() => v2.locator('.badge').textContent()).toBe('approved');
        expect(await v2.locator('.signoff').textContent()).toContain('✓ marketing ✓ sales');
        await screenshot(page, 'story-04-signoff');
      }
      await page.context().close();
    }

    // 5. Ops makes sample leads, simulates version 2 against the live version from the
    // versions page, reads the results, goes back and publishes with a reason.
    const { page: ops } = await person('ops@acme.test');
    await ops.getByRole('navigation').getByRole('link', { name: 'Lead sets' }).click();
    const generate = ops.getByRole('form', { name: 'Generate sample leads' });
    await generate.getByLabel('How many').fill('2000');
    await generate.getByRole('button', { name: 'Generate' }).click();
    await ops
      .getByRole('table', { name: 'Lead sets' })
      .locator('tr', { hasText: 'Sample leads' })
      .getByText('ready', { exact: true })
      .waitFor({ timeout: 120_000 });
    await openEditor(ops);
    await openVersions(ops);
    await ops.getByTestId('version-2').getByRole('link', { name: 'Simulate against live' }).click();
    const runForm = ops.getByRole('form', { name: 'New simulation' });
    await eventually(() =>
      runForm.getByLabel('Candidate').locator('option:checked').textContent(),
    ).toBe('Version 2 (approved)');
    expect(await runForm.getByLabel('Baseline').inputValue()).toBe('published');
    await runForm.getByRole('button', { name: 'Run simulation' }).click();
    const matrix = ops.getByRole('table', { name: 'Transition matrix' });
    await matrix.waitFor({ timeout: 150_000 });
    expect(await ops.getByTestId('run').textContent()).toContain(
      'Version 1 (baseline) vs version 2 (candidate) on Sample leads, 2,000 leads',
    );
    await eventually(() => ops.getByTestId('changed-count').textContent()).toMatch(/changed lead/);
    await screenshot(ops, 'story-05-simulate');

    await ops.getByRole('navigation').getByRole('link', { name: 'Versions', exact: true }).click();
    const v2 = ops.getByTestId('version-2');
    // The run just made counts for the publish gate: no hint, no blocker (once the list the page
    // had cached is fetched again).
    await v2.waitFor();
    await eventually(() => v2.getByTestId('gate-hint').count()).toBe(0);
    await v2.getByRole('button', { name: 'Publish version 2' }).click();
    const publish = ops.getByRole('dialog', { name: 'Publish version 2?' });
    await publish.waitFor();
    expect(await publish.getByTestId('publish-blocker').count()).toBe(0);
    expect(await publish.getByTestId('goes-live').textContent()).toContain(
      'signed off by Mia Marketing and Sol Sales',
    );
    await publish.getByLabel(/Reason/).fill(PUBLISH_REASON);
    await screenshot(ops, 'story-05-publish');
    await publish.getByRole('button', { name: 'Publish version 2' }).click();
    await publish.waitFor({ state: 'hidden', timeout: 30_000 });
    await eventually(() => v2.locator('.badge').textContent()).toBe('published');
    expect(await v2.getByRole('list', { name: 'When version 2 went live' }).textContent()).toMatch(
      new RegExp(`^Published by Olu Ops on .+: “${PUBLISH_REASON}”$`),
    );

    // 6. An admin finds the slug under 'Call it from your CRM', makes an API key on the admin
    // page, and a CRM (this test, from Node) gets its answer from version 2.
    const { page: admin } = await person('admin@acme.test');
    await admin
      .getByTestId('workflow-row-inbound-b2b-qualification')
      .getByRole('link', { name: 'Call it from your CRM' })
      .click();
    const crm = admin.getByTestId('crm-call');
    await eventually(() => crm.getByTestId('workflow-slug').textContent()).toBe(
      'inbound-b2b-qualification',
    );
    const slug = (await crm.getByTestId('workflow-slug').textContent())!;
    expect(await crm.textContent()).toContain('Calls are decided by version 2.');
    expect(await crm.getByTestId('crm-endpoint').textContent()).toBe(
      `POST ${suite.app.url}/v1/workflows/${slug}/evaluate`,
    );
    await screenshot(admin, 'story-06-crm');
    await crm.getByRole('link', { name: /API keys on the admin page/ }).click();
    await admin.getByLabel('Key name').fill('CRM (story)');
    await admin.getByRole('button', { name: 'Create API key' }).click();
    const key = (await admin.getByTestId('new-api-key').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await screenshot(admin, 'story-06-api-key');
    await admin.getByRole('button', { name: 'I have stored it' }).click();
    const onVersion2 = await evaluateOverRest(suite.app, slug, key);
    expect(onVersion2.status).toBe(200);
    expect(onVersion2.result).toMatchObject({ version: 2 });

    // 7. Ops rolls back to version 1 with a reason; the CRM's next call gets version 1.
    await ops.getByRole('button', { name: 'Roll back to version 1' }).click();
    const rollback = ops.getByRole('dialog', { name: 'Roll back to version 1?' });
    expect(await rollback.getByTestId('stops-being-live').textContent()).toMatch(
      /^Stops being live: version 2 .*published by Olu Ops/,
    );
    await rollback.getByLabel(/Reason/).fill(ROLLBACK_REASON);
    await rollback.getByRole('button', { name: 'Roll back to version 1' }).click();
    await rollback.waitFor({ state: 'hidden', timeout: 30_000 });
    const v1 = ops.getByTestId('version-1');
    await eventually(() => v1.locator('.badge').textContent()).toBe('published');
    expect(await v1.getByRole('list', { name: 'When version 1 went live' }).textContent()).toMatch(
      new RegExp(`Live again \\(rollback\\) by Olu Ops on .+: “${ROLLBACK_REASON}”$`),
    );
    await screenshot(ops, 'story-07-rollback');
    const onVersion1 = await evaluateOverRest(suite.app, slug, key);
    expect(onVersion1.status).toBe(200);
    expect(onVersion1.result).toMatchObject({ version: 1 });

    // 8. The auditor reads it all in words, verifies the chain, and opens the agreements.
    const { page: auditor } = await person('auditor@acme.test');
    await auditor.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const table = auditor.getByRole('table', { name: 'Audit events' });
    await eventually(() => table.textContent()).toContain('Rolled back to');
    const log = (await table.textContent())!;
    expect(log).toContain(
      `${FIT} › ${EXECUTIVE.label} › points: ${EXECUTIVE.from} → ${EXECUTIVE.to}`,
    );
    expect(log).toContain(`${FIT} › ${DIRECTOR.label} › points: ${DIRECTOR.from} → ${DIRECTOR.to}`);
    // Made at the same time, in the same step, each change is credited to its author alone (#20).
    const authorsOf = async (change: string) =>
      (
        await table.locator('tr', { hasText: change }).locator('td:nth-child(3)').allTextContents()
      ).map((actor) => actor.replace(/<.*$/, ''));
    expect(
      (await authorsOf(`${EXECUTIVE.label} › points: ${EXECUTIVE.from} → ${EXECUTIVE.to}`)).map(
        (a) => a.trim(),
      ),
    ).toEqual(['Maya Marketing']);
    expect(
      (await authorsOf(`${DIRECTOR.label} › points: ${DIRECTOR.from} → ${DIRECTOR.to}`)).map((a) =>
        a.trim(),
      ),
    ).toEqual(['Sam Sales']);
    expect(log).toContain(`Proposed version 2 for sign-off: “${CHANGE_NOTE}”`);
    expect(log).toContain('Approved version 2: “Mia Marketing agrees.”');
    expect(log).toContain('Approved version 2: “Sol Sales agrees.”');
    expect(log).toContain(`Published version 2 (version 1 was live). Reason: “${PUBLISH_REASON}”`);
    expect(log).toContain(
      `Rolled back to version 1 (version 2 was live). Reason: “${ROLLBACK_REASON}”`,
    );
    await auditor.getByRole('button', { name: 'Verify chain' }).click();
    await eventually(() => auditor.getByTestId('verify-result').textContent()).toMatch(
      /The chain is intact: all \d+ events/,
    );
    await screenshot(auditor, 'story-08-audit');

    await table.getByRole('link', { name: WORKFLOW }).first().click();
    const v1a = auditor.getByTestId('version-1');
    await eventually(() => v1a.locator('.badge').textContent()).toBe('published');
    expect(await auditor.getByTestId('version-2').locator('.badge').textContent()).not.toBe(
      'published',
    );
    await screenshot(auditor, 'story-08-versions');
    await v1a.getByRole('link', { name: 'Agreement' }).click();
    const signatures = auditor.getByRole('region', { name: 'Signatures' });
    await eventually(() => signatures.textContent()).toContain(`Live againOlu Ops`);
    expect(await signatures.textContent()).toContain(ROLLBACK_REASON);
    await screenshot(auditor, 'story-08-agreement-live');
    await auditor.getByRole('link', { name: '← All versions' }).click();
    await auditor.getByTestId('version-2').getByRole('link', { name: 'Agreement' }).click();
    await eventually(() => signatures.textContent()).toContain('SignedMia Marketing (marketing)');
    const signed = (await signatures.textContent())!;
    expect(signed).toContain('SignedSol Sales (sales)');
    expect(signed).toContain(`PublishedOlu Ops`);
    expect(signed).toContain(PUBLISH_REASON);
    expect(await auditor.textContent('main')).toContain(`+${EXECUTIVE.to}`);
    await screenshot(auditor, 'story-08-agreement-v2');

    expect(suite.pageErrors).toEqual([]);
  }, 300_000);
});
