/**
 * Import users from a CSV file in `tally import`'s format: "Check" is a dry run that reports
 * every bad line and writes nothing; "Import" sends the same file, with one idempotency key per
 * chosen file (a retry or a double click imports nothing twice), and shows the upload's
 * progress. Admin role: the bar does not offer this page to a viewer, and the server refuses.
 */
import { useId, useState, type ChangeEvent } from 'react';
import type { components, paths } from '../../../admin-client/index.js';
import { formatCount } from '../../lib/format.js';
import { csrfHeaders, newIdempotencyKey, problemText, sessionEnded } from '../api.js';
import { Notice, Page } from '../components.js';
import { Link } from '../router.js';

type ImportReport = paths['/admin/v1/imports']['post']['responses'][201]['content']['application/json'];
type Problem = components['schemas']['Problem'];

/** What the server answered an upload: the report of a good file, or the problem (a refused file's report among them). */
type ImportAnswer = { readonly status: number; readonly report: ImportReport; readonly problem?: undefined } | { readonly status: number; readonly report?: undefined; readonly problem: Problem };

const EXAMPLE = 'username,currency,balance,id,uniquehash\nalice,EUR,10.5,,\nbob,USD,0,7,\ncarol,USD,-3,,Xy7bQ2\n';

/**
 * POSTs the file to /admin/v1/imports through XMLHttpRequest: fetch reports no upload progress.
 * The session cookie goes with it (same origin); the CSRF header is added by hand.
 */
