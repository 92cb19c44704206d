import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, verifyAuditChain, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli';
import { servedDemo } from './testing';

describe('#22: accord backup and accord restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-backup-cli-'));
  const file = join(dir, 'accord.ndjson.gz');
  const logs: string[] = [];
  const errors: string[] = [];
  let source: AccordDatabase;
  const [memory] = testBackends();

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation((m: string) => void logs.push(m));
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    source = await memory!.open();
    await servedDemo(source).then(({ app }) => app.close());
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a backup, and will not write over it', async () => {
    expect(await runCli(['backup', '--out', file], { db: source.db })).toBe(0);
    expect(logs.at(-1)).toMatch(
      new RegExp(
        `^Wrote ${file}: \\d+ rows in \\d+ tables \\(migration \\d{4}_.*\\), \\d+ audit events, chain head [0-9a-f]{64}\\.$`,
      ),
    );
    expect(await runCli(['backup', '--out', file], { db: source.db })).toBe(1);
    expect(errors.at(-1)).toBe(
      `accord: ${file} already exists; choose another name (or remove it first).`,
    );
  });

  it('restores into the configured database (a new PGlite directory), then refuses to again without --force', async () => {
    vi.stubEnv('ACCORD_DATA_DIR', join(dir, 'restored'));
    vi.stubEnv('DATABASE_URL', '');
    expect(await runCli(['restore', file])).toBe(0);
    expect(logs.at(-1)).toMatch(
      /^Restored \d+ rows in \d+ tables .*; audit chain verified: \d+ events, head [0-9a-f]{64}\.$/,
    );
    expect(await runCli(['restore', file])).toBe(1);
    expect(errors.at(-1)).toMatch(/^accord: The target database is not empty .*pass --force/);
    expect(await runCli(['restore', file, '--force'])).toBe(0);
    const restored = await createDb({ dataDir: join(dir, 'restored') });
    try {
      const expected = await verifyAuditChain(source.db);
      expect(await verifyAuditChain(restored.db)).toEqual(expected);
      const users = await restored.db
        .selectFrom('users')
        .select('email')
        .orderBy('email')
        .execute();
      const before = await source.db.selectFrom('users').select('email').orderBy('email').execute();
      expect(users).toEqual(before);
    } finally {
      await restored.close();
    }
  }, 180_000); // migrating a database on disk is slow on a busy machine

  it('reports a file that is not a backup in one line', async () => {
    expect(await runCli(['restore', join(dir, 'missing.gz')], { db: source.db })).toBe(1);
    expect(errors.at(-1)).toBe(`accord: There is no file ${join(dir, 'missing.gz')}.`);
  });
});
