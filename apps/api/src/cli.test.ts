import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, sql, storeCatalogSnapshot } from '@accord/db';
import { CATALOG_TEMPLATES, defaultWorkflow } from '@accord/engine';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'csv-parse/sync';
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
  });
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
});
