/** The pieces every page is built of: headings, notices, fields, tables, paging, confirmations, charts. */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { stepChart, type ChartPoint } from '../lib/chart.js';
import { formatMoney, formatTime } from '../lib/format.js';
import { problemText } from './api.js';
import { usePageTitle } from './router.js';

/** A page: its title (also the tab's), an optional line under it, and its content. */
export function Page({ title, lead, actions, children }: { title: string; lead?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  usePageTitle(title);
  return (
    <>
      <div className="page-head">
        <div>
          <h1 tabIndex={-1}>{title}</h1>
          {lead !== undefined && <p className="lead">{lead}</p>}
        </div>
        {actions !== undefined && <div className="actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

export type NoticeTone = 'ok' | 'error' | 'warning' | 'info';

/** What an action did, or why not: an error is announced at once, the rest politely. */
export function Notice({ tone, children }: { tone: NoticeTone; children: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The outcome of the last action on a page, shown until the next one. */
export type Outcome = { readonly tone: NoticeTone; readonly text: string } | undefined;

export function OutcomeNotice({ outcome }: { outcome: Outcome }) {
  return outcome === undefined ? null : <Notice tone={outcome.tone}>{outcome.text}</Notice>;
}

/** A labelled input; extra props go to the input. */
export function Field({ label, hint, error, ...input }: { label: string; hint?: ReactNode; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  // A screen reader reads the hint and the field's error when the input takes focus.
  const describedBy = [hint !== undefined && `${id}-hint`, error !== undefined && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={describedBy} aria-invalid={error !== undefined || undefined} {...input} />
      {hint !== undefined && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error !== undefined && (
        <small id={`${id}-error`} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}

/** A labelled select of fixed options. */
export function SelectField({ label, options, ...select }: { label: string; options: readonly (readonly [string, string])[] } & React.SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  reload(): void;
}

/**
 * Loads what a page shows through the typed client: `load` answers openapi-fetch's
 * `{data, error}`. It runs again when a value in `deps` changes, and on reload().
 */
export function useLoad<T>(load: () => Promise<{ data?: T; error?: unknown }>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (answer) => current && setState(answer.error === undefined ? { data: answer.data, error: undefined, loading: false } : { data: undefined, error: problemText(answer.error), loading: false }),
      (error: unknown) => current && setState({ data: undefined, error: problemText(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/** Several loads as one: loaded when all are, failed when any is (a page that needs the system currency as well as its data). */
export function allLoaded(...loads: readonly Loaded<unknown>[]): Loaded<unknown> {
  const failed = loads.find((load) => load.error !== undefined);
  return {
    data: loads.every((load) => load.data !== undefined) ? true : undefined,
    error: failed?.error,
    loading: loads.some((load) => load.loading),
    reload: () => loads.forEach((load) => load.reload()),
  };
}

/** Shows a load's error, or a polite "Loading…", until its data is there. */
export function LoadState({ loaded, children }: { loaded: Loaded<unknown>; children: ReactNode }) {
  if (loaded.error !== undefined) return <Notice tone="error">{loaded.error}</Notice>;
  if (loaded.data === undefined) return <p className="muted" role="status">Loading…</p>;
  return <>{children}</>;
}

/**
 * Keyset paging: the cursors of the pages before this one, so "Previous" goes back without
 * OFFSET, and "Next" follows the list's next_cursor.
 */
export function usePager(resetKey: string) {
  const [state, setState] = useState<{ key: string; trail: readonly (string | undefined)[]; cursor: string | undefined }>({ key: resetKey, trail: [], cursor: undefined });
  // A new filter starts at the first page in the same render, so no request goes out with the old page's cursor.
  const current = state.key === resetKey ? state : { key: resetKey, trail: [], cursor: undefined };
  if (current !== state) setState(current);
  return {
    cursor: current.cursor,
    page: current.trail.length + 1,
    next(nextCursor: string) {
      // A second click while the next page loads still sees this page's next_cursor: it is the page already asked for.
      setState((s) => (s.cursor === nextCursor ? s : { ...s, trail: [...s.trail, s.cursor], cursor: nextCursor }));
    },
    previous() {
      setState((s) => (s.trail.length === 0 ? s : { ...s, trail: s.trail.slice(0, -1), cursor: s.trail.at(-1) }));
    },
  };
}

export function Pager({ pager, nextCursor, label }: { pager: ReturnType<typeof usePager>; nextCursor: string | null | undefined; label: string }) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={pager.previous} disabled={pager.page === 1}>
        Previous
      </button>
      <span aria-live="polite">Page {pager.page}</span>
      <button type="button" onClick={() => nextCursor && pager.next(nextCursor)} disabled={!nextCursor}>
        Next
      </button>
    </nav>
  );
}

export function Money({ amount, currency, signed }: { amount: string; currency?: string; signed?: boolean }) {
  return (
    <span className="money" title={amount}>
      {formatMoney(amount, currency, { signed })}
    </span>
  );
}

export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
    </time>
  );
}

/**
 * A modal confirmation (the native dialog: it traps focus and closes on Escape). Nothing is
 * written before "confirm" is chosen; `busy` keeps a second click from sending twice.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, busy, onConfirm, onCancel }: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={(event) => (event.preventDefault(), busy || onCancel())}>
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="actions">
        <button type="button" className="primary" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/**
 * A step chart of exact values over time (a balance, a rate), drawn as SVG: no library, no
 * canvas. It names its range for a screen reader; the table beside it holds the values.
 */
export function StepChart({ points, label, currency, until }: { points: readonly ChartPoint[]; label: string; currency?: string; until?: number }) {
  const width = 640;
  const height = 160;
  const geometry = stepChart(points, width, height, until);
  if (geometry === undefined) return <p className="muted">Nothing to draw yet.</p>;
  const description = `${label}: from ${formatTime(new Date(geometry.start).toISOString())} to ${formatTime(new Date(geometry.end).toISOString())}, between ${formatMoney(geometry.min, currency)} and ${formatMoney(geometry.max, currency)}, ${points.length} changes.`;
  return (
    <figure className="chart">
      <svg viewBox={`-8 -8 ${width + 16} ${height + 16}`} role="img" aria-label={description} preserveAspectRatio="none">
        <line className="chart-axis" x1={0} y1={height} x2={width} y2={height} />
        <path className="chart-line" d={geometry.path} />
        {geometry.marks.length <= 200 &&
          geometry.marks.map((mark, index) => (
            <circle key={index} className="chart-mark" cx={mark.x} cy={mark.y} r={2.5}>
              <title>{`${formatTime(new Date(mark.point.time).toISOString())}: ${formatMoney(mark.point.value, currency)}`}</title>
            </circle>
          ))}
      </svg>
      <figcaption>
        <span>
          {label}, {formatTime(new Date(geometry.start).toISOString())} – {formatTime(new Date(geometry.end).toISOString())}
        </span>
        <span>
          low {formatMoney(geometry.min, currency)} · high {formatMoney(geometry.max, currency)}
        </span>
      </figcaption>
    </figure>
  );
}
