import { TextScanner, type ColumnTarget, type ImportMapping } from '@accord/engine';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { DataTable } from '../data-table';
import { formatBytes, uploadLeadFile, type UploadProgress } from './upload-file';

/** How much of a file the preview reads; the whole file is streamed to the server on import. */
const PREVIEW_BYTES = 256 * 1024;

/** Column targets as one select value each: `ignore`, `id`, `events`, `outcome:…`, `field:<id>`. */
function targetKey(target: ColumnTarget | undefined): string {
  if (!target) return 'ignore';
  if (target.kind === 'field') return `field:${target.field}`;
  if (target.kind === 'outcome') return `outcome:${target.as}`;
  return target.kind;
}

function keyTarget(key: string): ColumnTarget {
  if (key.startsWith('field:')) return { kind: 'field', field: key.slice(6) };
  if (key.startsWith('outcome:'))
    return { kind: 'outcome', as: key.slice(8) as 'converted' | 'won' | 'stage' };
  return { kind: key as 'ignore' | 'id' | 'events' };
}

/**
 * Where a file stops being text, as the server says it (#15): checked here before the text is
 * sent, since the API's input check refuses a NUL character without naming its line. A cut last
 * line (the preview reads the start of a file) is left out, as the server leaves it out.
 */
export function notTextMessage(text: string, truncated = false): string | null {
  const end = truncated ? text.lastIndexOf('\n') + 1 : text.length;
  const notText = new TextScanner().scan(end > 0 ? text.slice(0, end) : text);
  return notText ? `Line ${notText.line}, column ${notText.column}: ${notText.message}` : null;
}

/**
 * Upload CSV or JSON: preview (from the start of the file) with a column mapping to edit, then
 * the whole file streams to the upload route with a progress bar and a cancel button, and the
 * import answers with per-row errors. A file is imported once: the button stays disabled from
 * the click until another file is chosen (or the upload failed or was cancelled).
 */
