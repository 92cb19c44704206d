import { ColumnProfiler, importColumns, type ColumnProfile } from '@accord/engine';
import Papa from 'papaparse';

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

/** How much of the file is read and parsed at a time. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads a whole CSV file in 4 MB slices through papaparse (which streams a File by itself and
 * keeps a record that spans two slices whole), counting each column with the engine's
 * `ColumnProfiler`: BOM dropped, empty lines skipped, rows of the wrong width kept, as the
 * server's import reads them. Memory stays bounded whatever the file's size.
 * @example const { rows, profiles } = await profileCsv(file, ',', (p) => setProgress(p));
 */
export function profileCsv(
  file: Blob,
  delimiter: CsvDelimiter,
  onProgress?: (progress: ProfileProgress) => void,
  signal?: AbortSignal,
): Promise<FileProfile> {
  return new Promise((resolve, reject) => {
    const stopped = () =>
      reject(new DOMException('The file was not read to its end.', 'AbortError'));
    if (signal?.aborted) return stopped();
    let profiler: ColumnProfiler | null = null;
    let columns: string[] = [];
    let read = 0;
    Papa.parse<string[]>(file as File, {
      delimiter,
      skipEmptyLines: true,
      chunkSize: CHUNK_BYTES,
      chunk: (results, parser) => {
        if (signal?.aborted) {
          parser.abort();
          return stopped();
        }
        for (const record of results.data) {
          if (profiler) profiler.push(record);
          else {
            if (record[0]?.startsWith('\uFEFF')) record[0] = record[0].slice(1);
            profiler = new ColumnProfiler((columns = importColumns(record)));
          }
        }
        read = Math.min(file.size, read + CHUNK_BYTES);
        onProgress?.({ read, total: file.size, rows: profiler?.rows ?? 0 });
      },
      complete: () => {
        if (signal?.aborted) return;
        const done = profiler as ColumnProfiler | null;
        onProgress?.({ read: file.size, total: file.size, rows: done?.rows ?? 0 });
        resolve({ rows: done?.rows ?? 0, columns, profiles: done?.profiles() ?? [] });
      },
      error: (error) => reject(error),
    });
  });
}
