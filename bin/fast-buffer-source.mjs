// The byte-type checks of @peculiar/utils 4.1.0 (build/bytes/buffer-source.js, MIT), as
// bin/build-cli.mjs bundles them into the `vanthu` commands in place of the package's own file:
// the same functions, the same answers, with the common arguments (this realm's typed arrays and
// ArrayBuffers) recognised by ArrayBuffer.isView and instanceof before Object.prototype.toString.
//
// Why: asn1js 4 calls toUint8Array in the constructor of every block it makes (four per ASN.1
// element), and the package's checks call Object.prototype.toString four times for a typed
// array, each building a new string: 46 calls per element, 13 MB of strings and a sixth of the
// CPU time of `vanthu verify` over 20 two-signature letters. Other values (another realm's
// buffers, objects that merely look like views) take the package's own path. One difference,
// which no parsed file can cause: a typed array whose Symbol.toStringTag a script redefined to
// "ArrayBuffer" is still a view here, where the package would take it for a buffer.
// bin/fast-buffer-source.test.ts compares every function with the package's over such values.

const ARRAY_BUFFER_TAG = "[object ArrayBuffer]";
const SHARED_ARRAY_BUFFER_TAG = "[object SharedArrayBuffer]";
const hasShared = typeof SharedArrayBuffer !== "undefined";

function tagOf(value) {
  return Object.prototype.toString.call(value);
}

function isDataViewConstructor(type) {
  return type === DataView || type.prototype instanceof DataView;
}

function bytesPerElement(type) {
  if (isDataViewConstructor(type)) return 1;
  return type.BYTES_PER_ELEMENT ?? 1;
}

/** A value Object.prototype.toString could still call an ArrayBuffer or a SharedArrayBuffer. */
function mayBeTagged(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && !ArrayBuffer.isView(value);
}

export function isArrayBuffer(value) {
  if (value instanceof ArrayBuffer) return tagOf(value) === ARRAY_BUFFER_TAG;
  return mayBeTagged(value) && tagOf(value) === ARRAY_BUFFER_TAG;
}

export function isSharedArrayBuffer(value) {
  if (!hasShared) return false;
  if (value instanceof ArrayBuffer) return false;
  return mayBeTagged(value) && tagOf(value) === SHARED_ARRAY_BUFFER_TAG;
}

export function isArrayBufferLike(value) {
  return isArrayBuffer(value) || isSharedArrayBuffer(value);
}

export function isArrayBufferView(value) {
  if (ArrayBuffer.isView(value)) return true;
  if (!value || typeof value !== "object") return false;
  return typeof value.byteOffset === "number" && typeof value.byteLength === "number" && isArrayBufferLike(value.buffer);
}

export function isBufferSource(value) {
  return ArrayBuffer.isView(value) || isArrayBufferLike(value) || isArrayBufferView(value);
}

export function assertBufferSource(value) {
  if (!isBufferSource(value)) throw new TypeError("Expected ArrayBuffer, SharedArrayBuffer, or ArrayBufferView");
}

export function toUint8Array(data) {
  // A view of this realm (the usual argument): a Uint8Array over the same bytes, as the package gives.
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  assertBufferSource(data);
  if (isArrayBufferLike(data)) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function copyBytes(data) {
  const view = toUint8Array(data);
  const copy = new Uint8Array(view.byteLength);
  copy.set(view);
  return copy;
}

export function toUint8ArrayCopy(data) {
  return copyBytes(data);
}

export function toArrayBuffer(data) {
  assertBufferSource(data);
  if (isArrayBuffer(data)) return data;
  const buffer = new ArrayBuffer(data.byteLength);
  new Uint8Array(buffer).set(toUint8Array(data));
  return buffer;
}

export function toArrayBufferLike(data) {
  assertBufferSource(data);
  if (isArrayBufferLike(data)) return data;
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) return data.buffer;
  return copyBytes(data).buffer;
}

export function toView(data, type) {
  assertBufferSource(data);
  if (ArrayBuffer.isView(data) && data.constructor === type) return data;
  const view = toUint8Array(data);
  const elementSize = bytesPerElement(type);
  if (view.byteOffset % elementSize !== 0 || view.byteLength % elementSize !== 0) throw new RangeError(`Cannot create ${type.name} over unaligned byte range`);
  if (isDataViewConstructor(type)) return new type(view.buffer, view.byteOffset, view.byteLength);
  return new type(view.buffer, view.byteOffset, view.byteLength / elementSize);
}

export function toViewCopy(data, type) {
  return toView(toUint8ArrayCopy(data), type);
}
