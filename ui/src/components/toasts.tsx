import { m } from '../messages';
import { useStore } from '../store';
import { dismissToast, toastsStore } from '../toasts';
import { AlertIcon, CheckIcon, CloseIcon } from './icons';

export function Toasts() {
  const toasts = useStore(toastsStore);
  return (
    <div class="toasts" role="region" aria-label={m.notifications} aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid={`toast-${t.kind}`}>
          {t.kind === 'error' ? <AlertIcon /> : <CheckIcon />}
          <span class="toast-text">{t.text}</span>
          <button type="button" class="icon-button" aria-label={m.close} onClick={() => dismissToast(t.id)}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
