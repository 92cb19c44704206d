import { createReadStream, createWriteStream } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import {
  BackupRefused,
  MAX_BACKUP_LINE_BYTES,
  restoreBackup,
  writeBackup,
  type BackupSummary,
  type Db,
} from '@accord/db';

/**
 * Writes a gzip'd NDJSON backup of the whole database to `path` (see `writeBackup` in db for the
 * format). The file appears only when complete (it is written beside it, then linked into place)
 * and never replaces an existing one.
 * @example const summary = await backupToFile(db, '/backups/accord-2026-12-04.ndjson.gz');
 */
export async function backupToFile(
  db: Db,
  path: string,
): Promise<BackupSummary & { path: string }> {
  const partial = `${path}.partial`;
  const gzip = createGzip();
  const file = createWriteStream(partial);
  const done = pipelineAsync(gzip, file);
  try {
    const summary = await writeBackup(db, async (line) => {
      if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
    });
    gzip.end();
    await done;
    // A link fails when `path` exists, so an older backup is never overwritten.
    await link(partial, path).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST'
        ? new BackupRefused(`${path} already exists; choose another name (or remove it first).`)
        : error;
    });
    await rm(partial, { force: true });
    return { ...summary, path };
  } catch (error) {
    gzip.destroy();
    await done.catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Restores a backup file written by `backupToFile` into `db` in one transaction (see
 * `restoreBackup`: empty target unless `force`, same migration, audit chain and checksum verified
 * before commit). Throws BackupRefused, and writes nothing, when the file does not check out.
 * @example await restoreFromFile(db, 'accord.ndjson.gz', { force: false });
 */
export function restoreFromFile(
  db: Db,
  path: string,
  options: { force?: boolean } = {},
): Promise<BackupSummary> {
  return restoreBackup(db, fileLines(path), options);
}

/** The lines of a gzip'd file, each at most MAX_BACKUP_LINE_BYTES long. */
async function* fileLines(path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  // pipeline, not pipe: a missing or unreadable file fails the loop instead of hanging it.
  const gunzip = pipeline(createReadStream(path), createGunzip(), () => undefined);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      rest += decoder.write(chunk);
      let start = 0;
      for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
        yield rest.slice(start, end);
        start = end + 1;
      }
      rest = rest.slice(start);
      if (rest.length > MAX_BACKUP_LINE_BYTES)
        throw new BackupRefused(
          `The backup has a line longer than ${MAX_BACKUP_LINE_BYTES} bytes; it is not one this Accord wrote.`,
        );
    }
  } catch (error) {
    if (error instanceof BackupRefused) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new BackupRefused(`There is no file ${path}.`);
    if (code?.startsWith('Z_'))
      throw new BackupRefused(
        `${path} is not a complete gzip file (${(error as Error).message}); an Accord backup is gzip'd NDJSON.`,
      );
    throw error;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}
