import { typesStore } from '../live';
import { useStore } from '../store';

/**
 * The `<option>`s of the queue's known job types, for a type picker; the type chosen comes
 * first when the queue does not know it (yet, or any more), so a shared URL keeps its type.
 */
export function TypeOptions({ selected }: { selected: string | undefined }) {
  const types = useStore(typesStore);
  return (
    <>
      {selected && !types?.some((t) => t.type === selected) && <option value={selected}>{selected}</option>}
      {types?.map((t) => (
        <option key={t.type} value={t.type}>
          {t.type}
        </option>
      ))}
    </>
  );
}
