import { expect, it } from "vitest";
import type { Mutation, PushResponse } from "../../shared/sync/schemas.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, push, pushOk, type TestUser } from "./harness.ts";

/** A register entry (a clerk may create and change it), based on the version the client last saw (0: new). */
const put = (recordId: string, data: Record<string, unknown>, baseVersion = 0): Mutation => ({
  id: mutationId(),
  clientTime: clientTime(),
  type: "record.put",
  entity: "outgoing",
  recordId,
  data,
  baseVersion,
});
/** The office's own changes, without the audit chain's entries (sign-ins…). */
const records = <T extends { entity: string }>(changes: T[]) => changes.filter((c) => c.entity !== "audit.entry");

describeBackends("push and pull", (env) => {
  let u: TestUser;

  it("applies a batch in order and pulls it back in pages", async () => {
    u = await officeWithUser(env(), "UBND phường Lê Chân", ["clerk", "signature_officer"]);
    const batch = Array.from({ length: 25 }, (_, i) => put(`d${i % 10}`, { title: `Dự thảo ${i}` }, Math.floor(i / 10)));
    const r = await pushOk(env(), u, batch);
    expect(r.results.map((x) => x.status)).toEqual(batch.map(() => "applied"));
    expect(r.results[24]!.assigned.version).toBe(3); // d4: written at i = 4, 14, 24
    const pulled = await pullAll(env(), u, "", 7);
    expect(records(pulled.changes)).toHaveLength(25);
    expect(records(pulled.changes).map((c) => (c.data as { title: string }).title)).toEqual(batch.map((_, i) => `Dự thảo ${i}`));
    const again = await pullAll(env(), u, pulled.cursor);
    expect(again.changes).toEqual([]);
    expect(again.cursor).toBe(pulled.cursor);
  });

  it("a retried push whose answer was lost is applied once and gets the same answer", async () => {
    const before = await pullAll(env(), u);
    const batch = [
      put("r1", { title: "một" }),
      { id: mutationId(), clientTime: clientTime(), type: "record.delete", entity: "cert_person", recordId: "p0", baseVersion: 1 } satisfies Mutation,
    ];
    // A record the clerk may delete (register entries are never deleted).
    await pushOk(env(), u, [
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "record.put",
        entity: "cert_person",
        recordId: "p0",
        data: { name: "Nguyễn Văn An" },
        baseVersion: 0,
      },
    ]);
    const mid = await pullAll(env(), u, before.cursor);
    const first = await pushOk(env(), u, batch);
    const retry = await pushOk(env(), u, batch);
    expect(retry.results.map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
    expect(retry.results.map((r) => r.assigned)).toEqual(first.results.map((r) => r.assigned));
    // The retry with one more mutation at the end: the old ones are skipped, the new one applied.
    const extended = await pushOk(env(), u, [...batch, put("r2", { title: "hai" })]);
    expect(extended.results.map((r) => r.status)).toEqual(["duplicate", "duplicate", "applied"]);
    const after = await pullAll(env(), u, mid.cursor);
    expect(after.changes.map((c) => `${c.op}:${c.id}`)).toEqual(["put:r1", "delete:p0", "put:r2"]);
  });

  it("a refused mutation writes nothing and is reported for itself; the rest of the batch goes on", async () => {
    const before = await pullAll(env(), u);
    const bad: Mutation = { id: mutationId("bad"), clientTime: clientTime(), type: "exchange.accept", deliveryId: "no-such-delivery" };
    const r = await pushOk(env(), u, [put("x1", { a: 1 }), bad, put("x2", { a: 2 })]);
    expect(r.results.map((x) => x.status)).toEqual(["applied", "refused", "applied"]);
    expect(r.results[1]).toMatchObject({ mutationId: bad.id, error: { code: "not_found" } });
    expect(r.results[1]!.error!.messageVi).toMatch(/Không tìm thấy/);
    expect(r.results[1]!.error!.message.length).toBeGreaterThan(5);
    expect((await pullAll(env(), u, before.cursor)).changes.map((c) => c.id)).toEqual(["x1", "x2"]);
    // A refusal is not remembered as applied: sent again, it is judged again.
    const again = await pushOk(env(), u, [bad]);
    expect(again.results[0]!.status).toBe("refused");
  });

  it("refuses malformed, invalid, oversized and unauthorised requests with a clear 4xx", async () => {
    const cases: [string, RequestInit, number, string][] = [
      ["/api/sync/push", { method: "POST", headers: auth(u, { "content-type": "application/json" }), body: "{not json" }, 400, "malformed_json"],
      ["/api/sync/push", { method: "POST", headers: auth(u, { "content-type": "text/plain" }), body: "{}" }, 415, "unsupported_media_type"],
      [
        "/api/sync/push",
        { method: "POST", headers: auth(u, { "content-type": "application/json" }), body: JSON.stringify({ clientId: "c", mutations: [] }) },
        400,
        "invalid_request",
      ],
      [
        "/api/sync/push",
        {
          method: "POST",
          headers: auth(u, { "content-type": "application/json" }),
          body: JSON.stringify({ clientId: "c", mutations: [{ ...put("y", {}), type: "record.explode" }] }),
        },
        400,
        "invalid_request",
      ],
      [
        "/api/sync/push",
        {
          method: "POST",
          headers: auth(u, { "content-type": "application/json" }),
          body: JSON.stringify({ clientId: "c", mutations: [{ ...put("y", {}), clientTime: "yesterday" }] }),
        },
        400,
        "invalid_request",
      ],
      [
        "/api/sync/push",
        {
          method: "POST",
          headers: auth(u, { "content-type": "application/json" }),
          body: JSON.stringify({ clientId: "c", mutations: [put("y", { big: "x".repeat(17 * 1024 * 1024) })] }),
        },
        413,
        "payload_too_large",
      ],
      [
        "/api/sync/push",
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ clientId: "c", mutations: [put("y", {})] }) },
        401,
        "unauthorized",
      ],
      [
        "/api/sync/push",
        {
          method: "POST",
          headers: { authorization: "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "content-type": "application/json" },
          body: JSON.stringify({ clientId: "c", mutations: [put("y", {})] }),
        },
        401,
        "unauthorized",
      ],
      ["/api/sync/pull?cursor=abc", { headers: auth(u) }, 400, "bad_cursor"],
      ["/api/sync/pull?limit=100000", { headers: auth(u) }, 400, "bad_limit"],
      [
        "/api/auth/login",
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: u.username, password: "sai" }) },
        401,
        "bad_credentials",
      ],
      ["/api/nothing-here", { headers: auth(u) }, 404, "not_found"],
    ];
    const before = await pullAll(env(), u);
    for (const [path, init, status, code] of cases) {
      const res = await env().app.request(path, init);
      expect([path, res.status]).toEqual([path, status]);
      const body = (await res.json()) as { error: { code: string; message: string; messageVi: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
      expect(body.error.messageVi).toMatch(/[àáảãạăâđêôơưệếọ]/);
    }
    expect(records((await pullAll(env(), u, before.cursor)).changes)).toEqual([]);
  });

  it("the same mutation id in one batch twice is refused", async () => {
    const m = put("z", {});
    const res = await push(env(), u, [m, m]);
    expect(res.status).toBe(400);
  });

  // The growing delays themselves are walked in login-throttle.test.ts; here: a streak makes the username wait.
  it("slows down password guessing: after the free failures the username waits, even with the right password", async () => {
    const v = await officeWithUser(env(), "UBND xã An Lão");
    const attempt = (password: string) =>
      env().app.request("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: v.username, password }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt(`sai-${i}`)).status).toBe(401);
    const blocked = await attempt(v.password);
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { code: string } }).error.code).toBe("too_many_attempts");
    // Other users are not affected.
    expect(
      (
        await env().app.request("/api/auth/login", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: u.username, password: u.password }),
        })
      ).status,
    ).toBe(200);
  });

  it("logout ends the session", async () => {
    const v = await officeWithUser(env(), "UBND xã Thủy Nguyên");
    expect((await env().app.request("/api/auth/me", { headers: auth(v) })).status).toBe(200);
    expect((await env().app.request("/api/auth/logout", { method: "POST", headers: auth(v) })).status).toBe(200);
    expect((await env().app.request("/api/auth/me", { headers: auth(v) })).status).toBe(401);
  });

  it("pushes from several clients of one office at once all land, each once", async () => {
    const clients = Array.from({ length: 6 }, (_, k) => Array.from({ length: 20 }, (_, i) => put(`c${k}-${i}`, { k, i })));
    const before = await pullAll(env(), u);
    const answers = await Promise.all(clients.map((batch) => pushOk(env(), u, batch)));
    expect(answers.flatMap((a: PushResponse) => a.results).every((r) => r.status === "applied")).toBe(true);
    const after = await pullAll(env(), u, before.cursor, 50);
    expect(new Set(after.changes.map((c) => c.id)).size).toBe(120);
    expect(after.changes).toHaveLength(120);
  });
});
