// How the terminal commands show times and tables.

/** A time as the terminal shows it: ISO in UTC, to the second; '-' for none. */
export const when = (d: Date | null | undefined): string =>
  d ? `${d.toISOString().slice(0, 19).replace('T', ' ')}Z` : '-';

/** Rows as lines of columns aligned by two spaces (the last column is not padded). */
export function alignedTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  '));
}
