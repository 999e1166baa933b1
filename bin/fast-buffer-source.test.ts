/**
 * bin/fast-buffer-source.mjs answers as @peculiar/utils 4.1.0's own file, which bin/build-cli.mjs
 * replaces with it in the `vanthu` bundles: every function over the values asn1js and pkijs pass
 * and over those that take the package's path (another realm's buffers, look-alikes, non-buffers).
 */
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import * as fast from "./fast-buffer-source.mjs";

const require = createRequire(import.meta.url);
// The copy asn1js 4 uses (nested under asn1js when the top-level one is another version).
const asn1jsDir = dirname(dirname(require.resolve("asn1js")));
const nested = join(asn1jsDir, "node_modules/@peculiar/utils");
const utilsDir = (() => {
  try {
    readFileSync(join(nested, "package.json"));
    return nested;
  } catch {
    return dirname(dirname(require.resolve("@peculiar/utils")));
  }
})();
const version = JSON.parse(readFileSync(join(utilsDir, "package.json"), "utf8")).version as string;
const original = (await import(pathToFileURL(join(utilsDir, "build/bytes/buffer-source.js")).href)) as typeof fast;

const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const other = runInNewContext("({ ab: new ArrayBuffer(4), u8: new Uint8Array([9, 8, 7, 6]), sab: new SharedArrayBuffer(2) })") as Record<string, unknown>;
const values: [string, unknown][] = [
  ["ArrayBuffer", bytes.slice().buffer],
  ["empty ArrayBuffer", new ArrayBuffer(0)],
  ["SharedArrayBuffer", new SharedArrayBuffer(8)],
  ["Uint8Array", bytes],
  ["Uint8Array at an offset", bytes.subarray(2, 6)],
  ["Buffer", Buffer.from([1, 2, 3])],
  ["Int16Array", new Int16Array([1, -2, 3, -4])],
  ["DataView", new DataView(bytes.buffer, 1, 4)],
  ["another realm's ArrayBuffer", other.ab],
  ["another realm's Uint8Array", other.u8],
  ["another realm's SharedArrayBuffer", other.sab],
  ["a look-alike view", { buffer: new ArrayBuffer(8), byteOffset: 2, byteLength: 4 }],
  ["an object tagged ArrayBuffer", { [Symbol.toStringTag]: "ArrayBuffer" }],
  ["an object tagged SharedArrayBuffer", { [Symbol.toStringTag]: "SharedArrayBuffer" }],
  ["a plain object", { a: 1 }],
  ["an array", [1, 2]],
  ["a string", "abc"],
  ["a number", 42],
  ["null", null],
  ["undefined", undefined],
  ["a function", () => 1],
];

/** What a call gives, comparable across the two: a value, the bytes of a buffer or view, or the error's class and message. */
function outcome(f: () => unknown): unknown {
  try {
    const r = f();
    if (r instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && r instanceof SharedArrayBuffer)) return { buffer: [...new Uint8Array(r)] };
    if (ArrayBuffer.isView(r)) return { view: r.constructor.name, bytes: [...new Uint8Array(r.buffer, r.byteOffset, r.byteLength)], offset: r.byteOffset };
    return { value: r };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

describe.skipIf(version !== "4.1.0")("fast-buffer-source (bin/build-cli.mjs)", () => {
  it("every check gives the package's answer", () => {
    for (const name of ["isArrayBuffer", "isSharedArrayBuffer", "isArrayBufferLike", "isArrayBufferView", "isBufferSource", "assertBufferSource"] as const) {
      for (const [label, v] of values)
        expect(
          outcome(() => fast[name](v as never)),
          `${name}(${label})`,
        ).toEqual(outcome(() => original[name](v as never)));
    }
  });

  it("every conversion gives the package's bytes, views and errors", () => {
    for (const [label, v] of values) {
      for (const name of ["toUint8Array", "toUint8ArrayCopy", "toArrayBuffer", "toArrayBufferLike"] as const)
        expect(
          outcome(() => fast[name](v as never)),
          `${name}(${label})`,
        ).toEqual(outcome(() => original[name](v as never)));
      for (const type of [Uint8Array, Int16Array, DataView] as const) {
        expect(
          outcome(() => fast.toView(v as never, type as never)),
          `toView(${label}, ${type.name})`,
        ).toEqual(outcome(() => original.toView(v as never, type as never)));
        expect(
          outcome(() => fast.toViewCopy(v as never, type as never)),
          `toViewCopy(${label}, ${type.name})`,
        ).toEqual(outcome(() => original.toViewCopy(v as never, type as never)));
      }
    }
  });

  it("a view comes back over the same memory, as the package gives it", () => {
    const sub = bytes.subarray(3, 7);
    const a = fast.toUint8Array(sub);
    expect(a.buffer).toBe(bytes.buffer);
    expect(a.byteOffset).toBe(3);
    expect(fast.toArrayBufferLike(bytes)).toBe(bytes.buffer);
  });
});
