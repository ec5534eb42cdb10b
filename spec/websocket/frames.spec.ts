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

  it('skips a frame of exactly maxMessageSize + 1, text (in characters) or binary (in bytes), and reads one of exactly the limit', () => {
    expect(reader(8).read('"123456"')).toEqual({ message: '123456' });
    expect(reader(8).read(bytes('"123456"'))).toEqual({ message: '123456' });
    const text = reader(8).read('"1234567"');
    expect(text).toEqual({ error: new ProtocolError(`${where} sent a frame of 9 (over maxMessageSize, 8); skipped.`) });
    // Measured in bytes before decoding: "é" is two bytes, so 8 characters are 9 bytes.
    const binary = reader(8).read(bytes('"12345é"'));
    expect(binary).toEqual({ error: new ProtocolError(`${where} sent a frame of 9 (over maxMessageSize, 8); skipped.`) });
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

  it('decodes binary frames as UTF-8 by default', () => {
    expect(decodeUtf8(bytes('héllo 🚀'))).toBe('héllo 🚀');
  });
});
