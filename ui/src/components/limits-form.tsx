// The form that sets a job type's limits: the type (one the queue knows, or typed in), a
// rate and a concurrency, where an empty field means no such limit. The server checks every
// value, so a bad one answers with the same message the JavaScript API gives.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useAction } from '../action';
import { api, type Limits, type LimitsChange } from '../api';
import { DURATION_UNITS, hasLimits, hasOwnLimits, pairWords, wholeUnits, type DurationUnit } from '../format';
import { typesStore } from '../live';
import { m } from '../messages';
import { useStore } from '../store';

/** The form's fields as typed. */
interface Draft {
  type: string;
  max: string;
  duration: string;
  unit: DurationUnit;
  concurrency: string;
}

function draftOf(limits: Limits | null): Draft {
  const window = limits?.rate ? wholeUnits(limits.rate.duration) : undefined;
  return {
    type: limits?.type ?? '',
    max: limits?.rate ? String(limits.rate.max) : '',
    duration: window ? String(window.amount) : '',
    unit: window?.unit ?? 's',
    concurrency: limits && limits.concurrency !== null ? String(limits.concurrency) : '',
  };
}

/** An empty field is no such limit; anything else goes as typed, for the server to judge. */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

function durationOf(amount: number | undefined, unit: DurationUnit): number | undefined {
  if (amount === undefined) return undefined;
  const ms = amount * DURATION_UNITS.find(([u]) => u === unit)![1];
  // 1.1 s is 1100 ms, not the 1100.0000000000002 floating point makes of it; a true
  // fraction of a millisecond stays one, which the server refuses.
  return Math.abs(ms - Math.round(ms)) < 1e-6 ? Math.round(ms) : ms;
}

/**
 * The change the form asks for: every limit as the form says, empty ones removed. A rate
 * with one part empty goes without it, so the server's message names the missing part.
 */
function changeOf(draft: Draft): LimitsChange {
  const max = numberOf(draft.max);
  const duration = durationOf(numberOf(draft.duration), draft.unit);
  return {
    rate: max === undefined && duration === undefined ? null : { max, duration },
    concurrency: numberOf(draft.concurrency) ?? null,
  };
}

/**
 * A number field without the browser's range and step checks: 0 or 1.5 go to the server,
 * whose message says what is allowed. Text that is no number at all the browser refuses.
 * Its description is the form's hint: empty means no such limit.
 */
function NumberInput(props: { label?: string; testId: string; value: string; onInput: (e: Event) => void }) {
  return (
    <input
      class="input input-number"
      type="number"
      step="any"
      aria-label={props.label}
      aria-describedby="limits-form-hint"
      data-testid={props.testId}
      value={props.value}
      onInput={props.onInput}
    />
  );
}

export function LimitsForm(props: {
  /** The row being edited, whose values fill the form; null for a new type. */
  editing: Limits | null;
  /** The limits listed now: saving over a type that has some says so first. */
  limits: Limits[] | null;
  /** Puts focus in the form as it appears (it appears after an edit, a save or a cancel). */
  focus: boolean;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const { editing } = props;
  const types = useStore(typesStore);
  const [draft, setDraft] = useState(() => draftOf(editing));
  const { busy, run } = useAction();
  const typeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (props.focus) typeInput.current?.focus();
  }, []);

  const field = (name: Exclude<keyof Draft, 'unit'>) => ({
    value: draft[name],
    onInput: (e: Event) => {
      const value = (e.currentTarget as HTMLInputElement).value;
      setDraft((d) => ({ ...d, [name]: value }));
    },
  });
  const replaces =
    draft.type !== editing?.type && props.limits?.some((l) => l.type === draft.type && hasOwnLimits(l)) === true;

  const submit = async (e: Event) => {
    e.preventDefault();
    // The button stays enabled while saving (a disabled button would drop the focus).
    if (busy) return;
    const saved = await run(
      () => api.setLimits(draft.type, changeOf(draft)),
      (after) => (hasLimits(after) ? m.savedLimits(after.type) : m.removedLimits(after.type)),
    );
    if (saved) props.onSaved();
  };

  return (
    <section class="card" aria-labelledby="limits-form-heading">
      <h2 id="limits-form-heading">{editing ? m.editLimitsHeading(editing.type) : m.limitsHeading}</h2>
      <form class="limits-form" onSubmit={(e) => void submit(e)} aria-busy={busy} data-testid="limits-form">
        <div class="limits-fields">
          <label class="form-field">
            <span class="field-label">{m.limitType}</span>
            <input
              ref={typeInput}
              class="input limits-type-input"
              list="limits-known-types"
              required
              autocomplete="off"
              spellcheck={false}
              placeholder={m.limitTypePlaceholder}
              aria-describedby={replaces ? 'limits-replaces' : undefined}
              data-testid="limits-type"
              {...field('type')}
            />
          </label>
          <datalist id="limits-known-types">
            {types?.map((t) => (
              <option key={t.type} value={t.type} />
            ))}
          </datalist>
          <fieldset class="form-field">
            <legend class="field-label">{m.rateLegend}</legend>
            <div class="limits-rate">
              <NumberInput label={m.rateMax} testId="limits-rate-max" {...field('max')} />
              <span class="muted">{m.ratePer}</span>
              <NumberInput label={m.rateDuration} testId="limits-rate-duration" {...field('duration')} />
              <select
                aria-label={m.rateUnit}
                value={draft.unit}
                data-testid="limits-rate-unit"
                onChange={(e) => {
                  const unit = e.currentTarget.value as DurationUnit;
                  setDraft((d) => ({ ...d, unit }));
                }}
              >
                {DURATION_UNITS.map(([unit]) => (
                  <option key={unit} value={unit}>
                    {m.units[unit]}
                  </option>
                ))}
              </select>
            </div>
          </fieldset>
          <label class="form-field">
            <span class="field-label">{m.limitConcurrency}</span>
            <NumberInput testId="limits-concurrency" {...field('concurrency')} />
          </label>
        </div>
        <p class="muted" id="limits-form-hint">
          {m.limitsFormHint}
        </p>
        {editing?.group && (
          <p class="muted" data-testid="limits-group-note">
            {m.groupLimitsStay(pairWords(editing.group))}
          </p>
        )}
        {replaces && (
          <p class="limits-replaces" id="limits-replaces" data-testid="limits-replaces">
            {m.replacesLimits(draft.type)}
          </p>
        )}
        <div class="limits-form-actions">
          <button type="submit" class="button button-primary" aria-disabled={busy} data-testid="limits-save">
            {m.saveLimits}
          </button>
          {editing && (
            <button type="button" class="button" onClick={props.onCancel} data-testid="limits-cancel">
              {m.cancelEdit}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
