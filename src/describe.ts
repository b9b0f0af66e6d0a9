/**
 * A value as error messages show it (every layer's argument checks use it, so messages name a
 * bad value alike): long text is cut, since it may come from an HTTP request.
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}" (string)`;
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  // JSON would show NaN and Infinity as null.
  if (typeof value === 'number') return `${value} (number)`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `${text.length > 60 ? `${text.slice(0, 57)}...` : text} (${typeof value})`;
}
