/**
 * "Did you mean …?" for mistyped commands, transactions, flags and values: the closest candidate
 * by edit distance (a swap of two neighbouring letters counts as one edit), compared without case
 * and dashes, when it is close enough to be the likely intent.
 */

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const row = d[i] ?? [];
      const above = d[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] ?? 0, (d[i - 2]?.[j - 2] ?? 0) + 1);
      }
    }
  }
  return d[rows - 1]?.[columns - 1] ?? 0;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/**
 * The candidate `word` most likely meant: the nearest within a third of its length (at least 1,
 * at most 3 edits), or one it is a prefix of when that prefix names only one candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalise(word);
  if (wanted === '') return undefined;
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  const prefixed: string[] = [];
  for (const candidate of candidates) {
    const name = normalise(candidate);
    if (name.startsWith(wanted)) prefixed.push(candidate);
    const distance = editDistance(wanted, name);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? (prefixed.length === 1 ? prefixed[0] : undefined);
}

/** `; did you mean "market"?` when a candidate is close, else `''`. */
export function didYouMean(word: string, candidates: Iterable<string>, prefix = ''): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? '' : `; did you mean ${prefix}${suggestion}?`;
}
