// Types of bin/fast-buffer-source.mjs (the API of @peculiar/utils 4.1.0's bytes/buffer-source.js).
type ViewType<T extends ArrayBufferView> = { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T; BYTES_PER_ELEMENT?: number };
export declare function isArrayBuffer(value: unknown): value is ArrayBuffer;
export declare function isSharedArrayBuffer(value: unknown): value is SharedArrayBuffer;
export declare function isArrayBufferLike(value: unknown): value is ArrayBufferLike;
export declare function isArrayBufferView(value: unknown): value is ArrayBufferView;
export declare function isBufferSource(value: unknown): value is BufferSource;
export declare function assertBufferSource(value: unknown): asserts value is BufferSource;
export declare function toUint8Array(data: BufferSource): Uint8Array;
export declare function toUint8ArrayCopy(data: BufferSource): Uint8Array;
export declare function toArrayBuffer(data: BufferSource): ArrayBuffer;
export declare function toArrayBufferLike(data: BufferSource): ArrayBufferLike;
export declare function toView<T extends ArrayBufferView>(data: BufferSource, type: ViewType<T>): T;
export declare function toViewCopy<T extends ArrayBufferView>(data: BufferSource, type: ViewType<T>): T;
