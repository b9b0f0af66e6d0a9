// Job data as a collapsible tree, rendered as text only. Huge values never freeze the page:
// collapsed branches render nothing, long lists show their first items and long strings
// their first characters, each with a "show all".
import { useMemo, useState } from 'preact/hooks';
import { m } from '../messages';
import { toast } from '../toasts';
import { CopyIcon } from './icons';

const FIRST_ITEMS = 100;
const FIRST_CHARS = 400;
/** "Expand all" opens as many levels as keep the tree under this many rows. */
const EXPAND_BUDGET = 3_000;
/** The tree opens as many levels (two at most) as keep it under this many rows. */
const FIRST_VIEW_BUDGET = 400;

type Json = unknown;

const isBranch = (v: Json): v is Record<string, Json> | Json[] => v !== null && typeof v === 'object';
const size = (v: Record<string, Json> | Json[]) => (Array.isArray(v) ? v.length : Object.keys(v).length);

/** How many levels open while the number of rows stays within `budget`. */
function depthWithin(value: Json, budget: number): number {
  let level: Json[] = [value];
  let rows = 1;
  for (let depth = 0; depth < 50; depth++) {
    const next: Json[] = [];
    for (const v of level) {
      if (!isBranch(v)) continue;
      const children = Array.isArray(v) ? v.slice(0, FIRST_ITEMS) : Object.values(v).slice(0, FIRST_ITEMS);
      rows += children.length;
      if (rows > budget) return depth;
      next.push(...children);
    }
    if (next.length === 0) return depth + 1;
    level = next;
  }
  return 50;
}

function Primitive({ value }: { value: Json }) {
  const [all, setAll] = useState(false);
  if (typeof value === 'string') {
    const long = value.length > FIRST_CHARS;
    return (
      <span class="j-str">
        "{long && !all ? value.slice(0, FIRST_CHARS) : value}
        {long && !all ? '…' : ''}"
        {long && (
          <button type="button" class="link-button j-more" onClick={() => setAll(!all)}>
            {all ? m.showLess : m.showAllText(value.length)}
          </button>
        )}
      </span>
    );
  }
  if (value === null) return <span class="j-null">null</span>;
  if (typeof value === 'number') return <span class="j-num">{String(value)}</span>;
  if (typeof value === 'boolean') return <span class="j-bool">{String(value)}</span>;
  return <span class="j-null">{String(value)}</span>;
}

function Branch({
  name,
  value,
  depth,
  open: initiallyOpen,
}: {
  name: string | null;
  value: Record<string, Json> | Json[];
  depth: number;
  open: number;
}) {
  const [open, setOpen] = useState(depth < initiallyOpen);
  const [all, setAll] = useState(false);
  const array = Array.isArray(value);
  const n = size(value);
  const entries = useMemo(() => {
    if (!open) return [];
    const list: Array<[string, Json]> = array
      ? (value as Json[]).slice(0, all ? undefined : FIRST_ITEMS).map((v, i) => [String(i), v])
      : Object.entries(value).slice(0, all ? undefined : FIRST_ITEMS);
    return list;
  }, [open, all, value]);
  const summary = array ? `[${m.items(n)}]` : `{${m.keys(n)}}`;
  return (
    <li class="j-branch">
      <button type="button" class="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)} disabled={n === 0}>
        <span class="j-caret" aria-hidden="true">
          {n === 0 ? '' : open ? '▾' : '▸'}
        </span>
        {name !== null && <span class="j-key">{name}</span>}
        {name !== null && <span class="j-colon">: </span>}
        <span class="j-summary">{n === 0 ? (array ? '[]' : '{}') : summary}</span>
      </button>
      {open && n > 0 && (
        <ul class="j-children">
          {entries.map(([key, child]) => (
            <Node
              key={key}
              name={array ? key : JSON.stringify(key).slice(1, -1)}
              value={child}
              depth={depth + 1}
              open={initiallyOpen}
            />
          ))}
          {!all && n > FIRST_ITEMS && (
            <li>
              <button type="button" class="link-button j-more" onClick={() => setAll(true)}>
                {m.moreItems(n - FIRST_ITEMS)} · {m.showAll(n)}
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

function Node({ name, value, depth, open }: { name: string | null; value: Json; depth: number; open: number }) {
  if (isBranch(value)) return <Branch name={name} value={value} depth={depth} open={open} />;
  return (
    <li class="j-leaf">
      {name !== null && <span class="j-key">{name}</span>}
      {name !== null && <span class="j-colon">: </span>}
      <Primitive value={value} />
    </li>
  );
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast('success', m.copied);
  } catch {
    // No clipboard permission (an insecure origin, say): select-and-copy still works.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    toast(ok ? 'success' : 'error', ok ? m.copied : m.copyFailed);
  }
}

/** A JSON value as a tree with copy, expand-all and collapse-all. */
export function JsonView({ value, label, testId }: { value: Json; label: string; testId?: string }) {
  // Bumping the generation remounts the tree with a new number of open levels.
  const [view, setView] = useState(() => ({ generation: 0, open: Math.min(2, depthWithin(value, FIRST_VIEW_BUDGET)) }));
  const branch = isBranch(value);
  return (
    <div class="json" data-testid={testId}>
      <div class="json-tools">
        <button
          type="button"
          class="button button-small button-quiet"
          onClick={() => void copyText(JSON.stringify(value, null, 2) ?? 'null')}
          aria-label={m.copyJson(label)}
        >
          <CopyIcon size={14} />
          {m.copy}
        </button>
        {branch && (
          <>
            <button
              type="button"
              class="button button-small button-quiet"
              onClick={() =>
                setView((v) => ({ generation: v.generation + 1, open: depthWithin(value, EXPAND_BUDGET) }))
              }
            >
              {m.expandAll}
            </button>
            <button
              type="button"
              class="button button-small button-quiet"
              onClick={() => setView((v) => ({ generation: v.generation + 1, open: 1 }))}
            >
              {m.collapseAll}
            </button>
          </>
        )}
      </div>
      <ul class="json-tree" key={view.generation}>
        <Node name={null} value={value} depth={0} open={branch ? Math.max(view.open, 1) : 0} />
      </ul>
    </div>
  );
}
