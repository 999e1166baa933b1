import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { acceptedEncodings, compressLargeAnswers } from "./compress.ts";

describe("compressing large API answers", () => {
  const changes = Array.from({ length: 200 }, (_, i) => ({
    entity: "register_entry",
    id: `r${i}`,
    data: { summary: "Về việc triển khai chữ ký số chuyên dùng công vụ", n: i },
  }));
  const pdf = new Uint8Array(5000).map((_, i) => i % 251);
  const app = new Hono();
  app.use("*", compressLargeAnswers());
  app.get("/pull", (c) => c.json({ changes, cursor: "0.200", hasMore: false }));
  app.get("/small", (c) => c.json({ ok: true }));
  app.get("/blob", (c) => c.body(pdf, 200, { "content-type": "application/pdf", "content-length": String(pdf.byteLength) }));
  app.get("/csv", (c) => c.body("Số đến,Ngày đến,Trích yếu\n".repeat(200), 200, { "content-type": "text/csv; charset=utf-8" }));

  it("compresses a pull page with brotli when accepted, else gzip, with Vary", async () => {
    const br = await app.request("/pull", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toMatch(/Accept-Encoding/);
    const bytes = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get("content-length"))).toBe(bytes.byteLength);
    const plain = JSON.stringify({ changes, cursor: "0.200", hasMore: false });
    expect(bytes.byteLength).toBeLessThan(plain.length / 5);
    expect(JSON.parse(brotliDecompressSync(bytes).toString())).toEqual(JSON.parse(plain));

    const gz = await app.request("/pull", { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).changes).toHaveLength(200);

    const csv = await app.request("/csv", { headers: { "accept-encoding": "br" } });
    expect(csv.headers.get("content-encoding")).toBe("br");
  });

  it("leaves small answers, PDFs and clients that accept nothing alone", async () => {
    expect((await app.request("/small", { headers: { "accept-encoding": "br" } })).headers.get("content-encoding")).toBeNull();
    const blob = await app.request("/blob", { headers: { "accept-encoding": "br, gzip" } });
    expect(blob.headers.get("content-encoding")).toBeNull();
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(pdf);
    const none = await app.request("/pull");
    expect(none.headers.get("content-encoding")).toBeNull();
    expect((await none.json()).changes).toHaveLength(200);
  });

  it("reads Accept-Encoding with weights and wildcards", () => {
    expect([...acceptedEncodings("gzip, deflate, br")].sort()).toEqual(["br", "deflate", "gzip"]);
    expect([...acceptedEncodings("br;q=0, gzip;q=0.5")]).toEqual(["gzip"]);
    expect([...acceptedEncodings("*;q=0.1, gzip;q=0")]).toEqual(["br"]);
    expect(acceptedEncodings(undefined).size).toBe(0);
  });
});
