import { ColumnProfiler, importColumns, type ColumnProfile } from '@accord/engine';
import { parse } from 'csv-parse/browser/esm';

/** What every column of a whole CSV file holds. */
export interface FileProfile {
  /** Data rows under the header. */
  rows: number;
  /** Column names as the import names them (`importColumns`: blanks and repeats made unique). */
  columns: string[];
  profiles: ColumnProfile[];
}

/** Bytes of the file read so far, and the rows profiled. */
export interface ProfileProgress {
  read: number;
  total: number;
  rows: number;
}

export type CsvDelimiter = ',' | ';' | '\t' | '|';

/** How often progress is reported: every this many bytes. */
const PROGRESS_BYTES = 2 * 1024 * 1024;

/**
 * Reads a whole CSV file as a stream (File.stream, decoded as UTF-8 piece by piece) through the
 * same parser and options as the server's import (csv-parse: BOM dropped, empty lines skipped,
 * rows of the wrong width kept, stray quotes tolerated, unreadable records skipped), counting
 * each column with the engine's `ColumnProfiler`. Memory stays bounded whatever the file's size.
 * @example const { rows, profiles } = await profileCsv(file, ',', (p) => setProgress(p));
 */
export async function profileCsv(
  file: Blob,
  delimiter: CsvDelimiter,
  onProgress?: (progress: ProfileProgress) => void,
  signal?: AbortSignal,
): Promise<FileProfile> {
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  let profiler: ColumnProfiler | null = null;
  let columns: string[] = [];
  parser.on('data', (record: string[]) => {
    if (profiler) profiler.push(record);
    else profiler = new ColumnProfiler((columns = importColumns(record)));
  });
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  const reader = file.stream().getReader();
  const decoder = new TextDecoder('utf-8');
  let read = 0;
  let reported = 0;
  try {
    for (;;) {
      if (signal?.aborted)
        throw new DOMException('The file was not read to its end.', 'AbortError');
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      if (!parser.write(decoder.decode(value, { stream: true })))
        await new Promise((resolve) => parser.once('drain', resolve));
      if (read - reported >= PROGRESS_BYTES) {
        reported = read;
        onProgress?.({
          read,
          total: file.size,
          rows: (profiler as ColumnProfiler | null)?.rows ?? 0,
        });
      }
    }
  } finally {
    reader.releaseLock();
  }
  parser.end(decoder.decode());
  await ended;
  const done = profiler as ColumnProfiler | null;
  onProgress?.({ read, total: file.size, rows: done?.rows ?? 0 });
  return { rows: done?.rows ?? 0, columns, profiles: done?.profiles() ?? [] };
}
