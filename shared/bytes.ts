/**
 * TypeScript's DOM types distinguish Uint8Array<ArrayBuffer> from views over a
 * SharedArrayBuffer; WebCrypto and the ASN.1 libraries take only the former. This returns
 * the same bytes with the narrower type, copying only when the view is over something else.
 */
export function exactBytes(u: Uint8Array): Uint8Array<ArrayBuffer> {
  return u.buffer instanceof ArrayBuffer ? (u as Uint8Array<ArrayBuffer>) : new Uint8Array(u);
}

/** An ArrayBuffer holding exactly these bytes (pkijs and asn1js want one). */
export function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer instanceof ArrayBuffer && u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u.buffer : (new Uint8Array(u).buffer as ArrayBuffer);
}
