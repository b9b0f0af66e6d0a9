// A Preact hook around @tanstack/virtual-core: only the rows in view (plus a few) exist in
// the DOM, whatever the length of the list.
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { useLayoutEffect, useReducer, useState } from 'preact/hooks';

export function useVirtualList(options: {
  count: number;
  rowHeight: number;
  getScrollElement: () => HTMLElement | null;
  overscan?: number;
}): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count: options.count,
        getScrollElement: options.getScrollElement,
        estimateSize: () => options.rowHeight,
        observeElementRect,
        observeElementOffset,
        scrollToFn: elementScroll,
        overscan: options.overscan ?? 6,
        onChange: () => rerender(0),
      }),
  );
  virtualizer.setOptions({
    ...virtualizer.options,
    count: options.count,
    getScrollElement: options.getScrollElement,
    estimateSize: () => options.rowHeight,
    onChange: () => rerender(0),
  });
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  // Rows have a fixed height: a new height (density, screen size) re-lays every row.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, options.rowHeight]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return virtualizer;
}
