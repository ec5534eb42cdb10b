import { ProtocolError } from '../core/errors';
import { isArrayBuffer } from './buffered';

/** Turns inbound frames into messages, within the size limit. @internal */
export class FrameReader<In> {
  constructor(
    private readonly where: string,
    private readonly maxMessageSize: number,
    private readonly deserialize: (data: string) => In,
    private readonly decodeBinary: (data: Uint8Array) => string,
  ) {}

  /** The message in a frame, or the ProtocolError that says why it was skipped. */
  read(data: unknown): { readonly message: In } | { readonly error: ProtocolError } {
    let text: string;
    if (typeof data === 'string') {
      text = data;
      // Counted in UTF-8 bytes, as the frame travelled; a text of at most a third of the limit in code units is within it.
      if (text.length * 3 > this.maxMessageSize) {
        const size = utf8Length(text);
        if (size > this.maxMessageSize) return { error: this.tooLarge(size) };
      }
    } else {
      let bytes: Uint8Array | undefined;
      try {
        bytes = toBytes(data);
      } catch (cause) {
        // A detached ArrayBuffer (an app's implementation that transferred it): its bytes are gone.
        return { error: new ProtocolError(`${this.where} sent a binary frame whose bytes could not be read; skipped.`, { cause }) };
      }
      if (!bytes) return { error: new ProtocolError(`${this.where} sent a frame of an unknown kind; skipped.`) };
      if (bytes.byteLength > this.maxMessageSize) return { error: this.tooLarge(bytes.byteLength) };
      try {
        text = this.decodeBinary(bytes);
      } catch (cause) {
        // The default's words name no option: a client built on webSocket() (Spooled's) has no decodeBinary to give.
        const what = this.decodeBinary === decodeUtf8 ? 'that is not UTF-8' : 'that decodeBinary could not read';
        return { error: new ProtocolError(`${this.where} sent a binary frame ${what}; skipped.`, { cause }) };
      }
      // A binary frame travelled as its bytes, counted above: what it decodes to is not counted again in UTF-8 (a
      // decodeBinary that puts U+FFFD for an invalid byte makes three of it; a Latin-1 one makes two of a byte over 0x7f), only held
      // to the limit in code units, as a decodeBinary that inflates its bytes is.
      if (text.length > this.maxMessageSize) return { error: this.tooLarge(text.length) };
    }
    try {
      return { message: this.deserialize(text) };
    } catch (cause) {
      return { error: new ProtocolError(`${this.where} sent a frame that could not be read; skipped.`, { cause }) };
    }
  }

  /**
   * The report of a frame over the limit: skipped when its `size` is known (it arrived whole), or lost with the
   * socket when `ws` stopped reading it at maxPayload (the socket closes with 1009 and reconnects).
   */
  tooLarge(size?: number): ProtocolError {
    if (size === undefined) {
      return new ProtocolError(`${this.where} sent a frame larger than maxMessageSize, ${this.maxMessageSize}; it is lost, and the socket closes (1009) and reconnects.`);
    }
    return new ProtocolError(`${this.where} sent a frame of ${size} (over maxMessageSize, ${this.maxMessageSize}); skipped.`);
  }
}

/**
 * A binary frame's bytes: an ArrayBuffer (the `binaryType` the transport sets, in `ws` and browsers)
 * or a view of one (a WebSocket implementation that gives Buffers); anything else (a Blob) is unknown.
 * An ArrayBuffer is known by its internal slot (isArrayBuffer), not `instanceof`: one from another realm (a
 * WebSocket of an iframe's window, a vm context) has another realm's prototype.
 */
function toBytes(data: unknown): Uint8Array | undefined {
  if (isArrayBuffer(data)) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * The length of a text in UTF-8 bytes, as it travelled in a text frame (RFC 6455 5.6), where `maxMessageSize` is
 * counted: a browser gives the frame as a string, whose length counts UTF-16 code units, one to three bytes each (a
 * surrogate pair is four bytes; a lone surrogate three, as the U+FFFD it is sent as).
 */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

// Fatal: bytes that are not UTF-8 are refused (the frame is skipped with a ProtocolError on errors$), as ws fails a text
// frame of the same bytes (1007), rather than handed on with U+FFFD in place of what the server meant (a job id).
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** The default binary decoder: UTF-8; throws on bytes that are not UTF-8. @internal */
export const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);
