import { m } from '../messages';
import { createStore, useStore } from '../store';
import { CloseIcon } from './icons';
import { Modal } from './modal';

const openStore = createStore(false);
export const openShortcuts = (): void => openStore.set(true);

export function ShortcutsHelp() {
  const open = useStore(openStore);
  return (
    <Modal
      open={open}
      onClose={() => openStore.set(false)}
      labelledBy="shortcuts-title"
      class="modal-small"
      testId="shortcuts"
    >
      <div class="modal-head">
        <h2 id="shortcuts-title">{m.shortcutsTitle}</h2>
        <button type="button" class="icon-button" aria-label={m.close} onClick={() => openStore.set(false)}>
          <CloseIcon />
        </button>
      </div>
      <table class="shortcuts">
        <tbody>
          {m.shortcuts.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                {keys.split(' · ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' · '}
                    {k.split(' ').map((part, j) => (
                      <kbd key={j}>{part}</kbd>
                    ))}
                  </span>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
