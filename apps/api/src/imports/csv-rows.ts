import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';

export type Delimiter = ',' | ';' | '\t' | '|';

/** One record of a CSV file: its cells and the line it starts on (1-based, the header is line 1). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** A record the parser could not read (e.g. a quote never closed), with the line it ended on. */
export interface CsvProblem {
  line: number;
  message: string;
}

/** How much of a file's first line the delimiter is guessed from. */
const DETECT_CHARS = 65_536;

/**
 * The delimiter of a CSV text from its first line (at most its first 64 K characters): the most
 * frequent of , ; tab | outside quotes.
 * @example detectDelimiter('a;b;c\n1;2;3') // ';'
 */
export function detectDelimiter(head: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0, '|': 0 };
  let quoted = false;
  const end = Math.min(head.length, DETECT_CHARS);
  for (let i = 0; i < end; i++) {
    const ch = head[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t', '|'] as Delimiter[]) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * Streams the records of a CSV file through csv-parse: BOM dropped, empty lines skipped, quoted
 * delimiters and line breaks kept inside their cell, stray quotes inside cells tolerated. Rows of
 * the wrong width are passed on (the mapper names them); a record the parser cannot read at all
 * goes to `onProblem` and parsing carries on with the next one.
 * @example for await (const { line, cells } of csvRecords(stream, ',', onProblem)) …
 */
export async function* csvRecords(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  delimiter: Delimiter,
  onProblem: (problem: CsvProblem) => void,
): AsyncGenerator<CsvRecord> {
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
  });
  parser.on('skip', (error: CsvError & { lines?: number }) => {
    onProblem({ line: error.lines ?? 0, message: csvMessage(error) });
  });
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let previousEnd = 0;
  let previousEmpty = 0;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; empty_lines: number };
  }>) {
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    yield { line, cells: record };
  }
}

function csvMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted cell is never closed (a " is missing).';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'A quoted cell goes on after its closing quote.';
    default:
      return error.message;
  }
}
