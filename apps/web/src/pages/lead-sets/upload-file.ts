import type { ImportMapping } from '@accord/engine';
import type { RouterOutputs } from '../../lib/types';

/** The streaming upload route (apps/api/src/rest/lead-set-upload.ts); it takes files up to 1 GB. */
export const UPLOAD_URL = '/api/lead-sets/import';

/** What the upload route answers: what `leadSets.import` answers, as JSON. */
export type ImportAnswer = RouterOutputs['leadSets']['import'];

/** Bytes of the file sent so far, of its size. */
export interface UploadProgress {
  sent: number;
  total: number;
}

/** The upload failed; `message` says why in words (the route's own message when it sent one). */
export class UploadError extends Error {
  constructor(
    message: string,
    /** The route's error code (`BAD_REQUEST`, `PAYLOAD_TOO_LARGE`…), `ABORTED` or `NETWORK`. */
    readonly code: string,
    /** Where in the request the problem is (`mapping.columns.email`, `body`), or ''. */
    readonly path = '',
  ) {
    super(message);
  }
}

export interface UploadRequest {
  file: File;
  name: string;
  format: 'csv' | 'json';
  delimiter: 'auto' | ',' | ';' | '\t' | '|';
  mapping: ImportMapping;
  /** Extra query parameters the route takes (e.g. how bad cells are handled). */
  options?: Record<string, string>;
}

/** The route's URL with the import described in its query parameters. */
export function uploadUrl(request: Omit<UploadRequest, 'file'> & { fileName: string }): string {
  const query = new URLSearchParams({
    name: request.name,
    format: request.format,
    delimiter: request.delimiter,
    fileName: request.fileName.slice(0, 255),
    mapping: JSON.stringify(request.mapping),
    ...request.options,
  });
  return `${UPLOAD_URL}?${query}`;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'You are signed out; sign in again and upload the file again.',
  403: 'Your role may not import lead sets.',
  413: 'The file is larger than the server takes (1 GB).',
  415: 'The server does not take this kind of file.',
};

/** The route's `{error: {code, message, path}}`, or a sentence for the HTTP status. */
function errorOf(status: number, body: string): UploadError {
  try {
    const parsed = JSON.parse(body) as {
      error?: { code?: string; message?: string; path?: string };
    };
    if (parsed.error?.message)
      return new UploadError(parsed.error.message, parsed.error.code ?? 'ERROR', parsed.error.path);
  } catch {
    // not JSON: a proxy's page, say; the status says enough
  }
  return new UploadError(
    STATUS_TEXT[status] ?? `The server answered ${status} and did not say why.`,
    `HTTP_${status}`,
  );
}

/**
 * Sends a file as the raw body of one request to the streaming upload route, so a file of any
 * size imports without being read into memory, reporting the bytes sent as they go. `fetch`
 * cannot report upload progress, hence XMLHttpRequest. Aborting the signal stops the upload.
 * @example await uploadLeadFile({ file, name: 'Q3', format: 'csv', delimiter: 'auto', mapping }, { onProgress: setProgress })
 */
export function uploadLeadFile(
  request: UploadRequest,
  events: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
): Promise<ImportAnswer> {
  const { file } = request;
  return new Promise((resolve, reject) => {
    if (events.signal?.aborted)
      return reject(new UploadError('The upload was cancelled.', 'ABORTED'));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', uploadUrl({ ...request, fileName: file.name }));
    xhr.withCredentials = true;
    xhr.setRequestHeader(
      'content-type',
      request.format === 'json' ? 'application/json' : 'text/csv',
    );
    xhr.upload.onprogress = (e) =>
      events.onProgress?.({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportAnswer);
        } catch {
          reject(
            new UploadError('The server answered, but not with the import result.', 'BAD_ANSWER'),
          );
        }
      } else reject(errorOf(xhr.status, xhr.responseText));
    };
    xhr.onerror = () =>
      reject(
        new UploadError(
          'The connection broke off before the server answered (the server may have refused the file part way, or the network dropped). Nothing was imported unless the lead set list shows it.',
          'NETWORK',
        ),
      );
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', 'ABORTED'));
    events.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/**
 * A byte count for people: `1.2 MB`.
 * @example formatBytes(1_234_567) // '1.2 MB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
