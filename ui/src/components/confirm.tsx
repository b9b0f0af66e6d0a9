import { useState } from 'preact/hooks';
import { m } from '../messages';
import { createStore, useStore } from '../store';
import { Modal } from './modal';

interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  /** The dismiss button's label (default: Cancel). */
  dismissLabel?: string;
  /** With a label, the dialog asks for a free-text reason too (optional to fill in). */
  reasonLabel?: string;
  danger?: boolean;
  resolve: (ok: boolean, reason: string) => void;
}

const confirmStore = createStore<ConfirmRequest | null>(null);

/** Asks the user to confirm an action; resolves true when they do. */
export function confirmAction(request: Omit<ConfirmRequest, 'resolve' | 'reasonLabel'>): Promise<boolean> {
  confirmStore.get()?.resolve(false, '');
  return new Promise((resolve) => confirmStore.set({ ...request, resolve: (ok) => resolve(ok) }));
}

/** Asks the user to confirm an action and give an optional reason; resolves null when they do not. */
export function confirmWithReason(
  request: Omit<ConfirmRequest, 'resolve'> & { reasonLabel: string },
): Promise<string | null> {
  confirmStore.get()?.resolve(false, '');
  return new Promise((resolve) =>
    confirmStore.set({ ...request, resolve: (ok, reason) => resolve(ok ? reason : null) }),
  );
}

export function ConfirmHost() {
  const request = useStore(confirmStore);
  const [reason, setReason] = useState('');
  const answer = (ok: boolean) => {
    request?.resolve(ok, reason.trim());
    setReason('');
    confirmStore.set(null);
  };
  return (
    <Modal
      open={request !== null}
      onClose={() => answer(false)}
      labelledBy="confirm-title"
      class="modal-small"
      testId="confirm"
    >
      {request && (
        <>
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.body}</p>
          {request.reasonLabel && (
            <label class="field">
              <span class="field-label">{request.reasonLabel}</span>
              <input
                type="text"
                maxLength={1000}
                value={reason}
                onInput={(e) => setReason(e.currentTarget.value)}
                data-testid="confirm-reason"
              />
            </label>
          )}
          <div class="modal-actions">
            <button type="button" class="button" onClick={() => answer(false)} autofocus>
              {request.dismissLabel ?? m.cancel}
            </button>
            <button
              type="button"
              class={`button ${request.danger ? 'button-danger' : 'button-primary'}`}
              onClick={() => answer(true)}
              data-testid="confirm-ok"
            >
              {request.confirmLabel}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
