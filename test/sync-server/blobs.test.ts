import { createHash, randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MAX_CHUNK_SIZE, type UploadState } from "../../shared/sync/schemas.ts";
import { removeStaleUploads } from "../../sync-server/serve.ts";
import { auth, describeBackends, officeWithUser, type TestUser } from "./harness.ts";

/** Sends `bytes` as a PATCH but cuts the connection after `cutAfter` of them. */
function interruptedPatch(base: string, path: string, token: string, offset: number, bytes: Uint8Array, cutAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const req = httpRequest(new URL(path, base), {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(offset),
        "content-length": String(bytes.byteLength),
      },
    });
    req.on("error", () => resolve());
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.write(bytes.subarray(0, cutAfter), () => {
      // Give the server a moment to read what was sent, then drop the connection mid-body.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 30);
    });
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describeBackends("resumable blob upload over HTTP", (env) => {
  let server: ServerType;
  let base = "";
  let u: TestUser;

  beforeAll(async () => {
    base = await new Promise<string>((resolve) => {
      server = serve({ fetch: env().app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
    });
    u = await officeWithUser(env(), "UBND phường An Dương");
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const api = (path: string, init: RequestInit = {}) => fetch(new URL(path, base), init);

  it("an upload interrupted at random points resumes from the server's offset and ends with the right hash", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 12345);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const created = await api("/api/blobs/uploads", {
      method: "POST",
      headers: auth(u, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256, size: bytes.byteLength }),
    });
    expect(created.status).toBe(201);
    const { uploadId } = (await created.json()) as UploadState;
    const path = `/api/blobs/uploads/${uploadId}`;
    let interruptions = 0;
    let keptFromInterrupted = 0;
    let lastInterruptedAt = -1;
    let done = false;
    for (let round = 0; round < 200 && !done; round++) {
      const head = await api(path, { method: "HEAD", headers: auth(u) });
      expect(head.status).toBe(200);
      const offset = Number(head.headers.get("upload-offset"));
      if (lastInterruptedAt >= 0 && offset > lastInterruptedAt) keptFromInterrupted++;
      lastInterruptedAt = -1;
      const chunk = bytes.subarray(offset, Math.min(bytes.byteLength, offset + 512 * 1024));
      if (interruptions < 3 || (interruptions < 6 && Math.random() < 0.5)) {
        await interruptedPatch(base, path, u.token, offset, chunk, 1 + Math.floor(Math.random() * (chunk.byteLength - 1)));
        interruptions++;
        lastInterruptedAt = offset;
        continue;
      }
      const res = await api(path, {
        method: "PATCH",
        headers: auth(u, { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) }),
        body: chunk,
      });
      if (res.status === 409) continue; // the server was still finishing an interrupted chunk: ask again
      expect(res.status).toBe(200);
      const state = (await res.json()) as UploadState;
      done = state.complete;
    }
    expect(done).toBe(true);
    expect(interruptions).toBeGreaterThan(0);
    // What arrived before a cut was kept: the upload resumed past it, not from the chunk's start.
    expect(keptFromInterrupted).toBeGreaterThan(0);
    const got = await api(`/api/blobs/${sha256}`, { headers: auth(u) });
    expect(
      createHash("sha256")
        .update(new Uint8Array(await got.arrayBuffer()))
        .digest("hex"),
    ).toBe(sha256);
    // The unfinished upload is gone.
    expect((await api(path, { method: "HEAD", headers: auth(u) })).status).toBe(404);
  });

  it("a blob whose bytes do not match the declared hash is refused and not kept", async () => {
    const bytes = randomBytes(1000);
    const wrong = createHash("sha256").update("something else").digest("hex");
    const created = (await (
      await api("/api/blobs/uploads", {
        method: "POST",
        headers: auth(u, { "content-type": "application/json" }),
        body: JSON.stringify({ sha256: wrong, size: 1000 }),
      })
    ).json()) as UploadState;
    const res = await api(`/api/blobs/uploads/${created.uploadId}`, {
      method: "PATCH",
      headers: auth(u, { "content-type": "application/offset+octet-stream", "upload-offset": "0" }),
      body: bytes,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("hash_mismatch");
    expect((await api(`/api/blobs/${wrong}`, { headers: auth(u) })).status).toBe(404);
    expect(filesUnder(env().blobsDir).some((f) => f.endsWith(wrong))).toBe(false);
  });

  it("stores one copy of the same document uploaded by two offices", async () => {
    const v = await officeWithUser(env(), "UBND xã Kiến Thụy");
    const bytes = randomBytes(5000);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    for (const who of [u, v]) {
      const created = (await (
        await api("/api/blobs/uploads", {
          method: "POST",
          headers: auth(who, { "content-type": "application/json" }),
          body: JSON.stringify({ sha256, size: 5000 }),
        })
      ).json()) as UploadState;
      const res = await api(`/api/blobs/uploads/${created.uploadId}`, {
        method: "PATCH",
        headers: auth(who, { "content-type": "application/offset+octet-stream", "upload-offset": "0" }),
        body: bytes,
      });
      expect(res.status).toBe(200);
      // The second time, the office already has it: nothing to upload.
      const again = (await (
        await api("/api/blobs/uploads", {
          method: "POST",
          headers: auth(who, { "content-type": "application/json" }),
          body: JSON.stringify({ sha256, size: 5000 }),
        })
      ).json()) as UploadState;
      expect(again.complete).toBe(true);
    }
    expect(filesUnder(env().blobsDir).filter((f) => f.endsWith(sha256))).toHaveLength(1);
    expect(filesUnder(join(env().blobsDir, ".uploads"))).toEqual([]);
  });

  it("refuses a wrong offset, bytes past the declared size, a wrong content type and oversized chunks, keeping the upload as it was", async () => {
    const bytes = randomBytes(100);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const created = (await (
      await api("/api/blobs/uploads", { method: "POST", headers: auth(u, { "content-type": "application/json" }), body: JSON.stringify({ sha256, size: 100 }) })
    ).json()) as UploadState;
    const path = `/api/blobs/uploads/${created.uploadId}`;
    const patch = (offset: string, body: Uint8Array, type = "application/offset+octet-stream", extra: Record<string, string> = {}) =>
      api(path, { method: "PATCH", headers: auth(u, { "content-type": type, "upload-offset": offset, ...extra }), body: new Uint8Array(body) });
    expect((await patch("0", bytes.subarray(0, 40))).status).toBe(200);
    const mismatch = await patch("0", bytes.subarray(0, 40));
    expect(mismatch.status).toBe(409);
    expect(mismatch.headers.get("upload-offset")).toBe("40"); // where to resume
    expect((await patch("40", randomBytes(61))).status).toBe(413);
    expect((await patch("40", bytes.subarray(40), "application/json")).status).toBe(415);
    expect((await patch("x", bytes.subarray(40))).status).toBe(400);
    const head = await api(path, { method: "HEAD", headers: auth(u) });
    expect(head.headers.get("upload-offset")).toBe("40");
    // A client that restarted asks to upload the same blob again: it gets the same upload back, at 40.
    const resumed = await api("/api/blobs/uploads", {
      method: "POST",
      headers: auth(u, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256, size: 100 }),
    });
    expect(resumed.status).toBe(200);
    expect((await resumed.json()) as UploadState).toMatchObject({ uploadId: created.uploadId, offset: 40, complete: false });
    expect((await patch("40", bytes.subarray(40))).status).toBe(200);
    const big = await api("/api/blobs/uploads", {
      method: "POST",
      headers: auth(u, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256, size: 10 ** 12 }),
    });
    // Past the office's storage quota (20 GB by default) before any per-blob limit.
    expect(big.status).toBe(413);
    expect(MAX_CHUNK_SIZE).toBeGreaterThan(0);
  });

  it("drops unfinished uploads after a week, and only those", async () => {
    const bytes = randomBytes(64);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const created = (await (
      await api("/api/blobs/uploads", { method: "POST", headers: auth(u, { "content-type": "application/json" }), body: JSON.stringify({ sha256, size: 64 }) })
    ).json()) as UploadState;
    await api(`/api/blobs/uploads/${created.uploadId}`, {
      method: "PATCH",
      headers: auth(u, { "content-type": "application/offset+octet-stream", "upload-offset": "0" }),
      body: new Uint8Array(bytes.subarray(0, 10)),
    });
    expect(await removeStaleUploads(env().storage, env().blobs)).toBe(0);
    expect((await api(`/api/blobs/uploads/${created.uploadId}`, { method: "HEAD", headers: auth(u) })).status).toBe(200);
    const eightDaysOn = new Date(Date.now() + 8 * 86_400_000);
    expect(await removeStaleUploads(env().storage, env().blobs, eightDaysOn)).toBeGreaterThanOrEqual(1);
    expect((await api(`/api/blobs/uploads/${created.uploadId}`, { method: "HEAD", headers: auth(u) })).status).toBe(404);
    expect(filesUnder(join(env().blobsDir, ".uploads"))).toEqual([]);
  });
});
