import type { AppRouter } from '@accord/api';
import type { FieldCatalog, FieldDef } from '@accord/engine';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { TRPCProvider } from '../../lib/trpc';
import { FieldsPage } from '../../routes/fields';

const B2B: FieldCatalog = {
  fields: [{ id: 'job_title', label: 'Job title', type: 'string', category: 'profile' }],
  events: [{ id: 'page_view', label: 'Page view', category: 'behaviour', props: [] }],
};
const TEMPLATES = [
  { id: 'b2b', label: 'B2B inbound', description: 'The demo fields.', fields: 35, events: 15 },
  { id: 'empty', label: 'Empty', description: 'No fields.', fields: 0, events: 0 },
];

function refusal(code: string, message: string) {
  return TRPCClientError.from({ error: { code: -32_000, message, data: { code } } });
}

/**
 * A workspace's fields in memory behind a tRPC link: the catalog, its revision and the
 * mutations the page sends (recorded with their input), with the server's revision check.
 */
function fakeServer(role: string, catalog: FieldCatalog) {
  const state = { catalog, revision: catalog.fields.length ? 4 : 0 };
  const sent: { path: string; input: unknown }[] = [];
  const answer = (path: string, input: unknown) => {
    const body = input as { baseRevision: number; field: FieldDef; template: string };
    switch (path) {
      case 'auth.me':
        return { id: 'u1', name: 'Olu', email: 'o@x.io', role, workspace_id: 'w1' };
      case 'fields.catalog':
        return { ...state, updatedAt: null, templates: TEMPLATES };
      case 'fields.usage':
        return {};
    }
    sent.push({ path, input });
    if (body.baseRevision !== state.revision)
      throw refusal(
        'CONFLICT',
        `The field catalog changed (revision ${state.revision}) since you loaded revision ${body.baseRevision}; reload and try again.`,
      );
    if (path === 'fields.applyTemplate') state.catalog = B2B;
    if (path === 'fields.add')
      state.catalog = { ...state.catalog, fields: [...state.catalog.fields, body.field] };
    state.revision++;
    return { revision: state.revision, changes: [] };
  };
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        setTimeout(() => {
          try {
            observer.next({ result: { type: 'data', data: answer(op.path, op.input) } });
            observer.complete();
          } catch (error) {
            observer.error(error as TRPCClientError<AppRouter>);
          }
        }, 5);
      });
  return { state, sent, client: createTRPCClient<AppRouter>({ links: [link] }) };
}

function renderPage(role: string, catalog: FieldCatalog) {
  const server = fakeServer(role, catalog);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <MemoryRouter>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={server.client} queryClient={queryClient}>
          <FieldsPage />
        </TRPCProvider>
      </QueryClientProvider>
    </MemoryRouter>,
  );
  return server;
}

describe('FieldsPage (#17)', () => {
  afterEach(cleanup);

  it('an empty catalog offers the templates and the lead-set import; ops starts from B2B inbound', async () => {
    const user = userEvent.setup();
    const server = renderPage('ops', { fields: [], events: [] });
    const empty = await screen.findByRole('region', { name: 'No fields yet' });
    expect(within(empty).getByRole('link', { name: 'Lead sets' }).getAttribute('href')).toBe(
      '/lead-sets',
    );
    expect(
      within(empty)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['B2B inbound — The demo fields.', 'Empty — No fields.']);
    await user.click(await within(empty).findByRole('button', { name: 'Start from B2B inbound' }));
    await screen.findByRole('table', { name: 'Profile fields' });
    expect(server.sent).toEqual([
      { path: 'fields.applyTemplate', input: { baseRevision: 0, template: 'b2b' } },
    ]);
    expect(screen.queryByRole('region', { name: 'No fields yet' })).toBeNull();
  });

  it('"Start empty" writes nothing; marketing cannot start from a template but can add a field', async () => {
    const user = userEvent.setup();
    const server = renderPage('ops', { fields: [], events: [] });
    await user.click(await screen.findByRole('button', { name: 'Start empty' }));
    await screen.findByText(/^No fields yet\. Add one above/);
    expect(screen.queryByRole('region', { name: 'No fields yet' })).toBeNull();
    expect(server.sent).toEqual([]);
    cleanup();

    renderPage('marketing', { fields: [], events: [] });
    const empty = await screen.findByRole('region', { name: 'No fields yet' });
    expect(empty.textContent).toContain('An admin or ops can start from a template.');
    expect(within(empty).queryByRole('button')).toBeNull();
    // Marketing may add fields: the button is there without a template.
    expect(screen.getAllByRole('button', { name: 'Add a field' })).toHaveLength(1);
  });

  it('a stale revision says to reload, keeps what was typed, and the same form saves after a reload', async () => {
    const user = userEvent.setup();
    const server = renderPage('ops', B2B);
    await user.click(await screen.findByRole('button', { name: 'Add a field' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a field' });
    await user.type(within(dialog).getByLabelText('Label'), 'Time on site');
    expect((within(dialog).getByLabelText('Id') as HTMLInputElement).value).toBe('time_on_site');
    await user.selectOptions(within(dialog).getByLabelText('Type'), 'number');
    // A teammate saves the catalog meanwhile.
    server.state.revision = 5;
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(
      'The field catalog changed (revision 5) since you loaded revision 4; reload and try again. What you typed is kept.',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Reload the catalog' }));
    await waitFor(() => expect(within(dialog).queryByRole('alert')).toBeNull());
    expect((within(dialog).getByLabelText('Label') as HTMLInputElement).value).toBe('Time on site');
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(server.sent.map((s) => s.input)).toEqual([
      {
        baseRevision: 4,
        field: { id: 'time_on_site', label: 'Time on site', type: 'number', category: 'profile' },
      },
      {
        baseRevision: 5,
        field: { id: 'time_on_site', label: 'Time on site', type: 'number', category: 'profile' },
      },
    ]);
    const row = await screen.findByTestId('field-time_on_site');
    // The type in words (the full ones on hover), not its id.
    const type = within(row).getByText('Number');
    expect(type.getAttribute('title')).toBe('Number');
    expect(within(screen.getByTestId('field-job_title')).getByText('Text').title).toBe('Text');
  });

  it('checks the form before sending: an enum needs an option, an id may not be taken', async () => {
    const user = userEvent.setup();
    const server = renderPage('ops', B2B);
    await user.click(await screen.findByRole('button', { name: 'Add a field' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a field' });
    await user.type(within(dialog).getByLabelText('Label'), 'Job title');
    await user.click(within(dialog).getByRole('button', { name: 'Add field' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe(
      "There is already a field 'job_title'.",
    );
    await user.clear(within(dialog).getByLabelText('Id'));
    await user.type(within(dialog).getByLabelText('Id'), 'job_level');
    await user.selectOptions(within(dialog).getByLabelText('Type'), 'enum');
    expect(within(dialog).getByRole('alert').textContent).toBe(
      'Give the enum at least one option.',
    );
    expect(server.sent).toEqual([]);
  });
});
