import { m } from '../messages';
import { createStore, useStore } from '../store';
import { Modal } from './modal';

interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

const confirmStore = createStore<ConfirmRequest | null>(null);

/** Asks the user to confirm an action; resolves true when they do. */
export function confirmAction(request: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  confirmStore.get()?.resolve(false);
  return new Promise((resolve) => confirmStore.set({ ...request, resolve }));
}

export function ConfirmHost() {
  const request = useStore(confirmStore);
  const answer = (ok: boolean) => {
    request?.resolve(ok);
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
          <div class="modal-actions">
            <button type="button" class="button" onClick={() => answer(false)} autofocus>
              {m.cancel}
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
