import { runInNewContext } from 'node:vm';
import { ProtocolError } from '../../src';
import { FrameReader, decodeUtf8 } from '../../src/websocket/frames';

const where = 'wss://example.test/socket';
const reader = (maxMessageSize = 8, decodeBinary = decodeUtf8, deserialize = (text: string): unknown => JSON.parse(text)) =>
  new FrameReader<unknown>(where, maxMessageSize, deserialize, decodeBinary);
const bytes = (text: string) => new TextEncoder().encode(text);

describe('FrameReader: what one inbound frame becomes', () => {
  it('reads a text frame, an ArrayBuffer and a view at an offset of a larger buffer (a Buffer from a pool) alike', () => {
    expect(reader().read('[1,2]')).toEqual({ message: [1, 2] });
    expect(reader().read(bytes('{"a":1}').buffer)).toEqual({ message: { a: 1 } });
    const pooled = Buffer.from('xx"hé"yy');
    expect(reader().read(pooled.subarray(2, 7))).toEqual({ message: 'hé' });
  });

  it("reads an ArrayBuffer of another realm (a WebSocket of an iframe's window): not a frame of an unknown kind", () => {
    const foreign = runInNewContext('new Uint8Array([91, 49, 93]).buffer') as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    expect(reader().read(foreign)).toEqual({ message: [1] });
  });

  // breaker27: known by its tag, an object that only says it is an ArrayBuffer was read as the bytes of its indexed properties.
  it('skips an object that only says it is an ArrayBuffer (its tag) as a frame of an unknown kind, and a SharedArrayBuffer as before', () => {
    const pretender = { [Symbol.toStringTag]: 'ArrayBuffer', length: 3, 0: 91, 1: 49, 2: 93 };
    expect(reader().read(pretender)).toEqual({ error: new ProtocolError(`${where} sent a frame of an unknown kind; skipped.`) });
    expect(reader().read(new SharedArrayBuffer(3))).toEqual({ error: new ProtocolError(`${where} sent a frame of an unknown kind; skipped.`) });
  });

  // An app's implementation that transferred the buffer it hands on: constructing a view of it threw out of onmessage.
  it('skips a detached ArrayBuffer, or a view of one, with a ProtocolError that keeps the cause; it does not throw', () => {
    const buffer = bytes('[1]').buffer;
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    for (const frame of [buffer, view]) {
      const result = reader().read(frame);
      expect(result).toEqual({ error: new ProtocolError(`${where} sent a binary frame whose bytes could not be read; skipped.`) });
      expect(((result as { error: ProtocolError }).error.cause as Error).name).toBe('TypeError');
    }
  });

  it('skips a frame of exactly maxMessageSize + 1 bytes, text or binary, and reads one of exactly the limit', () => {
    expect(reader(8).read('"123456"')).toEqual({ message: '123456' });
    expect(reader(8).read(bytes('"123456"'))).toEqual({ message: '123456' });
    const text = reader(8).read('"1234567"');
    expect(text).toEqual({ error: new ProtocolError(`${where} sent a frame of 9 (over maxMessageSize, 8); skipped.`) });
    // Measured in bytes before decoding: "é" is two bytes, so 8 characters are 9 bytes.
    const binary = reader(8).read(bytes('"12345é"'));
    expect(binary).toEqual({ error: new ProtocolError(`${where} sent a frame of 9 (over maxMessageSize, 8); skipped.`) });
  });

  // breaker23: a browser gives a text frame as a string, and its length counts UTF-16 code units, so CJK text up to
  // three times maxMessageSize in bytes got through where Node's ws (maxPayload, in bytes) stops it.
  it.each([
    ['two-byte characters', '"12345é"'],
    ['three-byte characters (CJK)', '"日本"'],
    ['a surrogate pair (four bytes)', '"1234😀"'],
    ['a lone surrogate (sent as U+FFFD, three bytes)', '"1234\ud800"'],
    // Each edge of the count: the last one-byte and first two-byte unit, the last two-byte and first three-byte one,
    // the first pair (U+10000), and lone surrogates next to a three-byte character or to each other (no pair: 3 + 3).
    ['U+007F and U+0080 (one byte, then two)', '"\u007f\u0080"'],
    ['U+07FF and U+0800 (two bytes, then three)', '"\u07ff\u0800"'],
    ['U+10000, the first surrogate pair', '"\ud800\udc00"'],
    ['a lone low surrogate after a three-byte character', '"日\udc00"'],
    ['two lone low surrogates', '"\udc00\udc00"'],
    ['a lone high surrogate before a three-byte character', '"\ud800日"'],
  ])('counts a text frame in UTF-8 bytes as it travelled: %s', (_name, frame) => {
    const size = bytes(frame).byteLength;
    expect(reader(size).read(frame)).toEqual({ message: JSON.parse(frame) });
    expect(reader(size - 1).read(frame)).toEqual({ error: new ProtocolError(`${where} sent a frame of ${size} (over maxMessageSize, ${size - 1}); skipped.`) });
  });

  // breaker24: a binary frame is counted in the bytes it travelled as; what it decodes to was counted again in UTF-8, so a
  // frame within the limit with invalid UTF-8 (each byte a three-byte U+FFFD) or read as Latin-1 was skipped as too large.
  it.each([
    ['invalid UTF-8, decoded as U+FFFD (three bytes each)', (data: Uint8Array) => new TextDecoder().decode(data), Uint8Array.of(0x22, 0xff, 0xfe, 0xff, 0x22), '"\ufffd\ufffd\ufffd"'],
    ['a Latin-1 decodeBinary (two bytes each past 0x7f)', (data: Uint8Array) => new TextDecoder('latin1').decode(data), Uint8Array.of(0x22, 0xe9, 0xe9, 0xe9, 0x22), '"ééé"'],
  ])('reads a binary frame of exactly the limit in bytes whatever its text takes in UTF-8: %s', (_name, decodeBinary, frame, json) => {
    expect(reader(frame.byteLength, decodeBinary).read(frame.buffer)).toEqual({ message: JSON.parse(json) });
    expect(reader(frame.byteLength - 1, decodeBinary).read(frame.buffer)).toEqual({
      error: new ProtocolError(`${where} sent a frame of ${frame.byteLength} (over maxMessageSize, ${frame.byteLength - 1}); skipped.`),
    });
  });

  it('holds the text a decodeBinary makes of a binary frame to the limit in code units (one that inflates its bytes)', () => {
    const inflate = (data: Uint8Array): string => `"${'x'.repeat(data.byteLength * 3)}"`;
    expect(reader(8, inflate).read(bytes('12'))).toEqual({ message: 'xxxxxx' });
    expect(reader(8, inflate).read(bytes('123'))).toEqual({ error: new ProtocolError(`${where} sent a frame of 11 (over maxMessageSize, 8); skipped.`) });
  });

  it('says a frame over the limit that ws stopped reading is lost with the socket', () => {
    expect(reader(8).tooLarge().message).toBe(`${where} sent a frame larger than maxMessageSize, 8; it is lost, and the socket closes (1009) and reconnects.`);
  });

  it('skips, with a ProtocolError and the cause, a frame of an unknown kind, one decodeBinary throws on, and one deserialize throws on', () => {
    const unknown = reader().read(new Blob(['1']));
    expect(unknown).toEqual({ error: new ProtocolError(`${where} sent a frame of an unknown kind; skipped.`) });
    const thrown = new Error('not UTF-16');
    const binary = reader(8, () => {
      throw thrown;
    }).read(bytes('1'));
    expect(binary).toEqual({ error: new ProtocolError(`${where} sent a binary frame that decodeBinary could not read; skipped.`) });
    expect((binary as { error: Error }).error.cause).toMatchObject({ message: thrown.message });
    const text = reader().read('{');
    expect(text).toEqual({ error: new ProtocolError(`${where} sent a frame that could not be read; skipped.`) });
    expect((text as { error: Error }).error.cause).toBeInstanceOf(SyntaxError);
  });

  it('skips a binary frame that is not UTF-8 by default, with a ProtocolError, as ws fails a text frame of the same bytes (hostile25)', () => {
    // Before: decoded with U+FFFD in place of the bytes, so a Spooled job.created arrived with a job id the server never sent.
    const frame = Uint8Array.of(0x22, 0x6a, 0xff, 0xfe, 0x22);
    expect(reader().read(frame.buffer)).toEqual({ error: new ProtocolError(`${where} sent a binary frame that is not UTF-8; skipped.`) });
    expect(reader().read(bytes('"j\u00e9"').buffer)).toEqual({ message: 'jé' });
  });

  it('decodes binary frames as UTF-8 by default', () => {
    expect(decodeUtf8(bytes('héllo 🚀'))).toBe('héllo 🚀');
  });
});
