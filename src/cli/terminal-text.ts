/**
 * Server-sent text made safe for a terminal. A server chooses event types, data, ids and parts of
 * error messages; written raw, an ESC starts a control sequence (OSC 52 writes the clipboard, CSI
 * moves the cursor and rewrites lines, OSC 8 hides a link behind text), a C1 control does the same
 * in one character, CR and LF forge whole output lines, and the bidirectional overrides reorder what
 * is shown (Unicode TR 9; "Trojan Source", CVE-2021-42574).
 *
 * Each such character is shown as a visible escape instead: `\n`, `\r`, `\xHH` for the other C0
 * controls, DEL and C1 controls, `\uHHHH` for the bidirectional formatting characters and the line
 * and paragraph separators. Tab is kept: it only moves to the next tab stop, and tab-separated text
 * stays readable. A backslash is kept too: the escapes are for reading; `--json` gives the exact text.
 */

// C0 but tab, DEL, C1; ALM; LRM, RLM; LS, PS; LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI.
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

// What JSON.stringify leaves raw that a terminal still acts on (it escapes C0 itself).
const UNSAFE_IN_JSON = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const hex = (char: string, width: number) => char.charCodeAt(0).toString(16).padStart(width, '0');

function visible(char: string): string {
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  return char.charCodeAt(0) <= 0x9f ? `\\x${hex(char, 2)}` : `\\u${hex(char, 4)}`;
}

/** `text` with every control character and bidirectional override shown as an escape (tabs kept). */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/**
 * A JSON text with the characters JSON.stringify leaves raw but a terminal acts on (DEL, C1, the
 * bidirectional overrides) written as `\uHHHH` escapes: the same JSON value, safe on a terminal.
 */
export function terminalJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (char) => `\\u${hex(char, 4)}`);
}
