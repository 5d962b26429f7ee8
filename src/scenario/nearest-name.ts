/** The name a mistyped one most likely meant (a `--param` typo), for the fix in an error message. */

/** The closest of `names` to `typed` within two edits (fewer for short names), or null. */
export function nearestName(typed: string, names: Iterable<string>): string | null {
  const limit = Math.min(2, Math.floor(typed.length / 2));
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name ?? null;
}

/** Levenshtein distance (insert, delete, replace), one row at a time. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
