/**
 * Matches an event type against globs where `*` stands for any run of characters. The reference
 * server has its own copy on purpose: it shares no code with the client it is used to test. The
 * globs come from a client's query, so matching never backtracks: each literal piece is looked for
 * once, left to right, and the last one must end the type.
 */
export type Glob = readonly string[];

/** A glob as its literal pieces: `job.*.failed` is `['job.', '.failed']`. */
export function parseGlob(glob: string): Glob {
  return glob.split('*');
}

/** Whether `type` matches one of `globs`; no globs means every type. */
export function matchesAny(type: string, globs: readonly Glob[]): boolean {
  return globs.length === 0 || globs.some((pieces) => matches(type, pieces));
}

function matches(type: string, pieces: Glob): boolean {
  if (pieces.length === 1) return type === pieces[0];
  if (!type.startsWith(pieces[0]!)) return false;
  let position = pieces[0]!.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = type.indexOf(piece, position);
    if (found === -1) return false;
    position = found + piece.length;
  }
  const last = pieces[pieces.length - 1]!;
  return type.length - last.length >= position && type.endsWith(last);
}
