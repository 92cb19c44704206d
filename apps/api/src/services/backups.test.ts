import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { verifyAuditChain, writeBackup, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../server';
import { parseEnv } from '../env';
import { servedDemo } from '../testing';
import { backupToFile, restoreFromFile } from './backups';

const lead = (id: string) => ({
  id,
  attributes: { email: `${id}@globex.com`, job_title: 'VP Marketing', employees: 400 },
  events: [{ type: 'pricing_page_view', at: '2026-12-01T10:00:00Z' }],
});

/** A backup's lines, and the same lines written back with a footer that matches them again. */
const linesOf = (path: string) => gunzipSync(readFileSync(path)).toString('utf8').split('\n');
function rewrite(path: string, lines: string[]) {
  const body = lines.slice(0, -2); // the footer and the empty string after the last newline
  const hash = createHash('sha256');
  for (const line of body) hash.update(`${line}\n`);
  const rows = body.filter((l) => l.startsWith('[')).length;
  const footer = JSON.stringify({ end: true, rows, sha256: hash.digest('hex') });
  writeFileSync(path, gzipSync([...body, footer, ''].join('\n')));
}

/** Every line of a backup but the header's creation time: equal when every row is equal. */
async function snapshot(database: AccordDatabase): Promise<string[]> {
  const lines: string[] = [];
  await writeBackup(database.db, (line) => void lines.push(line), new Date(0));
  return lines;
}

describe.each(testBackends())('#22: backup and restore on $kind', ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-backup-'));
  const file = join(dir, 'accord.ndjson.gz');
  let source: AccordDatabase;
  let key: string;
  let slug: string;
  const opened: AccordDatabase[] = [];
  const fresh = async () => {
    const database = await open();
    opened.push(database);
    return database;
  };

  beforeAll(async () => {
    source = await fresh();
    const served = await servedDemo(source);
    ({ key, slug } = served);
    // Audited changes, decision-log rows (jsonb, timestamps, identities) and a lead set.
    await served.as.admin.workflows.setDecisionLog({
      workflowId: served.workflowId,
      enabled: true,
    });
    const answer = await served.app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}` },
      payload: { leads: [lead('L-1'), lead('L-2'), lead('L-3')] },
    });
    expect(answer.statusCode).toBe(200);
    await served.app.close();
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round trips every row of every table, the audit chain and a working app', async () => {
    const summary = await backupToFile(source.db, file);
    expect(summary.rows).toBeGreaterThan(10);
    expect(summary.auditEvents).toBeGreaterThan(5);
    const header = JSON.parse(linesOf(file)[0]!);
    expect(header).toMatchObject({ format: 'accord-backup', version: 1 });
    expect(header.tables.find((t: { name: string }) => t.name === 'decisions').rows).toBe(3);
    // Parents before children.
    const order = header.tables.map((t: { name: string }) => t.name);
    expect(order.indexOf('workspaces')).toBeLessThan(order.indexOf('users'));
    expect(order.indexOf('versions')).toBeLessThan(order.indexOf('decisions'));

    const target = await fresh();
    const restored = await restoreFromFile(target.db, file);
    expect(restored.rows).toBe(summary.rows);
    expect(restored.auditHead).toBe(summary.auditHead);
    expect(await snapshot(target)).toEqual(await snapshot(source));
    expect(await verifyAuditChain(target.db)).toEqual({ ok: true, events: summary.auditEvents });

    // The restored database serves: the API key and the published version came back, and new
    // identities continue after the restored ones.
    const app = await buildServer({ database: target, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    try {
      const answer = await app.inject({
        method: 'POST',
        url: `/v1/workflows/${slug}/evaluate`,
        headers: { authorization: `Bearer ${key}` },
        payload: { lead: lead('L-4') },
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json().results[0]).toMatchObject({ leadId: 'L-4', version: 1 });
      const ids = await target.db.selectFrom('decisions').select('id').orderBy('id').execute();
      expect(ids.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    } finally {
      await app.close();
    }
  });

  it('refuses a non-empty target unless forced, and --force replaces what it holds', async () => {
    const target = await fresh();
    await servedDemo(target).then(({ app }) => app.close());
    const before = await snapshot(target);
    await expect(restoreFromFile(target.db, file)).rejects.toThrow(
      /The target database is not empty \(rows in .*workspaces.*\)/,
    );
    expect(await snapshot(target)).toEqual(before);
    await restoreFromFile(target.db, file, { force: true });
    expect(await snapshot(target)).toEqual(await snapshot(source));
  });

  it('refuses an audit row changed (checksum redone), naming the event; writes nothing', async () => {
    const lines = linesOf(file);
    const start = lines.findIndex((l) => l === '{"table":"audit_events"}');
    const row = JSON.parse(lines[start + 3]!) as (string | null)[];
    const columns = JSON.parse(lines[0]!).tables.find(
      (t: { name: string }) => t.name === 'audit_events',
    ).columns as string[];
    const id = row[columns.indexOf('id')];
    row[columns.indexOf('actor_label')] = 'Someone Else';
    lines[start + 3] = JSON.stringify(row);
    const tampered = join(dir, 'tampered.ndjson.gz');
    rewrite(tampered, lines);
    const target = await fresh();
    await expect(restoreFromFile(target.db, tampered)).rejects.toThrow(
      new RegExp(`audit chain does not verify: event ${id} was changed after it was written`),
    );
    expect(await target.db.selectFrom('workspaces').select('id').execute()).toEqual([]);
    expect(await target.db.selectFrom('audit_events').select('id').execute()).toEqual([]);
  });

  it('refuses an audit row removed (counts and checksum redone), naming the next event', async () => {
    const lines = linesOf(file);
    const header = JSON.parse(lines[0]!);
    header.tables.find((t: { name: string }) => t.name === 'audit_events').rows--;
    lines[0] = JSON.stringify(header);
    const start = lines.findIndex((l) => l === '{"table":"audit_events"}');
    const next = JSON.parse(lines[start + 3]!)[0];
    lines.splice(start + 2, 1);
    const tampered = join(dir, 'removed.ndjson.gz');
    rewrite(tampered, lines);
    const target = await fresh();
    await expect(restoreFromFile(target.db, tampered)).rejects.toThrow(
      new RegExp(`event ${next} does not link to the event before it`),
    );
    expect(await target.db.selectFrom('users').select('id').execute()).toEqual([]);
  });

  it('refuses a file that does not match its checksum, a newer migration and a non-backup', async () => {
    const lines = linesOf(file);
    const at = lines.findIndex((l) => l === '{"table":"workspaces"}') + 1;
    lines[at] = lines[at]!.replace('Acme', 'Acne');
    const damaged = join(dir, 'damaged.ndjson.gz');
    writeFileSync(damaged, gzipSync(lines.join('\n')));
    const target = await fresh();
    await expect(restoreFromFile(target.db, damaged)).rejects.toThrow(
      /does not match its checksum/,
    );

    const header = JSON.parse(lines[0]!);
    header.migration = '2999_01_01_0000_from_the_future';
    const newer = join(dir, 'newer.ndjson.gz');
    writeFileSync(newer, gzipSync([JSON.stringify(header), ...lines.slice(1)].join('\n')));
    await expect(restoreFromFile(target.db, newer)).rejects.toThrow(
      /made by a newer Accord .*2999_01_01_0000_from_the_future/,
    );

    const plain = join(dir, 'plain.txt');
    writeFileSync(plain, 'hello');
    await expect(restoreFromFile(target.db, plain)).rejects.toThrow(/not a complete gzip file/);
    await expect(restoreFromFile(target.db, join(dir, 'nothing.gz'))).rejects.toThrow(
      /There is no file/,
    );
    expect(await target.db.selectFrom('workspaces').select('id').execute()).toEqual([]);
  });

  it('does not overwrite an existing file, and leaves no partial file behind', async () => {
    const before = readFileSync(file);
    await expect(backupToFile(source.db, file)).rejects.toThrow(/already exists/);
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

/** Every ordered pair of different backends (none when PostgreSQL is not configured). */
const crossings = testBackends().flatMap((from) =>
  testBackends()
    .filter((to) => to.kind !== from.kind)
    .map((to) => ({ from, to, name: `${from.kind} to ${to.kind}` })),
);

describe('#22: a backup restores across backends', () => {
  it('is tested on every pair of configured backends', () => {
    expect(crossings.length).toBe(testBackends().length === 1 ? 0 : 2);
  });
  for (const { from, to, name } of crossings)
    it(`restores a backup from ${name} row for row`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'accord-backup-across-'));
      const source = await from.open();
      const target = await to.open();
      try {
        await servedDemo(source).then(({ app }) => app.close());
        await backupToFile(source.db, join(dir, 'b.ndjson.gz'));
        await restoreFromFile(target.db, join(dir, 'b.ndjson.gz'));
        expect(await snapshot(target)).toEqual(await snapshot(source));
      } finally {
        await source.close();
        await target.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
