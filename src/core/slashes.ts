/**
 * A text without its trailing slashes and backslashes, in time linear in its length: `/\/+$/` tries every slash of a
 * run as a start and reads the run to its end each time, so a base URL with a long run of slashes before its last
 * character (100,000 of them) took seconds per call, three calls per client. A trailing `\` is cut as URL parsing
 * reads one in an http(s) or ws(s) URL (and in a relative one a page resolves): as `/`; a parsed URL's path or `href`
 * has none there. @internal
 */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x2f || text.charCodeAt(end - 1) === 0x5c)) end -= 1;
  return text.slice(0, end);
}

/**
 * A text as WHATWG URL reads it at its ends: without tabs and newlines (anywhere) and without leading and trailing
 * C0 controls and spaces, in time linear in its length. A base URL read from a file or a variable with its trailing
 * newline (`https://api.example/\n`) names `https://api.example/` alone, but with a path after it the newline and
 * space stay inside: `https://api.example//api/v1/events`, `https://api.example/%20/api/v1/events`. @internal
 */
export function trimmedAsUrl(text: string): string {
  const read = text.replace(/[\t\n\r]/g, '');
  let start = 0;
  let end = read.length;
  while (start < end && read.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && read.charCodeAt(end - 1) <= 0x20) end -= 1;
  return read.slice(start, end);
}
