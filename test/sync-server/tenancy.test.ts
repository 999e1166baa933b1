import { beforeAll, expect, it } from "vitest";
import type { IncomingDelivery, Mutation } from "../../shared/sync/schemas.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, pushOk, uploadWhole, type TestUser } from "./harness.ts";

const header = { codeNumber: "07", codeNotation: "UBND-VX", subject: "Về việc kiểm tra", promulgationDate: "2026-11-20" };

describeBackends("tenant isolation", (env) => {
  let a: TestUser, b: TestUser, x: TestUser, it1: TestUser;
  let sha = "";
  let deliveryId = "";
  let exchangeId = "";

  // A sends to B; X is an unrelated office; a district IT user manages A and B.
  beforeAll(async () => {
    a = await officeWithUser(env(), "UBND phường Ngô Quyền");
    b = await officeWithUser(env(), "UBND phường Hải An");
    x = await officeWithUser(env(), "UBND xã Vĩnh Bảo");
    const district = await env().storage.createOffice({ name: "Phòng CNTT khu vực", kind: "district", organId: `D-${Math.random()}` });
    it1 = await officeWithUser(env(), "IT", ["district_it"], { officeId: district.id, managedOfficeIds: [a.officeId, b.officeId] });
    await pushOk(env(), a, [
      { id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: "secret-of-a", data: { summary: "của A" } },
    ]);
    sha = await uploadWhole(env(), a, new TextEncoder().encode(`%PDF A only ${Math.random()}`));
    const sent = await pushOk(env(), a, [
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "exchange.send",
        documentRef: "d",
        recipients: [b.officeId],
        header,
        blobs: [{ sha256: sha, name: "a.pdf", contentType: "application/pdf", role: "main" }],
      },
    ]);
    deliveryId = sent.results[0]!.assigned.deliveries![0]!.deliveryId;
    exchangeId = sent.results[0]!.assigned.exchangeId!;
  });

  it("X pulls nothing of A's or B's", async () => {
    const pulled = await pullAll(env(), x);
    // Only X's own audit chain (its sign-in), nothing of A's or B's.
    expect(pulled.changes.filter((c) => !(c.entity === "audit.entry" && (c.data as { officeId: string }).officeId === x.officeId))).toEqual([]);
    const incoming = (await (await env().app.request("/api/exchange/incoming", { headers: auth(x) })).json()) as { incoming: unknown[] };
    expect(incoming.incoming).toEqual([]);
    const outgoing = (await (await env().app.request("/api/exchange/outgoing", { headers: auth(x) })).json()) as { outgoing: unknown[] };
    expect(outgoing.outgoing).toEqual([]);
  });

  it("X cannot read, accept or refuse B's delivery, nor read A's outgoing document or its package", async () => {
    for (const path of [
      `/api/exchange/incoming/${deliveryId}`,
      `/api/exchange/outgoing/${exchangeId}`,
      `/api/exchange/${exchangeId}/edxml`,
      `/api/blobs/${sha}`,
    ]) {
      const res = await env().app.request(path, { headers: auth(x) });
      expect([path, res.status]).toEqual([path, 404]);
    }
    for (const m of [
      { id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId },
      { id: mutationId(), clientTime: clientTime(), type: "exchange.refuse", deliveryId, reason: "không phải của tôi" },
    ] satisfies Mutation[]) {
      expect((await pushOk(env(), x, [m])).results[0]).toMatchObject({ status: "refused", error: { code: "not_found" } });
    }
    // A, the sender, cannot decide on B's behalf either.
    expect((await pushOk(env(), a, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId }])).results[0]).toMatchObject({
      status: "refused",
      error: { code: "not_found" },
    });
    const bView = (await (await env().app.request(`/api/exchange/incoming/${deliveryId}`, { headers: auth(b) })).json()) as IncomingDelivery;
    expect(bView.status).toBe("pending");
  });

  it("X cannot act for another office by header; the same mutation id in two offices are two mutations", async () => {
    const res = await env().app.request("/api/sync/pull", { headers: auth(x, { "x-vanthu-office": a.officeId }) });
    expect(res.status).toBe(403);
    const m: Mutation = { id: "shared-id-1", clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: "same", data: { who: "x" } };
    expect((await pushOk(env(), x, [m])).results[0]!.status).toBe("applied");
    expect((await pushOk(env(), b, [{ ...m, data: { who: "b" } }])).results[0]!.status).toBe("applied");
    const xs = (await pullAll(env(), x)).changes.filter((c) => c.id === "same");
    expect(xs.map((c) => c.data)).toEqual([{ who: "x" }]);
  });

  it("X cannot claim A's blob by knowing its hash: it must upload the bytes itself", async () => {
    const res = await env().app.request("/api/blobs/uploads", {
      method: "POST",
      headers: auth(x, { "content-type": "application/json" }),
      body: JSON.stringify({ sha256: sha, size: 10 }),
    });
    expect(res.status).toBe(201); // not "complete": X must prove it has the bytes
    const { uploadId } = (await res.json()) as { uploadId: string };
    // and A cannot touch X's upload
    const head = await env().app.request(`/api/blobs/uploads/${uploadId}`, { method: "HEAD", headers: auth(a) });
    expect(head.status).toBe(404);
  });

  it("district IT acts for the offices it manages, and no other", async () => {
    const forA = await pullAll(env(), { ...it1, token: it1.token }, "");
    expect(forA.changes.filter((c) => c.entity !== "audit.entry")).toEqual([]); // its own office has nothing but its sign-in
    const resA = await env().app.request("/api/sync/pull", { headers: auth(it1, { "x-vanthu-office": a.officeId }) });
    expect(resA.status).toBe(200);
    const pageA = (await resA.json()) as { changes: { id: string }[] };
    expect(pageA.changes.some((c) => c.id === "secret-of-a")).toBe(true);
    const resX = await env().app.request("/api/sync/pull", { headers: auth(it1, { "x-vanthu-office": x.officeId }) });
    expect(resX.status).toBe(403);
    const me = (await (await env().app.request("/api/auth/me", { headers: auth(it1) })).json()) as { offices: { id: string }[] };
    expect(me.offices.map((o) => o.id).sort()).toEqual([a.officeId, b.officeId, it1.officeId].sort());
    // District IT is not a clerk: it cannot accept B's document.
    const acc = await env().app.request("/api/sync/push", {
      method: "POST",
      headers: auth(it1, { "content-type": "application/json", "x-vanthu-office": b.officeId }),
      body: JSON.stringify({ clientId: "it", mutations: [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId }] }),
    });
    expect(acc.status).toBe(200);
    expect(((await acc.json()) as { results: { status: string; error: { code: string } }[] }).results[0]).toMatchObject({
      status: "refused",
      error: { code: "rule.role_forbidden" },
    });
  });
});
