/**
 * What `send()` may hand to an open socket: the bytes it holds that are not yet on the network
 * (`bufferedAmount`, WHATWG WebSockets; `ws` has the same) plus the new frame stay within a bound.
 * A server that never reads, or a link slower than the sends, then costs at most that much memory,
 * in Node as in a browser. @internal
 */

import { isInstance } from '../core/error-like';
import { kindOf } from '../core/options';

/** What a socket can send: text, or binary data (WHATWG WebSockets `send()`; `ws` takes the same). @internal */
export type Frame = string | ArrayBufferLike | ArrayBufferView;

/**
 * The `byteLength` getters of ArrayBuffer and (where the platform has it) SharedArrayBuffer: each reads a buffer of its
 * kind from any realm (an iframe's, a vm context's) by its internal slot, and throws for anything else, an object whose
 * `Symbol.toStringTag` only claims the kind included.
 */
const byteLengthOf = (kind: { prototype: object } | undefined) =>
  kind === undefined ? undefined : Object.getOwnPropertyDescriptor(kind.prototype, 'byteLength')?.get;
const ARRAY_BUFFER_LENGTH = byteLengthOf(ArrayBuffer)!;
const SHARED_BUFFER_LENGTH = byteLengthOf((globalThis as { SharedArrayBuffer?: { prototype: object } }).SharedArrayBuffer);

/** Whether a `byteLength` getter above reads the value, so the value has that kind's internal slot. */
function holds(getter: (() => unknown) | undefined, value: unknown): boolean {
  if (getter === undefined) return false;
  try {
    getter.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether a value is an ArrayBuffer of any realm, by its internal slot, never by its tag. @internal */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return holds(ARRAY_BUFFER_LENGTH, value);
}

/** Binary data a socket sends as a binary frame: an ArrayBuffer or SharedArrayBuffer of any realm, or a view of one. @internal */
export function isBinaryFrame(value: unknown): value is ArrayBufferLike | ArrayBufferView {
  return ArrayBuffer.isView(value) || isArrayBuffer(value) || holds(SHARED_BUFFER_LENGTH, value);
}

/** The prototypes of binary data: a value that inherits from one but is none (a Proxy of a typed array) claims to be binary. */
const BINARY_KINDS = [Object.getPrototypeOf(Uint8Array) as abstract new () => unknown, DataView, ArrayBuffer];

/** Whether a value inherits from a binary kind without being binary data (a Proxy of a typed array). @internal */
export function claimsBinary(message: unknown): boolean {
  return BINARY_KINDS.some((kind) => isInstance(message, kind));
}

/**
 * The frame an app's `serialize` made of a message, checked: a string, an ArrayBuffer (or
 * SharedArrayBuffer) or an ArrayBufferView (a typed array, a DataView, a Buffer). Anything else is a
 * TypeError naming what was returned: it would fail later inside the socket, where no caller hears it.
 * A buffer of another realm (an iframe, a worker's transfer) passes; an object that only says it is one does not. @internal
 */
export function checkedFrame(frame: unknown): Frame {
  if (typeof frame === 'string') return frame;
  if (isBinaryFrame(frame)) return attached(frame);
  throw new TypeError(`webSocket serialize returned ${kindOf(frame)}; a frame is a string, an ArrayBuffer or an ArrayBufferView (a typed array, a DataView, a Buffer).`);
}

/**
 * Binary data whose bytes are still there: one whose buffer was transferred (detached) is a TypeError, whether the
 * socket is open or not (an open `ws` threw its own "Cannot perform Construct on a detached ArrayBuffer", a browser may
 * send an empty frame; the outbox could not copy it).
 */
function attached(frame: ArrayBufferLike | ArrayBufferView): Frame {
  try {
    frameView(frame);
  } catch {
    throw new TypeError('webSocket cannot send binary data whose buffer is detached (transferred elsewhere): there are no bytes left to send.');
  }
  return frame;
}

/**
 * A binary frame's bytes, as a view of what it covers (no copy). @internal
 */
export function frameView(frame: ArrayBufferLike | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(frame) ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : new Uint8Array(frame);
}

/**
 * A frame the library keeps (in the outbox until the socket opens, a topic's messages for every
 * reconnect) as a copy of its own, taken at the call as a socket's `send()` takes it: the app may
 * reuse or transfer its buffer afterwards. A string is kept as it is; a copy is a plain
 * ArrayBuffer's, whatever backed the original. The frame comes from {@link checkedFrame}, so its buffer is attached. @internal
 */
export function heldFrame(frame: Frame): Frame {
  return typeof frame === 'string' ? frame : new Uint8Array(frameView(frame));
}

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
