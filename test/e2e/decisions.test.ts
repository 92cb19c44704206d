import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot } from './harness';

const VIEWPORT = { width: 1280, height: 800 };

describe.runIf(browserAvailable())('decision log in Chromium (issue 9)', () => {
  const suite = browserSuite();

  it('an admin turns the log on, a CRM call is logged, an auditor finds why the lead got its stage', async () => {
    const admin = await suite.signedInPage('admin@acme.test', { viewport: VIEWPORT });
    await admin.getByRole('link', { name: 'Decisions' }).click();
    await expect
      .poll(() => admin.getByTestId('decision-log-state').textContent())
      .toContain('is off');
    await admin.getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(() => admin.getByTestId('decision-log-state').textContent())
      .toContain('is on');
    // The admin's session creates an API key, as the Admin page does.
    const key = await admin.evaluate(async () => {
      const res = await fetch('/trpc/apiKeys.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CRM (e2e)' }),
      });
      return ((await res.json()) as { result: { data: { key: string } } }).result.data.key;
    });

    // A CRM qualifies a lead.
    const res = await fetch(`${suite.app.url}/v1/workflows/inbound-b2b-qualification/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        lead: {
          id: 'CRM-4711',
          attributes: {
            first_name: 'Ann',
            last_name: 'Lee',
            job_title: 'VP Marketing',
            email: 'ann@northwind.com',
            company_size: 400,
          },
          events: [],
        },
      }),
    });
    expect(res.status).toBe(200);
    const answered = ((await res.json()) as { results: { stage: string; reasons: unknown[] }[] })
      .results[0]!;

    // The auditor looks the lead up and reads the reasons it was given; no switch for them.
    const auditor = await suite.signedInPage('auditor@acme.test', { viewport: VIEWPORT });
    await auditor.goto(`${suite.app.url}/decisions`);
    await auditor.getByLabel('Lead id').fill('CRM-4711');
    const row = auditor.getByTestId('decision-CRM-4711');
    await row.waitFor();
    expect(await row.textContent()).toContain(answered.stage);
    await row.getByText(/\d+ reasons?/).click();
    expect(await row.locator('.reasons li').count()).toBe(answered.reasons.length);
    expect(await auditor.getByRole('button', { name: /Turn (on|off)/ }).count()).toBe(0);
    await screenshot(auditor, 'decisions-auditor');
  });
});
