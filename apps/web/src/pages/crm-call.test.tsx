import { execFileSync } from 'node:child_process';
import { compile, defaultCatalog, defaultWorkflow, parseLead } from '@accord/engine';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrmCallCard } from './crm-call';
import { API_KEY_PLACEHOLDER, crmCallExample } from './crm-call-example';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ORIGIN = 'https://accord.acme.test';
const NOW = new Date('2026-03-02T10:00:00Z');

/** The arguments a POSIX shell passes to `curl` for the command (quoting checked by a real sh). */
function curlArguments(command: string): string[] {
  const printed = execFileSync('sh', ['-c', `curl() { printf '%s\\0' "$@"; }\n${command}`], {
    encoding: 'utf8',
  });
  return printed.split('\0').slice(0, -1);
}

describe('#15: the curl example a CRM copies', () => {
  it('posts to the workflow slug on this server, with the key placeholder and a valid one-lead body', () => {
    const example = crmCallExample({
      origin: ORIGIN,
      slug: 'inbound-b2b-qualification',
      workflow: defaultWorkflow(),
      catalog: defaultCatalog,
      now: NOW,
    });
    expect(example.url).toBe(`${ORIGIN}/v1/workflows/inbound-b2b-qualification/evaluate`);
    const args = curlArguments(example.curl);
    expect(args.slice(0, 3)).toEqual(['-X', 'POST', example.url]);
    expect(args).toContain(`Authorization: Bearer ${API_KEY_PLACEHOLDER}`);
    expect(args).toContain('Content-Type: application/json');
    const body = JSON.parse(args[args.indexOf('-d') + 1]!) as { lead: unknown };
    expect(body).toEqual(JSON.parse(example.body));

    // The lead fits the workflow: the engine reads it and the workflow gives it a stage.
    const lead = parseLead(body.lead);
    if (!lead.ok) throw new Error(JSON.stringify(lead.errors));
    const compiled = compile(defaultWorkflow(), defaultCatalog);
    if (!compiled.ok) throw new Error('the default workflow compiles');
    expect(compiled.evaluate(lead.lead, { asOf: NOW }).stage).toMatch(/\w/);
  });

  it('sends the fields the workflow reads that a CRM has at first contact, and names the rest', () => {
    const example = crmCallExample({
      origin: ORIGIN,
      slug: 's',
      workflow: defaultWorkflow(),
      catalog: defaultCatalog,
    });
    const { lead } = JSON.parse(example.body) as {
      lead: { attributes: Record<string, unknown>; events: { type: string }[] };
    };
    expect(lead.attributes).toMatchObject({ job_title: 'VP Marketing', seniority: 'vp' });
    expect(typeof lead.attributes.company_size).toBe('number');
    expect(lead.attributes).not.toHaveProperty('budget_confirmed');
    expect(example.alsoReads).toContain('budget_confirmed');
    expect(lead.events.length).toBeGreaterThan(0);
    expect(lead.events.length).toBeLessThanOrEqual(2);
  });

  it('keeps a quote in the data intact through the shell', () => {
    // A workspace's own enum value with a quote, on a field the workflow reads.
    const catalog = {
      ...defaultCatalog,
      fields: defaultCatalog.fields.map((f) =>
        f.id === 'is_student'
          ? {
              ...f,
              type: 'enum' as const,
              category: 'profile' as const,
              values: [{ value: "o'brien", label: "O'Brien" }],
            }
          : f,
      ),
    };
    const example = crmCallExample({
      origin: ORIGIN,
      slug: 's',
      workflow: defaultWorkflow(),
      catalog,
    });
    expect(example.curl).toContain("o'\\''brien");
    const args = curlArguments(example.curl);
    expect(JSON.parse(args.at(-1)!).lead.attributes.is_student).toBe("o'brien");
  });

  it('without a document, sends a bare lead', () => {
    expect(
      JSON.parse(crmCallExample({ origin: ORIGIN, slug: 's', catalog: defaultCatalog }).body),
    ).toEqual({
      lead: { id: 'crm-lead-1001', attributes: {}, events: [] },
    });
  });
});

describe('#15: the "Call it from your CRM" section', () => {
  const renderCard = (props: {
    liveVersion: number | null;
    canCreateKeys: boolean;
    defaultOpen?: boolean;
  }) =>
    render(
      <MemoryRouter>
        <CrmCallCard
          slug="inbound-b2b-qualification"
          origin={ORIGIN}
          workflow={defaultWorkflow()}
          catalog={defaultCatalog}
          defaultOpen
          {...props}
        />
      </MemoryRouter>,
    );

  it('shows the slug and endpoint, copies the curl example, links admins to the API keys', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('isSecureContext', true);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    renderCard({ liveVersion: 3, canCreateKeys: true });
    expect(screen.getByTestId('workflow-slug').textContent).toBe('inbound-b2b-qualification');
    expect(screen.getByTestId('crm-endpoint').textContent).toBe(
      `POST ${ORIGIN}/v1/workflows/inbound-b2b-qualification/evaluate`,
    );
    const curl = screen.getByTestId('crm-curl').textContent!;
    expect(curl).toContain(`${ORIGIN}/v1/workflows/inbound-b2b-qualification/evaluate`);
    fireEvent.click(screen.getByRole('button', { name: 'Copy the curl example' }));
    await screen.findByText('Copied ✓');
    expect(writeText).toHaveBeenCalledWith(curl);
    expect(
      screen.getByRole('link', { name: /API keys on the admin page/ }).getAttribute('href'),
    ).toBe('/admin');
    expect(screen.queryAllByText(/decided by version 3/)).toHaveLength(1);
  });

  it('warns that calls answer 409 while nothing is live, and sends others to an admin for a key', () => {
    renderCard({ liveVersion: null, canCreateKeys: false });
    expect(screen.getByRole('note').textContent).toContain('calls answer 409');
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.queryAllByText(/Ask an admin/)).toHaveLength(1);
  });

  it('starts folded to its slug unless asked for, and unfolds to the example', () => {
    renderCard({ liveVersion: 1, canCreateKeys: false, defaultOpen: false });
    expect(screen.getByTestId('workflow-slug').textContent).toBe('inbound-b2b-qualification');
    expect(screen.queryByTestId('crm-curl')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show how to call it' }));
    expect(screen.getByTestId('crm-curl').textContent).toContain('inbound-b2b-qualification');
  });
});