function uploadImport(file: File, options: { dryRun: boolean; key?: string; onProgress(loaded: number, total: number): void }): Promise<ImportAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/admin/v1/imports?dry_run=${options.dryRun}`);
    request.setRequestHeader('Content-Type', 'text/csv');
    request.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeaders())) request.setRequestHeader(name, value);
    if (options.key !== undefined) request.setRequestHeader('Idempotency-Key', options.key);
    request.upload.onprogress = (event) => options.onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    // A small body may be sent before any progress event: its end is reported all the same.
    request.upload.onload = () => options.onProgress(file.size, file.size);
    request.onload = () => {
      // As the typed client's 401s do: an ended session sends the reader to sign in (and back here after).
      if (request.status === 401) sessionEnded();
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300 && typeof body === 'object' && body !== null) resolve({ status: request.status, report: body as ImportReport });
      else if (typeof body === 'object' && body !== null) resolve({ status: request.status, problem: body as Problem });
      else reject(new Error(`the server answered ${request.status}`));
    };
    request.onerror = () => reject(new Error('the upload failed'));
    request.onabort = () => reject(new Error('the upload was stopped'));
    request.send(file);
  });
}

type Step =
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'checked'; readonly rows: number }
  | { readonly kind: 'refused'; readonly problem: Problem; readonly during: 'check' | 'import' }
  | { readonly kind: 'importing' }
  | { readonly kind: 'imported'; readonly rows: number; readonly replayed: boolean }
  | { readonly kind: 'failed'; readonly text: string };

export function ImportPage() {
  const fileId = useId();
  const progressId = useId();
  const [file, setFile] = useState<File | undefined>(undefined);
  // One key per chosen file: importing it again (a retry, a second click) is answered, not repeated.
  const [key, setKey] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [progress, setProgress] = useState<{ loaded: number; total: number } | undefined>(undefined);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    setFile(event.target.files?.[0]);
    setKey(newIdempotencyKey());
    setStep({ kind: 'idle' });
    setProgress(undefined);
  };

  const check = async () => {
    if (file === undefined) return;
    setStep({ kind: 'checking' });
    setProgress(undefined);
    try {
      const answer = await uploadImport(file, { dryRun: true, onProgress: () => undefined });
      setStep(answer.report !== undefined ? { kind: 'checked', rows: answer.report.rows } : { kind: 'refused', problem: answer.problem, during: 'check' });
    } catch (error) {
      setStep({ kind: 'failed', text: problemText(error) });
    }
  };

  const run = async () => {
    if (file === undefined) return;
    setStep({ kind: 'importing' });
    setProgress({ loaded: 0, total: file.size });
    try {
      const answer = await uploadImport(file, { dryRun: false, key, onProgress: (loaded, total) => setProgress({ loaded, total }) });
      // 201 imported; 200 is this same import answered again (its key was used by this file already).
      setStep(answer.report !== undefined ? { kind: 'imported', rows: answer.report.rows, replayed: answer.status === 200 } : { kind: 'refused', problem: answer.problem, during: 'import' });
    } catch (error) {
      setStep({ kind: 'failed', text: problemText(error) });
    }
  };

  const busy = step.kind === 'checking' || step.kind === 'importing';
  const uploaded = progress !== undefined && progress.loaded >= progress.total;
  return (
    <Page title="Import" lead="Add users in bulk from a CSV file, as tally import does: checked whole first, then written in one go, or not at all.">
      <section aria-labelledby="format-title">
        <h2 id="format-title">The file</h2>
        <p>
          A header line naming the columns <code>username</code>, <code>currency</code> and <code>balance</code>, in any order, and optionally <code>id</code>, <code>uniquehash</code>, <code>first_name</code> and <code>last_name</code>;
          then one user a line. Text is UTF-8; a cell with a comma or a quote is quoted (<code>"a, b"</code>).
        </p>
        <ul className="import-rules">
          <li>
            <code>balance</code>: an exact decimal in the system currency, at most 6 fractional digits (<code>12.50</code>, <code>-3</code>). A non-zero balance becomes the user's opening
            ledger entry, with the source Import.
          </li>
          <li>
            <code>currency</code>: the code of a currency Tally knows (see Currencies).
          </li>
          <li>
            <code>id</code> (optional): the id Kolmisoft clients send as <code>user_id</code>, at most 2147483647; empty or absent gets the next free id.
          </li>
          <li>
            <code>uniquehash</code> (optional): the user's token as given, 1 to 64 of <code>A-Z a-z 0-9</code>, so device URLs keep working; empty or absent gets a fresh one.
          </li>
          <li>
            <code>first_name</code>, <code>last_name</code> (optional): kept as given, spaces included, at most 255 characters; empty or absent is no name.
          </li>
          <li>No username, id or uniquehash may repeat in the file or exist already. One bad line and nothing is imported.</li>
        </ul>
        <p>For example:</p>
        <pre className="import-example">
          {EXAMPLE}
        </pre>
      </section>

      <section aria-labelledby="upload-title">
        <h2 id="upload-title">Import a file</h2>
        <div className="field">
          <label htmlFor={fileId}>CSV file</label>
          <input id={fileId} type="file" accept=".csv,text/csv,text/plain" onChange={choose} disabled={busy} />
          {file !== undefined && (
            <small className="hint">
              {file.name}, {formatCount(file.size)} bytes
            </small>
          )}
        </div>
        <div className="actions">
          <button type="button" onClick={() => void check()} disabled={file === undefined || busy}>
            {step.kind === 'checking' ? 'Checking…' : 'Check'}
          </button>
          <button type="button" className="primary" onClick={() => void run()} disabled={file === undefined || busy || step.kind !== 'checked'}>
            {step.kind === 'importing' ? 'Importing…' : 'Import'}
          </button>
          {file !== undefined && step.kind === 'idle' && <span className="muted small">Check the file first: nothing is written by a check.</span>}
        </div>
        {progress !== undefined && (
          <div className="field import-progress">
            <label htmlFor={progressId}>Upload progress</label>
            <progress id={progressId} max={Math.max(progress.total, 1)} value={Math.min(progress.loaded, progress.total)}>
              {percent(progress)}
            </progress>
            <small className="hint" aria-live="polite">
              {step.kind === 'importing' ? (uploaded ? 'Uploaded; the server is writing the users…' : `Uploading: ${percent(progress)}`) : `Uploaded ${percent(progress)}`}
            </small>
          </div>
        )}
      </section>

      <Report step={step} />
    </Page>
  );
}

function percent(progress: { loaded: number; total: number }): string {
  return `${progress.total === 0 ? 100 : Math.floor((Math.min(progress.loaded, progress.total) / progress.total) * 100)}%`;
}

/** What the last check or import said, line by line for a refused file. */
function Report({ step }: { step: Step }) {
  switch (step.kind) {
    case 'idle':
    case 'checking':
    case 'importing':
      return null;
    case 'failed':
      return <Notice tone="error">{step.text}</Notice>;
    case 'checked':
      return (
        <Notice tone="ok">
          Every line is good: {rowsText(step.rows)} would be imported. Nothing was written yet; choose Import to write them.
        </Notice>
      );
    case 'imported':
      return (
        <Notice tone="ok">
          {step.replayed ? `This file was imported already: ${rowsText(step.rows)}, nothing added twice.` : `Imported ${rowsText(step.rows)}.`} <Link href="/users">See the users</Link>
        </Notice>
      );
    case 'refused': {
      const lines = (step.problem.errors ?? []).filter((error) => error.line !== undefined);
      if (lines.length === 0) return <Notice tone="error">{`The ${step.during === 'check' ? 'check' : 'import'} was refused: ${problemText(step.problem)}`}</Notice>;
      const count = step.problem.error_count ?? lines.length;
      return (
        <section aria-labelledby="report-title">
          <h2 id="report-title">Lines to fix</h2>
          <Notice tone="error">{step.problem.detail}</Notice>
          {count > lines.length && <p className="muted">The first {formatCount(lines.length)} of {formatCount(count)} bad lines:</p>}
          {/* Focusable, so that a keyboard can scroll a table wider than a phone (it holds no link). */}
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Lines to fix">
            <table>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Line
                  </th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((error, index) => (
                  <tr key={index}>
                    <td className="num">{error.line}</td>
                    <td>{error.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      );
    }
  }
}

function rowsText(rows: number): string {
  return rows === 1 ? '1 user' : `${formatCount(rows)} users`;
}
