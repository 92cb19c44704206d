/**
 * #21: `accord simulate` and `accord score` on lead files in embedded DuckDB give what the
 * JavaScript simulation and evaluator give for the same leads.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCatalogSnapshot, findWorkspaceCatalog, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  compile,
  generateLeads,
  parseWorkflow,
  simulate,
  simulationSide,
  type FieldCatalog,
  type ImportMapping,
  type Lead,
  type Workflow,
} from '@accord/engine';
import { runCli } from '@accord/api/cli';
import { openImport } from '@accord/api/imports/import-leads';
import { runManagerFor } from '@accord/api/simulation/run-manager';
import { lowerMqlThreshold } from '@accord/api/simulation/sample-candidate';
import { demoCallers } from '@accord/api/testing';
import { catalogReads, loadLeadFiles, openDuckDb } from '@accord/api/warehouse/duckdb-simulation';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const AS_OF = '2026-01-01T00:00:00.000Z';
const csvCell = (value: unknown) => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

describe('accord simulate / score in DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-warehouse-'));
  let database: AccordDatabase;
  let slug: string;
  let versions: { baseline: number; candidate: number };
  let documents: { baseline: Workflow; candidate: Workflow };
  let catalog: FieldCatalog;
  let leads: Lead[];
  let workspaceId: string;
  const out: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    database = await testBackends()[0]!.open();
    const as = await demoCallers(database);
    const workflow = (await as.ops.workflows.list({}))[0]!;
    workspaceId = (await as.admin.auth.me())!.workspace_id;
    slug = workflow.slug;
    const draft = await as.marketing.draft.get({ workflowId: workflow.id });
    await as.marketing.draft.save({
      workflowId: workflow.id,
      baseRevision: draft.revision,
      document: lowerMqlThreshold(draft.document),
    });
    const candidate = await as.marketing.versions.propose({
      workflowId: workflow.id,
      changeNote: 'warehouse',
    });
    const all = await as.ops.versions.list({ workflowId: workflow.id });
    const published = all.find((v) => v.status === 'published')!;
    versions = { baseline: published.number, candidate: candidate.number };
    const parsed = (v: unknown) => {
      const p = parseWorkflow(v);
      if (!p.ok) throw new Error('bad document');
      return p.workflow;
    };
    const full = async (id: string) => as.ops.versions.get({ versionId: id });
    const baselineVersion = await full(published.id);
    documents = {
      baseline: parsed(baselineVersion.document),
      candidate: parsed((await full(candidate.id)).document),
    };
    catalog = (await findCatalogSnapshot(database.db, baselineVersion.catalog_hash))!;

    // 1,500 generated leads as a CRM export: every cell text, events in a file of their own.
    const generated = generateLeads({ count: 1_500, seed: 4, asOf: AS_OF });
    // A fifth of the leads' event properties as an export may write them: numbers as padded
    // text, text upper-cased and padded (read as the engine reads raw values, by typed columns).
    generated.forEach((lead, i) => {
      if (i % 5 !== 1) return;
      for (const e of lead.events)
        if (e.props)
          e.props = Object.fromEntries(
            Object.entries(e.props).map(([k, v]) => [
              k,
              typeof v === 'number'
                ? ` ${v} `
                : typeof v === 'string'
                  ? ` ${v.toUpperCase()}\t`
                  : v,
            ]),
          );
    });
    const fields = [...new Set(generated.flatMap((l) => Object.keys(l.attributes)))].sort();
    const lines = [['id', ...fields, 'converted'].join(',')];
    const events = ['lead_id,type,at,props'];
    leads = generated.map((lead, i) => {
      // A third of the leads without a known outcome.
      const converted = i % 3 === 0 ? '' : String(lead.outcome.converted);
      lines.push(
        [lead.id, ...fields.map((f) => lead.attributes[f]), converted].map(csvCell).join(','),
      );
      for (const e of lead.events)
        events.push([lead.id, e.type, e.at, JSON.stringify(e.props ?? {})].map(csvCell).join(','));
      const attributes: Lead['attributes'] = {};
      for (const f of fields)
        if (lead.attributes[f] !== undefined) attributes[f] = String(lead.attributes[f]);
      return {
        id: lead.id,
        attributes,
        events: lead.events,
        ...(converted ? { outcome: { converted: converted === 'true' } } : {}),
      };
    });
    writeFileSync(join(dir, 'leads.csv'), `${lines.join('\r\n')}\r\n`);
    writeFileSync(join(dir, 'events.csv'), `${events.join('\n')}\n`);
    // The same leads as typed parquet files, written by DuckDB.
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    for (const name of ['leads', 'events'])
      await connection.run(
        `COPY (SELECT * FROM read_csv_auto('${join(dir, `${name}.csv`)}')) TO '${join(dir, `${name}.parquet`)}' (FORMAT parquet)`,
      );
    connection.closeSync();
    duck.closeSync();

    vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  }, 120_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected = () =>
    JSON.parse(
      JSON.stringify(
        simulate(
          simulationSide(documents.baseline, { asOf: Date.parse(AS_OF), catalog }),
          simulationSide(documents.candidate, { asOf: Date.parse(AS_OF), catalog }),
          leads,
        ),
      ),
    ) as unknown;

  async function cli(args: string[]) {
    out.length = 0;
    errors.length = 0;
    const code = await runCli(args, { db: database.db });
    return { code, out: out.join('\n'), errors: errors.join('\n') };
  }

  for (const kind of ['csv', 'parquet'] as const)
    it(`simulate --json on a ${kind} file equals the JavaScript simulation, aggregate by aggregate`, async () => {
      const run = await cli([
        'simulate',
        '--in',
        join(dir, `leads.${kind}`),
        '--events',
        join(dir, `events.${kind}`),
        '--workflow',
        slug,
        '--baseline',
        String(versions.baseline),
        '--candidate',
        String(versions.candidate),
        '--as-of',
        AS_OF,
        // Accepted, and leaves the answer as it is (DuckDB spills what does not fit).
        '--memory-limit',
        '256MB',
        '--json',
      ]);
      expect(run.errors).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.out) as ReturnType<typeof simulate>;
      const js = expected() as typeof result;
      expect(result.leads).toBe(1_500);
      expect(result.changed.total).toBeGreaterThan(0);
      expect(result.outcomes?.baseline.leadsWithOutcome).toBe(1_000);
      expect(result.funnel).toEqual(js.funnel);
      expect(result.matrix).toEqual(js.matrix);
      expect(result.histograms).toEqual(js.histograms);
      expect(result.coverage).toEqual(js.coverage);
      expect(result.changed).toEqual(js.changed);
      expect(result.outcomes).toEqual(js.outcomes);
      expect(result).toEqual(js);
    });

  it('simulate --json on lead documents (.ndjson, as the API takes them) equals the JavaScript simulation', async () => {
    // Typed values as JSON carries them (numbers, yes/no, lists), events with their props.
    const typedLeads = generateLeads({ count: 1_200, seed: 8, asOf: AS_OF }).map((lead, i) => ({
      ...lead,
      id: i % 97 === 0 ? '' : lead.id,
      ...(i % 4 === 0 ? { outcome: undefined } : {}),
    }));
    const source = join(dir, 'leads.ndjson');
    writeFileSync(source, typedLeads.map((lead) => JSON.stringify(lead)).join('\n'));
    const run = await cli([
      ...['simulate', '--in', source, '--workflow', slug, '--as-of', AS_OF, '--json'],
      ...['--baseline', String(versions.baseline), '--candidate', String(versions.candidate)],
    ]);
    expect(run.errors).toBe('');
    expect(run.code).toBe(0);
    const js = simulate(
      simulationSide(documents.baseline, { asOf: Date.parse(AS_OF), catalog }),
      simulationSide(documents.candidate, { asOf: Date.parse(AS_OF), catalog }),
      typedLeads.map((lead, i) => (lead.id ? lead : { ...lead, id: `row-${i + 1}` })),
    );
    const result = JSON.parse(run.out) as typeof js;
    expect(result.changed.total).toBeGreaterThan(0);
    expect(result.outcomes?.baseline.leadsWithOutcome).toBe(900);
    expect(result).toEqual(JSON.parse(JSON.stringify(js)));

    const withEvents = await cli([
      ...['simulate', '--in', source, '--events', join(dir, 'events.csv'), '--workflow', slug],
      ...['--baseline', String(versions.baseline), '--candidate', String(versions.candidate)],
    ]);
    expect(withEvents.code).toBe(2);
    expect(withEvents.errors).toContain('lead documents carry their own id');
    writeFileSync(join(dir, 'broken.ndjson'), '{"id": "a1"}\n{"id": \n');
    const broken = await cli([
      ...['simulate', '--in', join(dir, 'broken.ndjson'), '--workflow', slug],
      ...['--baseline', String(versions.baseline), '--candidate', String(versions.candidate)],
    ]);
    expect(broken.code).toBe(2);
    expect(broken.errors).toContain('broken.ndjson');
  });

  describe('--mapping: a CRM export read as the app’s import reads it', () => {
    /**
     * The generated leads as a CRM writes them: headers are the fields' labels, enum values their
     * labels, yes/no as Yes/No, numbers with thousands separators, dates day first, events as a
     * JSON column, the outcome as Won/Lost; some enums "Select" (no answer) and a bad number.
     */
    function crmExport() {
      const fields = catalog.fields;
      const label = (field: (typeof fields)[number], value: unknown) => {
        if (value === undefined || value === null) return '';
        if (field.type === 'enum')
          return field.values?.find((o) => o.value === value)?.label ?? String(value);
        if (field.type === 'boolean') return value === true || value === 'true' ? 'Yes' : 'No';
        if (field.type === 'number' && typeof value === 'number')
          return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
        if (field.type === 'date' && typeof value === 'string' && /^\d{4}-\d\d-\d\d/.test(value))
          return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
        if (Array.isArray(value)) return value.join('; ');
        return String(value);
      };
      const header = ['Lead ID', ...fields.map((f) => f.label), 'Activity', 'Result'];
      const lines = [header.map(csvCell).join(',')];
      generateLeads({ count: 900, seed: 12, asOf: AS_OF }).forEach((lead, i) => {
        const cells = fields.map((f) => {
          if (f.type === 'enum' && i % 9 === 0) return 'Select';
          if (f.id === 'company_size' && i % 50 === 0) return 'many';
          return label(f, lead.attributes[f.id]);
        });
        const result = i % 5 === 0 ? '' : lead.outcome.converted ? 'Won' : 'Lost';
        lines.push([lead.id, ...cells, JSON.stringify(lead.events), result].map(csvCell).join(','));
      });
      const path = join(dir, 'crm.csv');
      writeFileSync(path, `${lines.join('\r\n')}\r\n`);
      const mapping: ImportMapping = {
        columns: {
          'Lead ID': { kind: 'id' },
          ...Object.fromEntries(fields.map((f) => [f.label, { kind: 'field', field: f.id }])),
          Activity: { kind: 'events' },
          Result: { kind: 'outcome', as: 'won' },
        },
        dateOrder: 'dmy',
      };
      return { path, mapping };
    }

    /** What the app's import makes of the export, simulated by the JavaScript simulation. */
    async function imported(path: string, mapping: ImportMapping) {
      const live = (await findWorkspaceCatalog(database.db, workspaceId)).catalog;
      const opened = await openImport({ format: 'csv', mapping }, createReadStream(path), live);
      const leads: Lead[] = [];
      for await (const row of opened.rows) if (row.ok) leads.push(row.lead);
      return simulate(
        simulationSide(documents.baseline, { asOf: Date.parse(AS_OF), catalog }),
        simulationSide(documents.candidate, { asOf: Date.parse(AS_OF), catalog }),
        leads,
      );
    }

    const simulateWith = (path: string, ...flags: string[]) =>
      cli([
        ...['simulate', '--in', path, '--workflow', slug, '--as-of', AS_OF, '--json', ...flags],
        ...['--baseline', String(versions.baseline), '--candidate', String(versions.candidate)],
      ]);

    it('with a mapping file, gives what importing the export and simulating it gives', async () => {
      const { path, mapping } = crmExport();
      const mappingFile = join(dir, 'crm-mapping.json');
      writeFileSync(mappingFile, JSON.stringify(mapping));
      const run = await simulateWith(path, '--mapping', mappingFile);
      expect(run.code).toBe(0);
      expect(run.errors).toMatch(
        /Read .*crm\.csv as the import would: 900 rows, 900 leads, 18 cells left out\./,
      );
      const sizeLabel = catalog.fields.find((f) => f.id === 'company_size')!.label;
      expect(run.errors).toContain(`line 2, ${sizeLabel}: "many" is not a number`);
      const result = JSON.parse(run.out) as ReturnType<typeof simulate>;
      const js = await imported(path, mapping);
      expect(result.outcomes?.baseline.leadsWithOutcome).toBe(720);
      expect(result.changed.total).toBeGreaterThan(0);
      expect(result).toEqual(JSON.parse(JSON.stringify(js)));
      // Read as raw cells instead, the labels and separators give other stages.
      const raw = await simulateWith(path, '--id-column', 'Lead ID');
      expect(raw.code).toBe(0);
      expect((JSON.parse(raw.out) as typeof result).funnel).not.toEqual(result.funnel);
    });

    it('with --mapping auto, uses and prints the mapping the import page suggests', async () => {
      const { path } = crmExport();
      const run = await simulateWith(path, '--mapping', 'auto');
      expect(run.code).toBe(0);
      expect(run.errors).toContain('Mapping (the one the import page suggests');
      const suggested = JSON.parse(run.errors.trim().split('\n').at(-1)!) as ImportMapping;
      expect(suggested.columns['Lead ID']).toEqual({ kind: 'id' });
      const sizeLabel = catalog.fields.find((f) => f.id === 'company_size')!.label;
      expect(suggested.columns[sizeLabel]).toEqual({ kind: 'field', field: 'company_size' });
      const js = await imported(path, suggested);
      expect(JSON.parse(run.out)).toEqual(JSON.parse(JSON.stringify(js)));
    });

    it('names what is wrong with a mapping', async () => {
      const { path } = crmExport();
      const write = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      let run = await simulateWith(path, '--mapping', join(dir, 'nope.json'));
      expect(run.code).toBe(2);
      expect(run.errors).toContain('nope.json: no such file');
      run = await simulateWith(path, '--mapping', write('bad.json', '{"columns": 3}'));
      expect(run.code).toBe(2);
      expect(run.errors).toMatch(/bad\.json: columns: /);
      const unknownField = {
        columns: { 'Lead ID': { kind: 'id' }, Seniority: { kind: 'field', field: 'rank' } },
      };
      run = await simulateWith(
        path,
        '--mapping',
        write('unknown.json', JSON.stringify(unknownField)),
      );
      expect(run.code).toBe(2);
      expect(run.errors).toContain('--mapping does not fit');
      expect(run.errors).toContain('rank');
      const binary = write('binary.csv', 'id,name\nab\u0000cd,x\n');
      run = await simulateWith(binary, '--mapping', 'auto');
      expect(run.code).toBe(2);
      expect(run.errors).toContain('binary.csv: Line 2, column 3: the file is not text');
      run = await simulateWith(join(dir, 'leads.parquet'), '--mapping', 'auto');
      expect(run.code).toBe(2);
      expect(run.errors).toContain('--mapping reads a .csv export');
      run = await simulateWith(path, '--mapping', 'auto', '--events', join(dir, 'events.csv'));
      expect(run.code).toBe(2);
      expect(run.errors).toContain('leave out --events');
    });
  });

  it('simulate reads fields and the id from columns named as the export names them (--column, --id-column)', async () => {
    const [header, ...rest] = readFileSync(join(dir, 'leads.csv'), 'utf8').split('\r\n');
    const renamed = {
      id: 'Record ID',
      job_title: 'Job Title',
      company_size: 'Company Size',
      converted: 'Closed Won',
    };
    const columns = header!
      .split(',')
      .map((c) => (c in renamed ? renamed[c as keyof typeof renamed] : c));
    const source = join(dir, 'crm-export.csv');
    writeFileSync(source, [columns.join(','), ...rest].join('\r\n'));
    const args = (...mapping: string[]) => [
      ...['simulate', '--in', source, '--events', join(dir, 'events.csv'), '--workflow', slug],
      ...['--baseline', String(versions.baseline), '--candidate', String(versions.candidate)],
      ...['--as-of', AS_OF, '--json', ...mapping],
    ];
    const mapped = await cli(
      args(
        ...['--id-column', renamed.id],
        ...['--column', `job_title=${renamed.job_title}`],
        ...['--column', `company_size=${renamed.company_size}`],
        ...['--outcome-column', renamed.converted],
      ),
    );
    expect(mapped.errors).toBe('');
    expect(mapped.code).toBe(0);
    expect(JSON.parse(mapped.out)).toEqual(expected());
    expect((JSON.parse(mapped.out) as ReturnType<typeof simulate>).outcomes).not.toBeNull();

    const noId = await cli(args('--column', `job_title=${renamed.job_title}`));
    expect(noId.code).toBe(2);
    expect(noId.errors).toContain('has no "id" column (one per lead; --id-column names another)');
    const noColumn = await cli(args('--id-column', renamed.id, '--column', 'job_title=Title'));
    expect(noColumn.code).toBe(2);
    expect(noColumn.errors).toContain('has no column "Title" (--column job_title=Title)');
    const noOutcome = await cli(args('--id-column', renamed.id, '--outcome-column', 'Won'));
    expect(noOutcome.code).toBe(2);
    expect(noOutcome.errors).toContain('has no column "Won" (--outcome-column Won)');
    const noField = await cli(args('--id-column', renamed.id, '--column', 'jobtitle=Job Title'));
    expect(noField.code).toBe(2);
    expect(noField.errors).toContain('the version\'s catalog has no field "jobtitle"');
  });

  it('the load types only the fields and event properties the versions read', async () => {
    const reads = catalogReads([documents.baseline, documents.candidate]);
    expect(reads.fields.has('job_title')).toBe(true);
    const unread = catalog.fields.filter((f) => !reads.fields.has(f.id));
    expect(unread.length).toBeGreaterThan(0);
    const duck = await openDuckDb();
    try {
      const input = {
        leads: join(dir, 'leads.csv'),
        events: join(dir, 'events.csv'),
        catalogs: [catalog],
      };
      const all = await loadLeadFiles(duck.connection, input);
      const read = await loadLeadFiles(duck.connection, { ...input, reads });
      expect(all.columns.size).toBe(catalog.fields.length);
      expect(read.columns.size).toBe(catalog.fields.length - unread.length);
      for (const field of unread)
        expect(read.columns.has(`${field.id}\u0000${field.type}`)).toBe(false);
      expect(read.eventProps!.size).toBeLessThan(all.eventProps!.size);
      expect(read.leads).toBe(all.leads);
    } finally {
      duck.close();
    }
  });

  it('simulate prints a summary table by default', async () => {
    const run = await cli([
      'simulate',
      '--in',
      join(dir, 'leads.csv'),
      '--events',
      join(dir, 'events.csv'),
      '--workflow',
      slug,
      '--baseline',
      String(versions.baseline),
      '--candidate',
      String(versions.candidate),
      '--as-of',
      AS_OF,
    ]);
    expect(run.code).toBe(0);
    const js = expected() as ReturnType<typeof simulate>;
    expect(run.out).toMatch(/^stage\s+version \d+\s+version \d+\s+change/);
    expect(run.out).toContain(`1500 leads; ${js.changed.total} changed stage`);
    expect(run.out).toMatch(/MQL or better: precision/);
  });

  it('score writes every lead’s stage and scores in file order, as the JavaScript evaluator', async () => {
    const target = join(dir, 'scored.csv');
    const run = await cli([
      'score',
      '--in',
      join(dir, 'leads.parquet'),
      '--events',
      join(dir, 'events.parquet'),
      '--out',
      target,
      '--workflow',
      slug,
      '--version',
      String(versions.candidate),
      '--as-of',
      AS_OF,
    ]);
    expect(run.errors).toBe('');
    expect(run.out).toContain('Scored 1500 leads');
    const rows = parse(readFileSync(target, 'utf8'), { columns: true }) as Record<string, string>[];
    const compiled = compile(documents.candidate, catalog);
    if (!compiled.ok) throw new Error('does not compile');
    expect(rows).toHaveLength(leads.length);
    rows.forEach((row, i) => {
      const r = compiled.evaluate(leads[i]!, { asOf: AS_OF });
      expect(row.lead_id).toBe(leads[i]!.id);
      expect(row.stage).toBe(r.stage);
      for (const [scoreId, value] of Object.entries(r.scores))
        expect(Number(row[`score_${scoreId}`])).toBe(value);
    });
  });

  it('score names a lead without an id by its row, and keeps the file order', async () => {
    const source = join(dir, 'blank-ids.csv');
    writeFileSync(source, 'id,first_name\nz9,Ann\n,Bob\na1,Cy\n  ,Di\n');
    const target = join(dir, 'blank-ids-scored.csv');
    const run = await cli([
      'score',
      '--in',
      source,
      '--out',
      target,
      '--workflow',
      slug,
      '--version',
      String(versions.baseline),
      '--as-of',
      AS_OF,
    ]);
    expect(run.errors).toBe('');
    const rows = parse(readFileSync(target, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.lead_id)).toEqual(['z9', 'row-2', 'a1', '  ']);
  });

  it('names what is wrong with the input', async () => {
    writeFileSync(join(dir, 'no-id.csv'), 'name\nAnn\n');
    const base = ['--workflow', slug, '--baseline', '1', '--candidate', '1'];
    let run = await cli(['simulate', '--in', join(dir, 'no-id.csv'), ...base]);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('has no "id" column');
    run = await cli(['simulate', '--in', join(dir, 'leads.xlsx'), ...base]);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('give a .csv or .parquet file');
    run = await cli(['simulate', '--in', join(dir, 'missing.csv'), ...base]);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('missing.csv');
    run = await cli(['simulate', '--in', join(dir, 'leads.csv'), ...base, '--as-of', 'soon']);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('--as-of "soon" is not a date');
    run = await cli([
      'simulate',
      '--in',
      join(dir, 'leads.csv'),
      ...base,
      '--memory-limit',
      'lots',
    ]);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('--memory-limit "lots" is not a size such as 512MB or 4GB');
    run = await cli(['simulate', '--in', join(dir, 'leads.csv'), ...base, '--memory-limit', '1MB']);
    expect(run.code).toBe(2);
    expect(run.errors).toMatch(/Out of Memory Error.*raise --memory-limit/);
    run = await cli([
      'simulate',
      '--in',
      join(dir, 'leads.csv'),
      '--workflow',
      slug,
      '--baseline',
      '1',
      '--candidate',
      '99',
    ]);
    expect(run.code).toBe(2);
    expect(run.errors).toContain('has no version 99');
  });
});
