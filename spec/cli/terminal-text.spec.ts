import type { IncomingMessage, ServerResponse } from 'node:http';
import { terminalJson, terminalText } from '../../src/cli/terminal-text';
import { type ReferenceServer, startReferenceServer } from '../../src/testing';
import { runCli } from '../helpers/cli-process';

// What a hostile server can put in front of a person: escape sequences (OSC 52 writes the clipboard, CSI
// clears the screen, OSC 8 hides a link), C1 controls (one byte each), DEL, forged lines, and the bidi
// overrides that reorder text. Text mode shows each as a visible escape; --json gives the exact text back.

/** Every character a terminal would act on, tab and the final newline of each line aside. */
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalText', () => {
  it.each([
    ['OSC 52 (a clipboard write)', '\x1b]52;c;aGVsbG8=\x07', '\\x1b]52;c;aGVsbG8=\\x07'],
    ['CSI (clear the screen, move the cursor)', '\x1b[2J\x1b[1;1H', '\\x1b[2J\\x1b[1;1H'],
    ['OSC 8 (a hidden link), ended by ST', '\x1b]8;;https://evil.example\x1b\\text', '\\x1b]8;;https://evil.example\\x1b\\text'],
    ['C1 controls (CSI, OSC, NEL in one character)', '\x9b31m\x9d0;t\x07\x85', '\\x9b31m\\x9d0;t\\x07\\x85'],
    ['NUL, BEL, BS, VT, FF, DEL', '\x00\x07\x08\x0b\x0c\x7f', '\\x00\\x07\\x08\\x0b\\x0c\\x7f'],
    ['CR and LF, which would forge lines', 'ok\r\nfake line', 'ok\\r\\nfake line'],
    ['bidi overrides and isolates (Trojan Source)', 'a\u202ecod.exe\u202c\u2066b\u2069\u200f', 'a\\u202ecod.exe\\u202c\\u2066b\\u2069\\u200f'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ])('escapes %s', (_what, text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });

  it('keeps tabs, backslashes and printable Unicode as they are', () => {
    const text = 'name\tvalue C:\\path 日本語 café 🚀 \u00a0 ÿ';
    expect(terminalText(text)).toBe(text);
  });

  it('terminalJson escapes what JSON.stringify leaves raw, and the JSON still parses to the same value', () => {
    const value = { text: '\x1b]52;c;x\x07 \x9b2J \x7f \u202e \u2028 \t ok' };
    const json = terminalJson(JSON.stringify(value));
    expect(json).not.toMatch(RAW_CONTROL);
    expect(json).toContain('\\u009b2J \\u007f \\u202e \\u2028');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('rx-realtime tail in front of a hostile server', () => {
  const type = '\x1b]52;c;aGVsbG8=\x07job\u202e';
  const data = '\x1b[2J\x1b[1;1Hcleared\x9b31mred\x7f\u2066x\u2069\tTab\nforged line';
  const id = '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07';
  let server: ReferenceServer;
  beforeAll(async () => {
    const hostile = (request: IncomingMessage, response: ServerResponse): boolean => {
      if (request.url === '/hostile') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`event: ${type}\n${data.split('\n').map((line) => `data: ${line}\n`).join('')}id: ${id}\n\n`);
        return true;
      }
      if (request.url === '/hostile-head') {
        // A server-chosen content type becomes part of the error message (Node allows C1 in a header).
        response.writeHead(200, { 'content-type': 'text/\x9b2Jplain' });
        response.end();
        return true;
      }
      return false;
    };
    server = await startReferenceServer({ handle: hostile });
  });
  afterAll(() => server.close());

  const oneLine = (stdout: string) => stdout.includes('\n');

  it('text mode: type, data and id are shown escaped, one line per event', async () => {
    const result = await runCli(['tail', `${server.url}/hostile`], { stopWhen: oneLine });
    expect(result.code).toBe(0);
    const [line, ...rest] = result.stdout.split('\n');
    expect(rest).toEqual(['']);
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} {2}\\x1b]52;c;aGVsbG8=\\x07job\\u202e /);
    expect(line).toContain(' \\x1b[2J\\x1b[1;1Hcleared\\x9b31mred\\x7f\\u2066x\\u2069\tTab\\nforged line  #\\x1b]8;;https://evil.example\\x07click\\x1b]8;;\\x07');
  }, 30_000);

  it('--json: the exact text comes back from the JSON, and no raw control character is written', async () => {
    const result = await runCli(['tail', `${server.url}/hostile`, '--json'], { stopWhen: oneLine });
    expect(result.code).toBe(0);
    const line = result.stdout.split('\n')[0]!;
    expect(line).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(line)).toEqual({ type, data, id });
  }, 30_000);

  it('status lines: server-chosen text in an error message is escaped too', async () => {
    const result = await runCli(['tail', `${server.url}/hostile-head`]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(result.stderr).toContain('» failed: ProtocolError:');
    expect(result.stderr).toContain('"text/\\x9b2Jplain"');
  }, 30_000);
});
