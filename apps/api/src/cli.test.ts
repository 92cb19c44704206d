import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, sql, storeCatalogSnapshot } from '@accord/db';
import { CATALOG_TEMPLATES, defaultWorkflow, type FieldCatalog } from '@accord/engine';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
import { verifyPassword } from './auth/password';
import { runCli } from './cli';

describe('accord CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-cli-'));
  const errors: string[] = [];
  beforeAll(async () => {
    vi.stubEnv('ACCORD_DATA_DIR', join(dir, 'data'));
    vi.stubEnv('DATABASE_URL', '');
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await runCli(['migrate'])).toBe(0);
    expect(await runCli(['seed'])).toBe(0);
    const { db, close } = await createDb({ dataDir: join(dir, 'data') });
    const ws = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const user = await db.selectFrom('users').select('id').executeTakeFirstOrThrow();
    const wf = await db
      .insertInto('workflows')
      .values({
        workspace_id: ws.id,
        slug: 'cli-flow',
        name: 'CLI flow',
        archived_at: null,
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('versions')
      .values({
        workflow_id: wf.id,
        number: 1,
        status: 'published',
        document: sql`${JSON.stringify(defaultWorkflow())}::jsonb` as never,
        compiled_hash: 'h',
        catalog_hash: await storeCatalogSnapshot(db, CATALOG_TEMPLATES.b2b.catalog),
        change_note: 'first',
        based_on_revision: null,
        author_id: user.id,
        published_at: new Date(),
        published_by: user.id,
      })
      .execute();
    await close();
  }, 180_000); // migrating and seeding a database on disk is slow on a busy machine
  afterAll(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates a CSV offline with the published version, reporting bad rows', async () => {
    const input = join(dir, 'leads.csv');
    const output = join(dir, 'out.csv');
    writeFileSync(
      input,
      '\ufeffid,first_name,last_name,job_title,email,is_student\nL1,Ann,Lee,VP Marketing,ann@acme.com,false\nL2,Bo,Ng,Student,bo@gmail.com,true\n',
    );
    expect(
      await runCli([
        'evaluate',
        '--workflow',
        'cli-flow',
        '--in',
        input,
        '--out',
        output,
        '--as-of',
        '2026-11-01T00:00:00Z',
      ]),
    ).toBe(0);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('lead_id,stage,scores,tags,reasons,error,version');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^L1,/);
    expect(lines[2]).toMatch(/^L2,disqualified,/);
  });

  it('#15: refuses rows whose values do not fit their catalog types, naming the line and path', async () => {
    const input = join(dir, 'typed.jsonl');
    const output = join(dir, 'typed.csv');
    const leads = [
      { id: 'ok', attributes: { company_size: '250', phone: '0301234', extra: 1 }, events: [] },
      { id: 'email', attributes: { email: 42 }, events: [] },
      { id: 'event', attributes: {}, events: [{ type: 'nope', at: 'yesterday' }] },
    ];
    writeFileSync(input, leads.map((l) => JSON.stringify(l)).join('\n'));
    const logs: string[] = [];
    vi.mocked(console.log).mockImplementation((m: string) => void logs.push(m));
    expect(
      await runCli(['evaluate', '--workflow', 'cli-flow', '--in', input, '--out', output]),
    ).toBe(0);
    const rows = parse(readFileSync(output, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.lead_id, r.error])).toEqual([
      ['ok', ''],
      ['email', 'line 2: attributes.email: expected an email address (text), got 42'],
      ['event', 'line 3: events[0].type: "nope" is not an event type of the catalog'],
    ]);
    expect(logs.join('\n')).toMatch(/1 leads .* 2 bad rows/);
    expect(logs.join('\n')).toMatch(/Warnings .*attributes\.extra/);
  });

  it('#18: refuses a version number past PostgreSQL integer as bad usage, before the database', async () => {
    for (const argv of [
      ['export', '--workflow', 'cli-flow', '--version', '2147483648'],
      [
        'evaluate',
        '--workflow',
        'cli-flow',
        '--in',
        'x.csv',
        '--out',
        'y.csv',
        '--version',
        '1e12',
      ],
    ]) {
      expect(await runCli(argv)).toBe(2);
      expect(errors.at(-1)).toMatch(/--version must be a whole number from 1 to 2,147,483,647/);
    }
  });

  it('exports the published version and names what is wrong otherwise', async () => {
    const out: string[] = [];
    const write = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => (out.push(String(chunk)), true));
    expect(await runCli(['export', '--workflow', 'cli-flow'])).toBe(0);
    write.mockRestore();
    expect(JSON.parse(out.join('')).nodes.length).toBe(defaultWorkflow().nodes.length);
    expect(await runCli(['export', '--workflow', 'cli-flow', '--version', '7'])).toBe(2);
    expect(errors.at(-1)).toMatch(/no version 7/);
    expect(await runCli(['export', '--workflow', 'nope'])).toBe(2);
    expect(errors.at(-1)).toMatch(/No workflow "nope"/);
    expect(
      await runCli([
        'evaluate',
        '--workflow',
        'cli-flow',
        '--in',
        'x.csv',
        '--out',
        'y.csv',
        '--as-of',
        'soon',
      ]),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/--as-of "soon" is not a date/);
  });

  it('adds users and creates and revokes API keys, audited as cli', async () => {
    const logs: string[] = [];
    vi.mocked(console.log).mockImplementation((m: string) => void logs.push(m));
    expect(
      await runCli([
        'users',
        'add',
        '--email',
        'New@Acme.test',
        '--name',
        'New',
        '--role',
        'sales',
        '--password',
        'long-password',
      ]),
    ).toBe(0);
    expect(
      await runCli([
        'users',
        'add',
        '--email',
        'new@acme.test',
        '--name',
        'New',
        '--role',
        'sales',
        '--password',
        'long-password',
      ]),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/already has an account/);
    expect(
      await runCli([
        'users',
        'add',
        '--email',
        'x@acme.test',
        '--name',
        'X',
        '--role',
        'boss',
        '--password',
        'long-password',
      ]),
    ).toBe(2);
    expect(errors.at(-1)).toMatch(/--role must be one of/);
    expect(await runCli(['api-keys', 'create', '--name', 'HubSpot'])).toBe(0);
    const key = logs.find((l) => l.startsWith('acc_'))!;
    expect(key).toMatch(/^acc_[\w-]{32}$/);
    expect(await runCli(['api-keys', 'revoke', key.slice(0, 10)])).toBe(0);
    expect(await runCli(['api-keys', 'revoke', key.slice(0, 10)])).toBe(2);
    const { db, close } = await createDb({ dataDir: join(dir, 'data') });
    const actions = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label'])
      .where('actor_label', '=', 'cli')
      .execute();
    await close();
    expect(actions.map((a) => a.action)).toEqual(['user.create', 'apiKey.create', 'apiKey.revoke']);
  });
  /** Runs the CLI, answering its exit code and what it printed (stdout and console.log). */
  async function run(argv: string[]) {
    const out: string[] = [];
    const write = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.mocked(console.log).mockImplementation((m: string) => void out.push(`${m}\n`));
    try {
      const code = await runCli(argv);
      return { code, out: out.join(''), error: errors.at(-1) ?? '' };
    } finally {
      write.mockRestore();
      vi.mocked(console.log).mockImplementation(() => undefined);
    }
  }

  it('#17: exports the live field catalog as JSON, to stdout or a file', async () => {
    const printed = await run(['fields', 'export']);
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.out)).toEqual(CATALOG_TEMPLATES.b2b.catalog);
    const file = join(dir, 'catalog.json');
    const written = await run(['fields', 'export', '--workspace', 'acme', '--out', file]);
    expect(written.code).toBe(0);
    expect(written.out).toMatch(/Wrote \d+ fields and \d+ event types \(revision 1\)/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(CATALOG_TEMPLATES.b2b.catalog);
    expect((await run(['fields', 'export', '--workspace', 'nope'])).code).toBe(2);
    expect(errors.at(-1)).toMatch(/No workspace "nope"/);
  });

  it('#17: imports a catalog file by the fields.replace rules, audited as cli; refuses retyping a field a version in force reads, naming it', async () => {
    const catalog = JSON.parse((await run(['fields', 'export'])).out) as FieldCatalog;
    const next: FieldCatalog = {
      ...catalog,
      fields: [
        ...catalog.fields.map((f) => (f.id === 'industry' ? { ...f, label: 'Sector' } : f)),
        { id: 'seats', label: 'Seats', type: 'number', category: 'profile' },
      ],
    };
    const file = join(dir, 'next.json');
    writeFileSync(file, JSON.stringify(next));
    const saved = await run(['fields', 'import', file, '--reason', 'Sector is our word']);
    expect(saved.code).toBe(0);
    expect(saved.out).toContain('Saved the field catalog as revision 2 (2 changes)');
    expect(saved.out).toContain('Industry is now called Sector');
    expect(JSON.parse((await run(['fields', 'export'])).out)).toEqual(next);
    expect((await run(['fields', 'import', file])).out).toMatch(/^No change/);

    // company_size is read by version 1 of the published workflows: not retyped, named.
    const retyped = {
      ...next,
      fields: next.fields.map((f) => (f.id === 'company_size' ? { ...f, type: 'string' } : f)),
    };
    writeFileSync(file, JSON.stringify(retyped));
    expect((await run(['fields', 'import', file])).code).toBe(2);
    expect(errors.at(-1)).toMatch(
      /Company size \(employees\) is used by version 1 of CLI flow \(published\); it cannot be retyped/,
    );
    const removed = { ...next, fields: next.fields.filter((f) => f.id !== 'job_title') };
    writeFileSync(file, JSON.stringify(removed));
    expect((await run(['fields', 'import', file])).code).toBe(2);
    expect(errors.at(-1)).toMatch(/used by version 1 .* cannot be removed/);

    for (const [content, message] of [
      ['{"fields": [', /is not valid JSON/],
      [
        '{"fields": [{"id": "x", "label": "X", "type": "colour", "category": "profile"}], "events": []}',
        /at fields\[0\]\.type: /,
      ],
      [
        '{"fields": [{"id": "Bad Id", "label": "X", "type": "number", "category": "profile"}], "events": []}',
        /'Bad Id' is not a field id/,
      ],
      [
        '{"fields": [{"id": "tier", "label": "Tier", "type": "enum", "category": "profile"}], "events": []}',
        /Tier is an enum field; give it at least one option/,
      ],
    ] as const) {
      writeFileSync(file, content);
      expect((await run(['fields', 'import', file])).code).toBe(2);
      expect(errors.at(-1)).toMatch(message);
    }
    expect((await run(['fields', 'import', join(dir, 'missing.json')])).code).toBe(2);
    expect(errors.at(-1)).toMatch(/Cannot read .*missing\.json/);

    const { db, close } = await createDb({ dataDir: join(dir, 'data') });
    const events = await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'after'])
      .where('action', '=', 'fields.replace')
      .execute();
    await close();
    expect(events).toHaveLength(1);
    expect(events[0]!.actor_label).toBe('cli');
    expect(JSON.stringify(events[0]!.after)).toContain('Sector is our word');
  });

  it('#17: learns fields from a CSV export: a field per column that matches none, typed on the whole file', async () => {
    const file = join(dir, 'export.csv');
    const rows = ['\ufeffLead ID,E-Mail,Lead Source,Total Visits,Opted Out,Notes,'];
    for (let i = 0; i < 60; i++)
      rows.push(
        [
          `L-${i}`,
          `p${i}@acme.com`,
          ['Google', 'google', 'Referral', 'Select'][i % 4],
          // The first rows are numbers; one bad cell late in the file does not change the type.
          i === 59 ? 'many' : String(i * 3),
          i % 2 ? 'Yes' : 'No',
          `"note ${i}, free text"`,
          '',
        ].join(','),
      );
    writeFileSync(file, rows.join('\r\n'));
    const printed = await run(['fields', 'learn', '--in', file]);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain(
      '60 rows, 7 columns; 2 match a field, 4 would become new fields.',
    );
    expect(printed.out).toContain('E-Mail -> field email');
    const proposed = JSON.parse((await run(['fields', 'learn', '--in', file, '--json'])).out) as {
      id: string;
      type: string;
      values?: { value: string; label: string }[];
      missing?: string[];
    }[];
    expect(proposed.map((f) => [f.id, f.type])).toEqual([
      ['lead_source_2', 'enum'],
      ['total_visits', 'number'],
      ['opted_out', 'boolean'],
      ['notes', 'string'],
    ]);
    expect(proposed[0]!.values).toEqual([
      { value: 'google', label: 'Google' },
      { value: 'referral', label: 'Referral' },
    ]);
    expect(proposed[0]!.missing).toEqual(['Select']);
    writeFileSync(join(dir, 'empty.csv'), 'a,b\n');
    expect((await run(['fields', 'learn', '--in', join(dir, 'empty.csv')])).code).toBe(2);
    expect(errors.at(-1)).toMatch(/has no data rows/);
  });

  // Last: with a second workspace, commands without --workspace are refused.
  it('#17: creates a workspace with a catalog template and an admin with a one-time password; then --workspace is required', async () => {
    const created = await run([
      'workspace',
      'create',
      '--slug',
      'globex',
      '--name',
      'Globex',
      '--admin-email',
      'Boss@Globex.test',
    ]);
    expect(created.code).toBe(0);
    expect(created.out).toContain('Created workspace globex (Globex)');
    const password = /One-time password .*: (\S+)/.exec(created.out)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const { db, close } = await createDb({ dataDir: join(dir, 'data') });
    const admin = await db
      .selectFrom('users')
      .innerJoin('workspaces', 'workspaces.id', 'users.workspace_id')
      .select(['users.email', 'users.role', 'users.password_hash', 'workspaces.slug'])
      .where('users.email', '=', 'boss@globex.test')
      .executeTakeFirstOrThrow();
    const audit = await db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_label', '=', 'cli')
      .where('action', 'in', ['workspace.create', 'fields.applyTemplate', 'user.create'])
      .orderBy('id')
      .execute();
    await close();
    expect(admin).toMatchObject({ role: 'admin', slug: 'globex' });
    expect(await verifyPassword(password, admin.password_hash)).toBe(true);
    expect(audit.map((a) => a.action).slice(-3)).toEqual([
      'workspace.create',
      'fields.applyTemplate',
      'user.create',
    ]);

    expect((await run(['fields', 'export'])).code).toBe(2);
    expect(errors.at(-1)).toMatch(/several workspaces; name one with --workspace/);
    expect(JSON.parse((await run(['fields', 'export', '--workspace', 'globex'])).out)).toEqual(
      CATALOG_TEMPLATES.empty.catalog,
    );
    const b2b = await run([
      'workspace',
      'create',
      '--slug',
      'initech',
      '--name',
      'Initech',
      '--admin-email',
      'a@initech.test',
      '--template',
      'b2b',
    ]);
    expect(b2b.code).toBe(0);
    expect(JSON.parse((await run(['fields', 'export', '--workspace', 'initech'])).out)).toEqual(
      CATALOG_TEMPLATES.b2b.catalog,
    );

    for (const [argv, message] of [
      [
        ['--slug', 'globex', '--name', 'G', '--admin-email', 'x@g.test'],
        /already a workspace "globex"/,
      ],
      [
        ['--slug', 'Bad Slug', '--name', 'G', '--admin-email', 'x@g.test'],
        /is not a workspace slug/,
      ],
      [['--slug', 'g2', '--name', 'G', '--admin-email', 'nobody'], /is not an email address/],
      [
        ['--slug', 'g2', '--name', 'G', '--admin-email', 'x@g.test', '--template', 'crm'],
        /--template must be one of b2b, empty/,
      ],
    ] as const) {
      expect((await run(['workspace', 'create', ...argv])).code).toBe(2);
      expect(errors.at(-1)).toMatch(message);
    }
  });
});
