import type { AppRouter } from '@accord/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TRPCProvider } from '../../lib/trpc';
import { ImportPanel, notTextMessage } from './import-panel';
import type * as UploadModule from './upload-file';
import { uploadLeadFile, UploadError, type UploadProgress } from './upload-file';
import { ColumnProfiler } from '@accord/engine';
import { profileInWorker } from './profile-in-worker';

vi.mock('./upload-file', async (actual) => ({
  ...(await actual<typeof UploadModule>()),
  uploadLeadFile: vi.fn(),
}));
const upload = vi.mocked(uploadLeadFile);
// The whole-file read runs in a Web Worker in the browser; here each test says what it finds.
vi.mock('./profile-in-worker', () => ({ profileInWorker: vi.fn() }));
const profile = vi.mocked(profileInWorker);

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
  sampledKeptWithIssues: 0,
  issues: {
    count: 0,
    cellsLeftOut: 0,
    rowsKeptWithIssues: 0,
    stored: 0,
    capped: false,
    byColumn: [],
  },
  warnings: [],
};
const IMPORTED = {
  leadSet: { id: 's1', name: 'leads' },
  rows: 1,
  imported: 1,
  rejected: 0,
  errors: [],
  errorsTruncated: false,
  keptWithIssues: 1,
  issues: {
    count: 1,
    cellsLeftOut: 1,
    rowsKeptWithIssues: 1,
    stored: 1,
    capped: false,
    byColumn: [
      {
        column: 'email',
        columnIndex: 1,
        count: 1,
        examples: [{ line: 2, value: 'ann@', message: '"ann@" is not an email address' }],
      },
    ],
    downloadPath: '/api/lead-sets/s1/issues.csv',
  },
};

const CATALOG = { catalog: { fields: [], events: [] }, revision: 0, templates: [] };

