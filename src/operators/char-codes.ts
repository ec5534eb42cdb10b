/**
 * Fixed strings as UTF-16 code units, compared unit by unit: on hot paths this compiles to a few
 * loads, where `startsWith` stays a call. @internal
 */
export function charCodes(text: string): readonly number[] {
  const codes: number[] = [];
  for (let i = 0; i < text.length; i += 1) codes.push(text.charCodeAt(i));
  return codes;
}

/** `text` holds `codes` at `start`. */
export function hasCodesAt(text: string, start: number, codes: readonly number[]): boolean {
  for (let i = 0; i < codes.length; i += 1) if (text.charCodeAt(start + i) !== codes[i]) return false;
  return true;
}
