/**
 * What an attacker on the office network sees of every response (issue 13): security headers
 * on the PWA, the service worker, the API and blobs; a 4xx with the shared error body for every
 * malformed request; the per-office storage quota.
 */
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { createSyncApp } from "../../sync-server/app.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, push, uploadWhole, type TestUser } from "./harness.ts";

const web = mkdtempSync(join(tmpdir(), "vanthu-web-headers-"));
writeFileSync(join(web, "index.html"), '<!doctype html><html lang="vi"><head><script type="module" src="/assets/app.js"></script></head><body></body></html>');
writeFileSync(join(web, "sw.js"), "self.addEventListener('fetch', () => {});");
afterAll(() => rmSync(web, { recursive: true, force: true }));

interface ErrorBody {
  error: { code: string; message: string; messageVi: string };
}
async function expectShared4xx(res: Response) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  const body = (await res.json()) as ErrorBody;
  expect(typeof body.error.code).toBe("string");
  expect(body.error.messageVi.length).toBeGreaterThan(5);
  expect(body.error.message.length).toBeGreaterThan(5);
  return body;
}

describeBackends("security headers, malformed requests, quota", (env) => {
  let clerk: TestUser;
  const app = () => createSyncApp({ storage: env().storage, blobs: env().blobs, webDir: web, officeQuotaBytes: 4096 });

  it("/ carries a strict CSP with frame-ancestors, nosniff and Referrer-Policy; no HSTS on plain HTTP", async () => {
    clerk = await officeWithUser(env(), "UBND phường Hồng Bàng");
    const res = await app().request("/");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/(^|; )script-src 'self'( 'wasm-unsafe-eval')?(;|$)/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/connect-src 'self'[^;]*http:\/\/127\.0\.0\.1:\*/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("the same on the service worker, the API, errors and 404s; HSTS when TLS is on", async () => {
    const tlsApp = createSyncApp({ storage: env().storage, blobs: env().blobs, webDir: web, tls: true });
    for (const [a, path, init] of [
      [app(), "/sw.js", {}],
      [app(), "/api/health", {}],
      [app(), "/api/sync/pull", {}],
      [app(), "/api/nothing-here", {}],
      [tlsApp, "/", {}],
    ] as const) {
      const res = await a.request(path, init);
      expect([path, res.headers.get("content-security-policy")?.includes("frame-ancestors 'none'")]).toEqual([path, true]);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect((await tlsApp.request("/")).headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    expect((await app().request("/api/health")).headers.get("cache-control")).toBe("no-store");
  });

  it("serves documents as downloads that no cache keeps", async () => {
    const bytes = new TextEncoder().encode("%PDF-1.7 <script>alert(1)</script>");
    const sha = await uploadWhole(env(), clerk, bytes);
    const res = await app().request(`/api/blobs/${sha}`, { headers: auth(clerk) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers malformed requests with a 4xx and the shared error body, never a 500", async () => {
    const record = JSON.stringify({
      clientId: "c1",
      mutations: [{ id: mutationId(), type: "record.put", entity: "outgoing", recordId: "r1", clientTime: clientTime(), data: { body: "@" } }],
    });
    const deep = record.replace('"@"', "[".repeat(5000) + "]".repeat(5000));
    const headers = auth(clerk, { "content-type": "application/json" });
    expect((await expectShared4xx(await app().request("/api/sync/push", { method: "POST", headers, body: deep }))).error.code).toBe("json_too_deep");
    // The same record shallow enough is stored: the limit refuses only the attack.
    const shallow = await app().request("/api/sync/push", { method: "POST", headers, body: record.replace('"@"', "[".repeat(20) + "]".repeat(20)) });
    expect(shallow.status).toBe(200);
    expect(((await shallow.json()) as { results: { status: string }[] }).results[0]!.status).toBe("applied");
    const deeper = '{"clientId":"c1","mutations":' + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    await expectShared4xx(await app().request("/api/sync/push", { method: "POST", headers, body: deeper }));
    await expectShared4xx(await app().request("/%E0%A4%A"));
    await expectShared4xx(await app().request("/assets/%ZZ.js"));
    await expectShared4xx(await app().request("/api/exchange/incoming?status=%E0%A4%A", { headers: auth(clerk) }));
    await expectShared4xx(await app().request("/index.html%00.js"));
    // A NUL in record data (PostgreSQL text cannot hold it) and in a query value.
    const nul = await push(env(), clerk, [
      { id: mutationId(), type: "record.put", entity: "outgoing", recordId: "r-nul", clientTime: clientTime(), data: { title: "Công văn\u0000số 1" } },
    ]);
    expect((await expectShared4xx(nul)).error.code).toBe("nul_character");
    await expectShared4xx(await app().request("/api/exchange/incoming?status=pending%00", { headers: auth(clerk) }));
    await expectShared4xx(
      await app().request("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"username":"a\\u0000b","password":"x"}',
      }),
    );
    await expectShared4xx(await app().request("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: '{"username":' }));
  });

  it("refuses an upload past the office's quota with the figures, in Vietnamese", async () => {
    const a = app();
    const ok = await a.request("/api/blobs/uploads", {
      method: "POST",
      headers: auth(clerk, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256: "a".repeat(64), size: 1000 }),
    });
    expect(ok.status).toBe(201);
    const res = await a.request("/api/blobs/uploads", {
      method: "POST",
      headers: auth(clerk, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256: "b".repeat(64), size: 4000 }),
    });
    const body = await expectShared4xx(res);
    expect(res.status).toBe(413);
    expect(body.error.code).toBe("office_quota_exceeded");
    expect(body.error.messageVi).toMatch(/Dung lượng lưu văn bản của cơ quan đã hết.*MB/);
  });
});