export function ImportPanel({ onImported }: { onImported: () => Promise<void> }) {
  const trpc = useTRPC();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [mapping, setMapping] = useState<ImportMapping | null>(null);
  const [notText, setNotText] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const upload = useRef<AbortController | null>(null);
  const catalog = useQuery(trpc.fields.catalog.queryOptions());
  const preview = useMutation(
    trpc.leadSets.previewImport.mutationOptions({ onSuccess: (p) => setMapping(p.mapping) }),
  );
  const importSet = useMutation({
    mutationFn: (request: Parameters<typeof uploadLeadFile>[0]) => {
      upload.current = new AbortController();
      return uploadLeadFile(request, { onProgress: setProgress, signal: upload.current.signal });
    },
    onSuccess: onImported,
    onError: () => setImporting(false),
    onSettled: () => (upload.current = null),
  });
  const format = file?.name.toLowerCase().endsWith('.json') ? 'json' : 'csv';

  const pick = async (picked: File | null) => {
    setFile(picked);
    setMapping(null);
    setNotText(null);
    setImporting(false);
    setProgress(null);
    upload.current?.abort();
    importSet.reset();
    preview.reset();
    if (!picked) return;
    setName(picked.name.replace(/\.[^.]+$/, ''));
    const text = await picked.slice(0, PREVIEW_BYTES).text();
    const truncated = picked.size > PREVIEW_BYTES;
    const problem = notTextMessage(text, truncated);
    if (problem) return setNotText(problem);
    preview.mutate({
      format: picked.name.toLowerCase().endsWith('.json') ? 'json' : 'csv',
      text,
      truncated,
      delimiter: 'auto',
    });
  };
  const submit = () => {
    if (!file || !mapping || importing) return;
    setImporting(true);
    setProgress({ sent: 0, total: file.size });
    importSet.mutate({ file, name, format, delimiter: 'auto', mapping });
  };
  const remap = async (column: string, key: string) => {
    if (!file || !mapping) return;
    const next = { ...mapping, columns: { ...mapping.columns, [column]: keyTarget(key) } };
    setMapping(next);
    preview.mutate({
      format,
      text: await file.slice(0, PREVIEW_BYTES).text(),
      truncated: file.size > PREVIEW_BYTES,
      delimiter: 'auto',
      mapping: next,
    });
  };
  const p = preview.data;
  return (
    <section className="card" aria-label="Upload leads">
      <h2>Upload leads (CSV or JSON)</h2>
      <div className="row">
        <input
          type="file"
          accept=".csv,.json,text/csv,application/json"
          aria-label="Lead file"
          onChange={(e) => void pick(e.target.files?.[0] ?? null)}
        />
        {preview.isPending && <span className="muted">Reading…</span>}
      </div>
      {notText && <p className="error">{notText}</p>}
      {preview.error && <p className="error">{preview.error.message}</p>}
      {p && mapping && !notText && (
        <>
          {!p.documents && (
            <table className="data-table mapping" aria-label="Column mapping">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>Samples</th>
                  <th>Becomes</th>
                </tr>
              </thead>
              <tbody>
                {p.columns.map((c) => (
                  <tr key={c.name}>
                    <td>
                      {c.name} <span className="muted small">({c.inferredType})</span>
                    </td>
                    <td className="small muted">{c.samples.slice(0, 3).join(' · ')}</td>
                    <td>
                      <select
                        aria-label={`Column ${c.name} becomes`}
                        value={targetKey(mapping.columns[c.name])}
                        onChange={(e) => void remap(c.name, e.target.value)}
                      >
                        <option value="ignore">(not imported)</option>
                        <option value="id">Lead id</option>
                        <option value="events">Events (JSON)</option>
                        <option value="outcome:converted">Outcome: converted yes/no</option>
                        <option value="outcome:won">Outcome: won/lost</option>
                        <option value="outcome:stage">Outcome: stage reached</option>
                        {catalog.data?.catalog.fields.map((f) => (
                          <option key={f.id} value={`field:${f.id}`}>
                            {f.label}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {p.mappingIssues.map((i) => (
            <p key={i.path} className="error small">
              {i.path}: {i.message}
            </p>
          ))}
          <p className="small">
            Of the first {p.sampledRows.toLocaleString()} rows,{' '}
            <strong className={p.sampledErrors ? 'error' : 'ok'}>
              {p.sampledErrors.toLocaleString()} would be refused
            </strong>
            ; the good rows are kept.
          </p>
          <RowErrors
            errors={p.rows.flatMap((r) => r.errors)}
            caption="Errors in the preview rows"
          />
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <label className="inline">
              Name
              <input required value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button
              className="primary"
              type="submit"
              disabled={importing || p.mappingIssues.length > 0}
            >
              {importSet.isSuccess ? `Imported ${file?.name}` : `Import ${file?.name}`}
            </button>
          </form>
        </>
      )}
      {importSet.isPending && progress && (
        <UploadBar progress={progress} onCancel={() => upload.current?.abort()} />
      )}
      {importSet.error && <p className="error">{importSet.error.message}</p>}
      {importSet.data && (
        <div data-testid="import-result">
          <p className="ok">
            Imported {importSet.data.imported.toLocaleString()} of{' '}
            {importSet.data.rows.toLocaleString()} rows into “{importSet.data.leadSet.name}”.
            {importSet.data.rejected > 0 &&
              ` ${importSet.data.rejected.toLocaleString()} rows were refused:`}
          </p>
          <RowErrors errors={importSet.data.errors} caption="Refused rows" />
        </div>
      )}
    </section>
  );
}

/** Bytes sent of the file's size, as a bar and in words; then "Importing…" while the server finishes. */
function UploadBar({ progress, onCancel }: { progress: UploadProgress; onCancel: () => void }) {
  const percent = progress.total ? Math.floor((progress.sent / progress.total) * 100) : 0;
  const sent = progress.sent >= progress.total;
  return (
    <div className="row" data-testid="upload-progress">
      <progress
        className="upload-bar"
        aria-label="Upload"
        max={100}
        value={percent}
        style={{ width: 360 }}
      />
      <span className="small" aria-live="polite">
        {sent
          ? `Sent ${formatBytes(progress.total)}; the server is storing the last leads…`
          : `${formatBytes(progress.sent)} of ${formatBytes(progress.total)} (${percent}%)`}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel upload
      </button>
    </div>
  );
}

function RowErrors(props: {
  errors: { line: number; column: string; message: string }[];
  caption: string;
}) {
  if (props.errors.length === 0) return null;
  return (
    <div className="scroll-box">
      <DataTable label={props.caption} columns={['Line', 'Column', 'Problem']}>
        {props.errors.map((e, i) => (
          <tr key={i}>
            <td>{e.line}</td>
            <td>{e.column || '(row)'}</td>
            <td className="error">{e.message}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
