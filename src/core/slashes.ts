/**
 * A text without its trailing slashes, in time linear in its length: `/\/+$/` tries every slash of a run as a start
 * and reads the run to its end each time, so a base URL with a long run of slashes before its last character
 * (100,000 of them) took seconds per call, three calls per client. @internal
 */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end -= 1;
  return text.slice(0, end);
}
