import type { Db } from '@accord/db';
import type { Command } from 'commander';
import { backupToFile, restoreFromFile } from './services/backups';

/**
 * `accord backup --out FILE` and `accord restore FILE [--force]` (see services/backups.ts).
 * @example registerBackupCommands(program, withDb);
 */
export function registerBackupCommands(
  program: Command,
  withDb: <T>(run: (db: Db) => Promise<T>) => Promise<T>,
) {
  program
    .command('backup')
    .description(
      "write a backup of the whole database (gzip'd NDJSON; PGlite and PostgreSQL alike)",
    )
    .requiredOption('--out <file>', 'the backup file to write (it must not exist yet)')
    .action((opts: { out: string }) =>
      withDb(async (db) => {
        const done = await backupToFile(db, opts.out);
        console.log(
          `Wrote ${done.path}: ${done.rows.toLocaleString('en')} rows in ${done.tables} tables ` +
            `(migration ${done.migration}), ${done.auditEvents.toLocaleString('en')} audit events, ` +
            `chain head ${done.auditHead ?? '(none)'}.`,
        );
      }),
    );

  program
    .command('restore')
    .description(
      'restore a backup into an empty database in one transaction, verifying its audit chain first',
    )
    .argument('<file>', 'a file written by `accord backup`')
    .option('--force', 'replace everything in a database that is not empty', false)
    .action((file: string, opts: { force: boolean }) =>
      withDb(async (db) => {
        const done = await restoreFromFile(db, file, { force: opts.force });
        console.log(
          `Restored ${done.rows.toLocaleString('en')} rows in ${done.tables} tables ` +
            `(migration ${done.migration}); audit chain verified: ` +
            `${done.auditEvents.toLocaleString('en')} events, head ${done.auditHead ?? '(none)'}.`,
        );
      }),
    );
}