/** A tRPC client answering previewImport and the catalog from memory, counting the calls. */
function fakeServer() {
  const calls: string[] = [];
  const inputs: { path: string; input: unknown }[] = [];
  const link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        calls.push(op.path);
        inputs.push({ path: op.path, input: op.input });
        const data =
          op.path === 'leadSets.previewImport'
            ? PREVIEW
            : op.path === 'fields.addMany'
              ? { revision: 1, changes: [] }
              : CATALOG;
        setTimeout(() => {
          observer.next({ result: { type: 'data', data } });
          observer.complete();
        }, 20);
      });
  return { calls, inputs, client: createTRPCClient<AppRouter>({ links: [link] }) };
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
  beforeEach(() => {
    profile.mockReturnValue({ done: new Promise(() => {}), cancel: () => {} });
  });
  afterEach(() => {
    cleanup();
    upload.mockReset();
    profile.mockReset();
  });

  it('#17: one confirmation creates the fields learned from the whole file, then uploads with them mapped', async () => {
    const profiler = new ColumnProfiler(['email', 'Source']);
    for (let i = 0; i < 100; i++)
      profiler.push([
        `p${i}@x.test`,
        i % 10 === 0 ? 'Select' : ['Google', 'google', 'Bing'][i % 3]!,
      ]);
    profile.mockReturnValue({
      done: Promise.resolve({
        rows: profiler.rows,
        columns: ['email', 'Source'],
        profiles: profiler.profiles(),
      }),
      cancel: () => {},
    });
    upload.mockRejectedValueOnce(new UploadError('The upload was cancelled.', 'ABORTED'));
    const user = userEvent.setup();
    const server = renderPanel();
    const file = new File(['email,Source\np0@x.test,Google\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    const learn = await screen.findByRole('region', { name: 'New fields from this file' });
    expect(learn.textContent).toContain("0 blank, 10 'Select'");
    expect(screen.getByLabelText<HTMLSelectElement>('Type of Source').value).toBe('enum');
    expect(screen.getByLabelText<HTMLSelectElement>('Merge Google, google as').value).toBe(
      'Google',
    );
    // Nothing is created until a category is chosen.
    expect(screen.getByText('Choose a category for Source.')).toBeInstanceOf(HTMLElement);
    await user.selectOptions(screen.getByLabelText('Category for all new fields'), 'channel');
    await user.click(screen.getByRole('button', { name: 'Create 1 field and import leads.csv' }));
    await screen.findByText('The upload was cancelled.');
    const addMany = server.inputs.find((c) => c.path === 'fields.addMany');
    expect(addMany?.input).toMatchObject({
      baseRevision: 0,
      fields: [
        {
          id: 'source',
          label: 'Source',
          type: 'enum',
          category: 'channel',
          values: [
            { value: 'google', label: 'Google' },
            { value: 'bing', label: 'Bing' },
          ],
          missing: ['Select'],
        },
      ],
    });
    expect(upload.mock.calls[0]![0].mapping.columns).toMatchObject({
      Source: { kind: 'field', field: 'source' },
    });
    // Tried again, the created field is mapped, not offered a second time.
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: 'New fields from this file' })).toBeNull(),
    );
    expect(screen.getByRole('button', { name: 'Import leads.csv' })).toBeInstanceOf(HTMLElement);
  });

  it('#15: imports a file once: a double click sends one upload and the button stays disabled', async () => {
    // The upload answers a moment later, as a server does.
    upload.mockImplementation(
      () => new Promise((resolve) => setTimeout(() => resolve(IMPORTED as never), 20)),
    );
    const user = userEvent.setup();
    const server = renderPanel();
    const file = new File(['email\nann@acme.com\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    const button = await screen.findByRole('button', { name: 'Import leads.csv' });
    await user.dblClick(button);
    await screen.findByTestId('import-result');
    expect(upload).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls[0]![0]).toMatchObject({ file, name: 'leads', format: 'csv' });
    expect(server.calls).not.toContain('leadSets.import');
    expect(server.imported()).toBe(1);
    // The answer's problems by column, and all of them as CSV.
    expect(screen.getByTestId('import-result').textContent).toContain(
      'line 2: "ann@" is not an email address',
    );
    const download = screen.getByRole('link', { name: 'Download all 1 problems (CSV)' });
    expect(download.getAttribute('href')).toBe('/api/lead-sets/s1/issues.csv');
    expect(upload.mock.calls[0]![0].options).toEqual({ badCells: 'skip-cell' });
    const done = screen.getByRole('button', { name: 'Imported leads.csv' });
    expect((done as HTMLButtonElement).disabled).toBe(true);
    await user.click(done);
    expect(upload).toHaveBeenCalledTimes(1);
  });

  it('#16: shows the bytes sent as the file streams, cancels, and says why an upload failed', async () => {
    let report: ((p: UploadProgress) => void) | undefined;
    upload.mockImplementation(
      (_request, events) =>
        new Promise((_resolve, reject) => {
          report = events?.onProgress;
          events?.signal?.addEventListener('abort', () =>
            reject(new UploadError('The upload was cancelled.', 'ABORTED')),
          );
        }),
    );
    const user = userEvent.setup();
    renderPanel();
    const file = new File(['email\nann@acme.com\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    await user.click(await screen.findByRole('button', { name: 'Import leads.csv' }));
    act(() => report!({ sent: 1_500_000, total: 4_000_000 }));
    const bar = screen.getByRole('progressbar', { name: 'Upload' }) as HTMLProgressElement;
    expect(bar.value).toBe(37);
    expect(screen.getByTestId('upload-progress').textContent).toContain('1.5 MB of 4.0 MB (37%)');
    await user.click(screen.getByRole('button', { name: 'Cancel upload' }));
    await screen.findByText('The upload was cancelled.');
    expect(screen.queryByRole('progressbar')).toBeNull();
    // A cancelled upload may be started again.
    upload.mockRejectedValueOnce(
      new UploadError('mapping.columns.email: no field "mail"', 'BAD_REQUEST'),
    );
    await user.click(screen.getByRole('button', { name: 'Import leads.csv' }));
    await screen.findByText('mapping.columns.email: no field "mail"');
    expect(upload).toHaveBeenCalledTimes(2);
  });

  it('#15: names the line and column where a binary file starts, sending nothing', async () => {
    const user = userEvent.setup();
    const server = renderPanel();
    const file = new File(['email\nann@\u0000acme.com\n'], 'leads.csv', { type: 'text/csv' });
    await user.upload(screen.getByLabelText('Lead file'), file);
    await waitFor(() =>
      expect(screen.queryAllByText(/^Line 2, column 5: the file is not text/)).toHaveLength(1),
    );
    expect(server.calls).not.toContain('leadSets.previewImport');
    expect(upload).not.toHaveBeenCalled();
  });

  it('leaves out the cut last line of a preview', () => {
    expect(notTextMessage('email\nann@acme.com\nbo\uFFFD', true)).toBeNull();
    expect(notTextMessage('email\nann@acme.com\nbo\uFFFD')).toMatch(/^Line 3, column 3: /);
  });
});
