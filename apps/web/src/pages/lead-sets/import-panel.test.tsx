import type { AppRouter } from '@accord/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { TRPCProvider } from '../../lib/trpc';
import { ImportPanel, notTextMessage } from './import-panel';

const PREVIEW = {
  format: 'csv',
  delimiter: ',',
  documents: false,
  columns: [{ name: 'email', index: 1, samples: ['ann@acme.com'], inferredType: 'email' }],
  suggestions: [],
  mapping: { columns: { email: { kind: 'field', field: 'email' } }, dateOrder: 'mdy' },
  mappingIssues: [],
  rows: [],
  sampledRows: 1,
  sampledErrors: 0,
};
const IMPORTED = {
  leadSet: { id: 's1', name: 'leads' },
  rows: 1,
  imported: 1,
  rejected: 0,
  errors: [],
  errorsTruncated: false,
};

/** A tRPC client answering previewImport and import from memory, counting the calls. */
function fakeServer() {
  const calls: string[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push(op.path);
        const data = op.path === 'leadSets.previewImport' ? PREVIEW : IMPORTED;
        // The import answers a moment later, as a server does.
        setTimeout(() => {
          observer.next({ result: { type: 'data', data } });
          observer.complete();
        }, 20);
      });
  return { calls, client: createTRPCClient<AppRouter>({ links: [link] }) };
}

function renderPanel() {
  const server = fakeServer();
  const queryClient = new QueryClient();
  let imported = 0;
  render(
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={server.client} queryClient={queryClient}>
        <ImportPanel onImported={async () => void imported++} />
      </TRPCProvider>
    </QueryClientProvider>,
  );
  return { ...server, imported: () => imported };
}

describe('ImportPanel', () => {
  afterEach(cleanup);

  it('#15: imports a file once: a double click sends one import and the button stays disabled', async () => {
    const user = userEvent.setup();
    const server = renderPanel();
    const file = new File(['email\nann@acme.com\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    const button = await screen.findByRole('button', { name: 'Import leads.csv' });
    await user.dblClick(button);
    await screen.findByTestId('import-result');
    expect(server.calls.filter((c) => c === 'leadSets.import')).toHaveLength(1);
    expect(server.imported()).toBe(1);
    const done = screen.getByRole('button', { name: 'Imported leads.csv' });
    expect((done as HTMLButtonElement).disabled).toBe(true);
    await user.click(done);
    expect(server.calls.filter((c) => c === 'leadSets.import')).toHaveLength(1);
  });

  it('#15: names the line and column where a binary file starts, sending nothing', async () => {
    const user = userEvent.setup();
    const server = renderPanel();
    const file = new File(['email\nann@\u0000acme.com\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    await waitFor(() =>
      expect(screen.getByText(/^Line 2, column 5: the file is not text/)).toBeTruthy(),
    );
    expect(server.calls).toEqual([]);
  });

  it('leaves out the cut last line of a preview', () => {
    expect(notTextMessage('email\nann@acme.com\nbo\uFFFD', true)).toBeNull();
    expect(notTextMessage('email\nann@acme.com\nbo\uFFFD')).toMatch(/^Line 3, column 3: /);
  });
});
