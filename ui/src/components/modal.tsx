import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A native modal <dialog>: the browser traps focus, closes it on Escape and gives focus back
 * to where it was when it closes.
 */
export function Modal(props: {
  open: boolean;
  onClose: () => void;
  labelledBy: string;
  class?: string;
  /** Escape and outside clicks do nothing (while an action runs). */
  locked?: boolean;
  children: ComponentChildren;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const dialog = ref.current!;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  useLayoutEffect(() => () => ref.current?.close(), []);
  return (
    <dialog
      ref={ref}
      class={`modal ${props.class ?? ''}`}
      aria-labelledby={props.labelledBy}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.locked) props.onClose();
      }}
      onMouseDown={(e) => {
        // A press on the backdrop lands on the <dialog> itself, whose content fills it.
        if (e.target === e.currentTarget && !props.locked) props.onClose();
      }}
    >
      {props.open && <div class="modal-body">{props.children}</div>}
    </dialog>
  );
}
