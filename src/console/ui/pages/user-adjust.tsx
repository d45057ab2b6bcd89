/**
 * "Adjust balance": an amount and a comment, then a confirmation that shows the balance now and
 * the balance after (read again when the review opens, computed exactly) before anything is
 * written. The review's one idempotency key goes with every attempt to confirm it, so a double
 * click or a retry after a lost answer moves the money once.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { checkAmount, previewAdjustment, type AdjustmentPreview } from '../../lib/adjustment.js';
import { formatMoney } from '../../lib/format.js';
import { api, newIdempotencyKey, problemText } from '../api.js';
import { ConfirmDialog, Field, Money, Notice, OutcomeNotice, type Outcome } from '../components.js';
import type { User } from './user.js';

interface Review {
  readonly username: string;
  readonly preview: AdjustmentPreview;
  readonly comment: string;
  /** Made when the review opened; every confirmation of this review sends it. */
  readonly key: string;
}

export function AdjustBalance({ user, systemCurrency, onChanged }: { user: User; systemCurrency: string | undefined; onChanged(): void }) {
  const [amount, setAmount] = useState('');
  const [comment, setComment] = useState('');
  const [amountError, setAmountError] = useState<string | undefined>(undefined);
  const [review, setReview] = useState<Review | undefined>(undefined);
  const [opening, setOpening] = useState(false);
  const [busy, setBusy] = useState(false);
  // A second click can land before React has disabled the button: this holds it off at once.
  const sending = useRef(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const id = String(user.id);
  const reviewButton = useRef<HTMLButtonElement>(null);
  const wasReviewing = useRef(false);
  // Review was disabled while the balance was read, so the closing dialog has no element to give the focus back to.
  useEffect(() => {
    if (wasReviewing.current && review === undefined) reviewButton.current?.focus();
    wasReviewing.current = review !== undefined;
  }, [review]);

  async function openReview(event: FormEvent) {
    event.preventDefault();
    setOutcome(undefined);
    const check = checkAmount(amount);
    if (!check.ok) return setAmountError(check.reason);
    setAmountError(undefined);
    setOpening(true);
    try {
      // The balance may have moved since the page was read (a Kolmisoft charge): preview from now.
      const { data, error } = await api.GET('/admin/v1/users/{id}', { params: { path: { id } } });
      if (data === undefined) return setOutcome({ tone: 'error', text: problemText(error) });
      const preview = previewAdjustment(data.balance, check.amount);
      if (preview === undefined) return setOutcome({ tone: 'error', text: `The balance ${data.balance} is not a decimal the console can compute with.` });
      setFailure(undefined);
      setReview({ username: data.username, preview, comment: comment.trim(), key: newIdempotencyKey() });
    } catch (error) {
      setOutcome({ tone: 'error', text: problemText(error) });
    } finally {
      setOpening(false);
    }
  }

  async function confirm() {
    if (review === undefined || sending.current) return;
    sending.current = true;
    setBusy(true);
    setFailure(undefined);
    try {
      const { data, error } = await api.POST('/admin/v1/users/{id}/adjustments', {
        params: { path: { id }, header: { 'Idempotency-Key': review.key } },
        body: { amount: review.preview.amount, comment: review.comment },
      });
      if (data === undefined) return setFailure(problemText(error));
      setReview(undefined);
      setAmount('');
      setComment('');
      setOutcome({
        tone: 'ok',
        text: `Adjusted ${data.username}'s balance by ${formatMoney(data.amount, systemCurrency, { signed: true })}: the balance is now ${formatMoney(data.balance_after, systemCurrency)}.`,
      });
      onChanged();
    } catch (error) {
      setFailure(`${problemText(error)} Confirming again is safe: the same request cannot move the money twice.`);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (user.status === 'closed') {
    return (
      <section aria-labelledby="adjust-title">
        <h2 id="adjust-title">Adjust balance</h2>
        <OutcomeNotice outcome={outcome} />
        <p className="muted">A closed user's balance cannot be adjusted: reopen the user first.</p>
      </section>
    );
  }

  return (
    <section aria-labelledby="adjust-title">
      <h2 id="adjust-title">Adjust balance</h2>
      <OutcomeNotice outcome={outcome} />
      <form onSubmit={openReview} noValidate>
        <div className="form-row">
          <Field
            label={`Amount${systemCurrency === undefined ? '' : ` (${systemCurrency})`}`}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            placeholder="5.00 or -3.25"
            hint="Signed, in the system currency: a negative amount takes money away."
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={amountError}
          />
          <Field label="Comment" name="comment" maxLength={500} autoComplete="off" hint="Why: kept in the ledger." value={comment} onChange={(e) => setComment(e.target.value)} />
        </div>
        <button ref={reviewButton} type="submit" className="primary" disabled={opening}>
          {opening ? 'Reading the balance…' : 'Review'}
        </button>
      </form>
      <ConfirmDialog
        open={review !== undefined}
        title={review === undefined ? 'Adjust balance' : `Adjust ${review.username}'s balance?`}
        confirmLabel={busy ? 'Adjusting…' : 'Confirm'}
        busy={busy}
        onConfirm={() => void confirm()}
        onCancel={() => setReview(undefined)}
      >
        {review !== undefined && (
          <>
            <dl className="facts adjust-preview">
              <dt>Current balance</dt>
              <dd><Money amount={review.preview.current} currency={systemCurrency} /></dd>
              <dt>Amount</dt>
              <dd><Money amount={review.preview.amount} currency={systemCurrency} signed /></dd>
              <dt>New balance</dt>
              <dd><strong><Money amount={review.preview.after} currency={systemCurrency} /></strong></dd>
              <dt>Comment</dt>
              <dd>{review.comment === '' ? <span className="muted">(none)</span> : review.comment}</dd>
            </dl>
            <p className="muted small">Nothing is written until you confirm.</p>
            {failure !== undefined && <Notice tone="error">{failure}</Notice>}
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
