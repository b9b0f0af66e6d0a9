// The Limits page: every job type with limits, with its rate, its concurrency, how much of
// each is in use now and a handler's hold; for users who may write, a form to set and edit
// them and a button to remove them.
import { useRef, useState } from 'preact/hooks';
import { useAction } from '../action';
import { api, type Limits } from '../api';
import { configStore } from '../config';
import { formatRelative, formatTime, hasLimits, limitsWords, pairWords, rateWords } from '../format';
import { m, num } from '../messages';
import { useRefreshed } from '../refreshed';
import { followLink, href, pageRoute } from '../router';
import { useStore } from '../store';
import { errorText } from '../toasts';
import { confirmAction } from './confirm';
import { EditIcon, TrashIcon } from './icons';
import { LimitsForm } from './limits-form';

/** How often the page reads the limits again while open (ms): active counts move fast. */
const REFRESH_MS = 3_000;

/** The server lists a type whose hold has just run out, with nothing left to show. */
const shown = (l: Limits) => hasLimits(l) || l.heldUntil !== null;

/** The overview's mark of a type with limits: a link to this page, with the limits in words. */
export function LimitedBadge({ limits }: { limits: Limits }) {
  const target = pageRoute('limits');
  const words = limitsWords(limits);
  return (
    <a
      class="badge badge-limited"
      href={href(target)}
      onClick={(e) => followLink(e, target)}
      title={words}
      aria-label={m.limitedType(limits.type, words)}
      data-testid={`type-limited-${limits.type}`}
    >
      {m.limited}
    </a>
  );
}

/** An empty cell, which screen readers read as "none" rather than as a dash. */
function None() {
  return (
    <span class="muted">
      <span aria-hidden="true">—</span>
      <span class="visually-hidden">{m.noLimit}</span>
    </span>
  );
}

/** "3 / 20": how much of a limit is in use, marked once it is all used. */
function Usage({ used, limit }: { used: number; limit: number }) {
  const full = used >= limit;
  return (
    <span class={full ? 'limit-full' : undefined}>
      {m.usedOf(used, limit)}
      {full && <span class="visually-hidden"> {m.atLimit}</span>}
    </span>
  );
}

function HeldUntil({ until }: { until: string }) {
  const at = Date.parse(until);
  return (
    <span class="badge badge-warning">
      <time dateTime={until} title={formatTime(at)}>
        {formatRelative(at)}
      </time>
    </span>
  );
}

function RowActions(props: { limits: Limits; onEdit: () => void; onRemoved: () => void }) {
  const { busy, run } = useAction();
  const { type } = props.limits;
  const remove = async () => {
    const ok = await confirmAction({
      title: m.confirmRemoveLimits(type),
      body: m.confirmRemoveLimitsBody,
      confirmLabel: m.actions.remove,
      danger: true,
    });
    if (!ok) return;
    const removed = await run(
      () => api.removeLimits(type),
      () => m.removedLimits(type),
    );
    if (removed) props.onRemoved();
  };
  return (
    <div class="row-actions">
      <button
        type="button"
        class="button button-small"
        disabled={busy}
        aria-label={m.editLimits(type)}
        data-testid={`limits-edit-${type}`}
        onClick={props.onEdit}
      >
        <EditIcon size={14} />
        {m.edit}
      </button>
      <button
        type="button"
        class="button button-small button-danger-quiet"
        disabled={busy}
        aria-label={m.removeLimits(type)}
        data-testid={`limits-remove-${type}`}
        onClick={() => void remove()}
      >
        <TrashIcon size={14} />
        {m.actions.remove}
      </button>
    </div>
  );
}

function LimitsTable(props: {
  limits: Limits[];
  canWrite: boolean;
  onEdit: (l: Limits) => void;
  onRemoved: () => void;
}) {
  const c = m.limitColumns;
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={m.limits}>
      <table class="types-table limits-table" data-testid="limits-table">
        <thead>
          <tr>
            <th scope="col">{c.type}</th>
            <th scope="col">{c.rate}</th>
            <th scope="col" class="num">
              {c.concurrency}
            </th>
            <th scope="col" class="num">
              {c.active}
            </th>
            <th scope="col" class="num">
              {c.starts}
            </th>
            <th scope="col">{c.group}</th>
            <th scope="col">{c.heldUntil}</th>
            {props.canWrite && <th scope="col">{c.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {props.limits.map((l) => (
            <tr key={l.type} data-testid={`limits-${l.type}`}>
              <th scope="row" class="limits-type">
                {l.type}
              </th>
              <td data-testid={`limits-rate-${l.type}`}>{l.rate ? rateWords(l.rate) : <None />}</td>
              <td class="num" data-testid={`limits-concurrency-${l.type}`}>
                {l.concurrency === null ? <None /> : num(l.concurrency)}
              </td>
              <td class="num" data-testid={`limits-active-${l.type}`}>
                {l.concurrency === null ? num(l.active) : <Usage used={l.active} limit={l.concurrency} />}
              </td>
              <td class="num" data-testid={`limits-starts-${l.type}`}>
                {l.rate ? <Usage used={l.recentStarts} limit={l.rate.max} /> : <None />}
              </td>
              <td class="limits-group" data-testid={`limits-group-${l.type}`}>
                {l.group ? pairWords(l.group) : <None />}
              </td>
              <td data-testid={`limits-held-${l.type}`}>
                {l.heldUntil ? <HeldUntil until={l.heldUntil} /> : <None />}
              </td>
              {props.canWrite && (
                <td class="actions-cell">
                  <RowActions limits={l} onEdit={() => props.onEdit(l)} onRemoved={props.onRemoved} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LimitsPage() {
  const { canWrite } = useStore(configStore);
  const { value, error, reload } = useRefreshed(api.limits, REFRESH_MS);
  const limits = value?.filter(shown) ?? null;
  // Each edit, save or cancel makes a new form (a new key), filled from the row edited.
  const [form, setForm] = useState({ key: 0, editing: null as Limits | null, focus: false });
  const openForm = (editing: Limits | null) => setForm((f) => ({ key: f.key + 1, editing, focus: true }));
  const tableCard = useRef<HTMLElement>(null);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{m.limits}</h1>
      </div>
      <p class="muted">{m.limitsIntro}</p>
      <section class="card" aria-label={m.limits} tabIndex={-1} ref={tableCard} data-testid="limits-card">
        {error !== null && value === null && (
          <p class="muted" role="alert">
            {m.actionFailed(errorText(error))}
          </p>
        )}
        {value === null && error === null && <p class="muted">{m.loading}</p>}
        {limits?.length === 0 && (
          <p class="muted empty-note" data-testid="limits-empty">
            {m.noLimits} {canWrite && m.noLimitsHint}
          </p>
        )}
        {limits && limits.length > 0 && (
          <LimitsTable
            limits={limits}
            canWrite={canWrite}
            onEdit={openForm}
            onRemoved={() => {
              // The row and its buttons go: focus stays on the page, on the table's card.
              tableCard.current?.focus();
              reload();
            }}
          />
        )}
      </section>
      {canWrite && (
        <LimitsForm
          key={form.key}
          editing={form.editing}
          limits={limits}
          focus={form.focus}
          onSaved={() => {
            openForm(null);
            reload();
          }}
          onCancel={() => openForm(null)}
        />
      )}
    </div>
  );
}
