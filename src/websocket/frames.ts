import { ProtocolError } from '../core/errors';

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
    if (typeof data === 'string') text = data;
    else {
      const bytes = toBytes(data);
      if (!bytes) return { error: new ProtocolError(`${this.where} sent a frame of an unknown kind; skipped.`) };
      if (bytes.byteLength > this.maxMessageSize) return { error: this.tooLarge(bytes.byteLength) };
      try {
        text = this.decodeBinary(bytes);
      } catch (cause) {
        return { error: new ProtocolError(`${this.where} sent a binary frame that decodeBinary could not read; skipped.`, { cause }) };
      }
    }
    if (text.length > this.maxMessageSize) return { error: this.tooLarge(text.length) };
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
 */
function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

const utf8 = new TextDecoder();
/** The default binary decoder: UTF-8. @internal */
export const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);
