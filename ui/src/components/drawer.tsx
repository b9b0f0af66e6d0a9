import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

/**
 * A side panel over the right of the page (the whole screen on a phone). It is not modal:
 * the list beside it stays usable, so the next job opens with one click or `j` + Enter.
 * Focus moves into it when it opens and back where it was when it closes; Escape closes it.
 */
export function Drawer(props: {
  labelledBy: string;
  /** The id of an element describing the panel further (a job's title). */
  describedBy?: string;
  onClose: () => void;
  children: ComponentChildren;
  testId?: string;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const close = useRef(props.onClose);
  close.current = props.onClose;

  // A layout effect: focus goes back in the same commit that removes the panel.
  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const heading = panel.current?.querySelector<HTMLElement>(`#${props.labelledBy}`);
    heading?.focus({ preventScroll: true });
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Back to where focus was, unless the user has moved on elsewhere in the page.
      const now = document.activeElement;
      const lost = !now || now === document.body || panel.current?.contains(now);
      if (before?.isConnected && lost) before.focus({ preventScroll: true });
    };
  }, []);

  return (
    <div
      ref={panel}
      class="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby={props.labelledBy}
      aria-describedby={props.describedBy}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}
