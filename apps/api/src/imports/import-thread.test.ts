import { defaultCatalog, type ImportMapping } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { IssueLog } from './import-issues';
import {
  goodLeadDocuments,
  goodLeads,
  MappingError,
  openImport,
  type Chunks,
  type ImportTally,
} from './import-leads';
import { ImportRefused } from './import-refused';
import { openImportInThread } from './import-thread';

const mapping: ImportMapping = {
  columns: {
    id: { kind: 'id' },
    email: { kind: 'field', field: 'email' },
    size: { kind: 'field', field: 'company_size' },
    won: { kind: 'outcome', as: 'won' },
  },
  dateOrder: 'mdy',
};

/** A CSV export with the problems real ones have, in bytes cut at awkward places. */
function messyCsv(rows: number): string {
  const lines = ['\uFEFFid,email,size,won'];
  for (let i = 0; i < rows; i++) {
    if (i % 997 === 5)
      lines.push(`L-${i},broken,many,won`); // two bad cells
    else if (i % 1_201 === 9)
      lines.push(`,nobody@acme.com,12,lost`); // no id: refused
    else if (i % 1_503 === 3)
      lines.push(`L-${i},"unclosed@acme.com,1,won`); // a broken quote
    else lines.push(`L-${i},"p${i}@acmé.com","${i},000",${i % 3 ? 'lost' : 'won'}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The text as the upload route gets it: bytes in pieces of uneven sizes, a character split. */
function* pieces(text: string): Generator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let start = 0;
  for (let i = 0; start < bytes.length; i++) {
    const end = Math.min(bytes.length, start + 1 + ((i * 7_919) % 65_536));
    // A slice of a larger buffer, as a stream hands them out.
    yield bytes.subarray(start, end);
    start = end;
  }
}

const newTally = (): ImportTally => ({
  rows: 0,
  imported: 0,
  rejected: 0,
  errors: [],
  errorsTruncated: false,
});

type Input = Parameters<typeof openImport>[0];

async function inProcess(input: Input, source: Chunks) {
  const opened = await openImport(input, source, defaultCatalog);
  const tally = newTally();
  const issues = new IssueLog();
  const leads: unknown[] = [];
  for await (const batch of goodLeads(opened.rows, tally, issues)) leads.push(...batch);
  const hasOutcomes = leads.some((l) => (l as { outcome?: unknown }).outcome);
  return { columns: opened.columns, tally, issues: issues.summary(), leads, hasOutcomes };
}

async function inThread(input: Input, source: Chunks) {
  const opened = await openImportInThread(input, source, defaultCatalog);
  const tally = newTally();
  const issues = new IssueLog();
  const leads: unknown[] = [];
  let hasOutcomes = false;
  for await (const batch of goodLeadDocuments(opened.batches, tally, issues)) {
    expect(batch.ids).toEqual(batch.json.map((j) => (JSON.parse(j) as { id: string }).id));
    leads.push(...batch.json.map((j) => JSON.parse(j)));
    hasOutcomes ||= batch.hasOutcomes;
  }
  return { columns: opened.columns, tally, issues: issues.summary(), leads, hasOutcomes };
}

describe('an import read on its own thread', () => {
  it('gives what the import in this thread gives: leads, tally and problems, row for row', async () => {
    const text = messyCsv(5_000);
    for (const badCells of ['skip-cell', 'refuse-row'] as const) {
      const input: Input = { format: 'csv', delimiter: 'auto', mapping, badCells };
      const here = await inProcess(input, pieces(text));
      const there = await inThread(input, pieces(text));
      // Every kind of row is there: kept whole, kept without a cell, refused.
      expect(here.issues.count).toBeGreaterThan(0);
      if (badCells === 'refuse-row') expect(here.tally.rejected).toBeGreaterThan(0);
      else expect(here.issues.rowsKeptWithIssues).toBeGreaterThan(0);
      expect(here.tally.imported).toBeGreaterThan(4_000);
      expect(there).toEqual(here);
    }
  });

  it('reads JSON lead documents and flat records alike', async () => {
    const items = Array.from({ length: 2_500 }, (_, i) =>
      i % 2
        ? { id: `D-${i}`, attributes: { company_size: i % 10 ? i : 'lots' }, events: [] }
        : { id: `R-${i}`, email: i % 7 ? `r${i}@acme.com` : 'nope', size: i },
    );
    const input: Input = { format: 'json', mapping };
    const text = JSON.stringify(items);
    expect(await inThread(input, pieces(text))).toEqual(await inProcess(input, pieces(text)));
  });

  it('throws what the import throws: a mapping that does not fit, a file refused', async () => {
    const unknownColumn: Input = {
      format: 'csv',
      mapping: {
        ...mapping,
        columns: { ...mapping.columns, nowhere: { kind: 'field', field: 'industry' } },
      },
    };
    const mappingError = await openImportInThread(
      unknownColumn,
      pieces('id,email\nL-1,a@b.com\n'),
      defaultCatalog,
    ).catch((error: unknown) => error);
    expect(mappingError).toBeInstanceOf(MappingError);
    const expected = await openImport(
      unknownColumn,
      pieces('id,email\nL-1,a@b.com\n'),
      defaultCatalog,
    ).catch((error: unknown) => error);
    expect((mappingError as MappingError).issues).toEqual((expected as MappingError).issues);

    const binary = [Buffer.from('id,email\nL-1,a@b.com\n'), Buffer.from([0, 1, 2, 0xff, 0xfe])];
    const input: Input = {
      format: 'csv',
      mapping: {
        ...mapping,
        columns: { id: { kind: 'id' }, email: { kind: 'field', field: 'email' } },
      },
    };
    const refused = await inThread(input, binary).catch((error: unknown) => error);
    const refusedHere = await inProcess(input, binary).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ImportRefused);
    expect((refused as Error).message).toBe((refusedHere as Error).message);
  });

  it('throws the source’s own error when the file is cut off, and stops when left unread', async () => {
    const cut = new Error('The upload was cut off.');
    async function* cutOff() {
      yield* pieces(messyCsv(3_000).slice(0, 40_000));
      throw cut;
    }
    const failed = await inThread({ format: 'csv', mapping }, cutOff()).catch(
      (error: unknown) => error,
    );
    expect(failed).toBe(cut);

    // A reader that stops after one batch ends the thread; nothing hangs.
    const opened = await openImportInThread(
      { format: 'csv', mapping },
      pieces(messyCsv(20_000)),
      defaultCatalog,
    );
    const first = await opened.batches.next();
    expect(first.done).toBe(false);
    expect(first.value?.rows).toBe(2_000);
    expect(await opened.batches.return(undefined)).toEqual({ done: true, value: undefined });
  });
});
