import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot } from './harness';

describe.runIf(browserAvailable())('foundation in Chromium', () => {
  const suite = browserSuite();

  it('serves the web app: signed out it asks to sign in, then shows the seeded workflow', async () => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${suite.app.url}/workflows`);
    await page.waitForURL(/\/signin\?next=%2Fworkflows/);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill('marketing@acme.test');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Wrong email or password');
    await page.getByLabel('Password').fill('accord-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/workflows$/);
    await expect
      .poll(() => page.getByTestId('current-user').textContent())
      .toContain('Maya Marketing');
    await expect.poll(() => page.getByText('Inbound B2B qualification').count()).toBeGreaterThan(0);
    await screenshot(page, 'workflows');
  });

  it('falls back to index.html for client-side routes', async () => {
    const res = await fetch(`${suite.app.url}/workflows/some/deep/route`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    const missing = await fetch(`${suite.app.url}/trpc/nope.nothing`);
    expect(missing.status).toBe(404);
  });
});
