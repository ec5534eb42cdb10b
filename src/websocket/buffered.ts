/**
 * What `send()` may hand to an open socket: the bytes it holds that are not yet on the network
 * (`bufferedAmount`, WHATWG WebSockets; `ws` has the same) plus the new frame stay within a bound.
 * A server that never reads, or a link slower than the sends, then costs at most that much memory,
 * in Node as in a browser. @internal
 */

type Frame = string | ArrayBufferLike | ArrayBufferView;

/** The default `maxBufferedAmount`: 4 MiB, four times the default `maxMessageSize`. @internal */
export const DEFAULT_MAX_BUFFERED_AMOUNT = 4 * 1024 * 1024;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The bytes a frame adds to `bufferedAmount`: a string as its UTF-8 encoding (a lone surrogate
 * becomes U+FFFD, 3 bytes), binary data as its length. Frame headers are not counted. @internal
 */
export function frameBytes(frame: Frame): number {
  if (typeof frame !== 'string') return frame.byteLength;
  if (!NON_ASCII.test(frame)) return frame.length;
  let bytes = 0;
  for (let index = 0; index < frame.length; index++) {
    const unit = frame.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(frame.charCodeAt(index + 1))) {
      bytes += 4;
      index += 1;
    } else bytes += 3;
  }
  return bytes;
}

const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** A socket's `bufferedAmount`, 0 for an implementation that does not show one (a number is all that counts). @internal */
export function bufferedAmountOf(socket: { readonly bufferedAmount?: unknown }): number {
  const { bufferedAmount } = socket;
  return typeof bufferedAmount === 'number' && bufferedAmount > 0 ? bufferedAmount : 0;
}
