import { expect, it } from "vitest";
import { parseEdxml, parseEdxmlStatus } from "../../shared/sync/edxml.ts";
import type { IncomingDelivery, Mutation, OutgoingExchange } from "../../shared/sync/schemas.ts";
import { offsetQlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, pushOk, uploadWhole, type TestUser } from "./harness.ts";

const header = {
  codeNumber: "15",
  codeNotation: "UBND-VP",
  typeName: "Công văn",
  subject: "Về việc triển khai chữ ký số chuyên dùng công vụ",
  promulgationPlace: "Hải Phòng",
  promulgationDate: "2026-11-24",
  signerPosition: "CHỦ TỊCH",
  signerFullName: "Nguyễn Văn An",
};

// The QLVB clock of this suite runs a year ahead of this machine, so a stamp that came from
// anywhere but the QLVB clock (this machine, or the client's provisional 2020 time) shows.
const qlvb = offsetQlvbClock("qlvb:test", 365 * 24 * 3600_000);
const qlvbYear = new Date(Date.now() + 365 * 24 * 3600_000 + 7 * 3600_000).getUTCFullYear();

describeBackends(
  "exchange between three offices",
  (env) => {
    let a: TestUser, b: TestUser, c: TestUser;
    const pdf = new TextEncoder().encode(`%PDF-1.7\n% công văn 15/UBND-VP ${Math.random()}\n%%EOF\n`);
    let sha256 = "";
    let exchange: OutgoingExchange;

    it("A sends one document to B and C; the server stamps the QLVB send time", async () => {
      a = await officeWithUser(env(), "UBND phường Hồng Bàng");
      b = await officeWithUser(env(), "UBND xã An Hưng");
      c = await officeWithUser(env(), "UBND đặc khu Cát Hải");
      sha256 = await uploadWhole(env(), a, pdf);
      const send: Mutation = {
        id: mutationId(),
        clientTime: clientTime(),
        type: "exchange.send",
        documentRef: "doc-1",
        recipients: [b.officeId, c.officeId],
        header,
        blobs: [{ sha256, name: "15-UBND-VP.pdf", contentType: "application/pdf", role: "main" }],
      };
      const r = await pushOk(env(), a, [send]);
      const assigned = r.results[0]!.assigned;
      expect(r.results[0]!.status).toBe("applied");
      expect(assigned.sentAt).toMatch(/\+07:00$/);
      // From the QLVB clock (a year ahead of this machine), not from this machine nor the client.
      expect(Math.abs(Date.parse(assigned.sentAt!) - qlvb.now().getTime())).toBeLessThan(10 * 60_000);
      expect(assigned.deliveries).toHaveLength(2);
      expect(assigned.documentId).toBe(`${a.organId},2026/11/24,15/UBND-VP`);
      const out = await pullAll(env(), a);
      const view = out.changes.filter((ch) => ch.entity === "exchange.outgoing").at(-1)!.data as unknown as OutgoingExchange;
      expect(view.sentAt).toBe(assigned.sentAt);
      expect(view.provisionalSentAt).toBe(clientTime());
      expect(view.deliveries.map((d) => d.status)).toEqual(["pending", "pending"]);
      exchange = view;
    });

    it("B and C find it in their incoming queues and can download the PDF (with ranges)", async () => {
      for (const u of [b, c]) {
        const pulled = await pullAll(env(), u);
        const incoming = pulled.changes.filter((ch) => ch.entity === "exchange.incoming").map((ch) => ch.data as unknown as IncomingDelivery);
        expect(incoming).toHaveLength(1);
        expect(incoming[0]!.from.organId).toBe(a.organId);
        expect(incoming[0]!.status).toBe("pending");
        expect(incoming[0]!.sentAt).toBe(exchange.sentAt);
        const whole = await env().app.request(`/api/blobs/${sha256}`, { headers: auth(u) });
        expect(whole.status).toBe(200);
        expect(new Uint8Array(await whole.arrayBuffer())).toEqual(pdf);
        const part = await env().app.request(`/api/blobs/${sha256}`, { headers: auth(u, { range: "bytes=0-7" }) });
        expect(part.status).toBe(206);
        expect(part.headers.get("content-range")).toBe(`bytes 0-7/${pdf.byteLength}`);
        expect(new TextDecoder().decode(await part.arrayBuffer())).toBe("%PDF-1.7");
        const tail = await env().app.request(`/api/blobs/${sha256}`, { headers: auth(u, { range: "bytes=-6" }) });
        expect(new TextDecoder().decode(await tail.arrayBuffer())).toBe("%%EOF\n");
        const bad = await env().app.request(`/api/blobs/${sha256}`, { headers: auth(u, { range: `bytes=${pdf.byteLength}-` }) });
        expect(bad.status).toBe(416);
      }
    });

    it("B accepts (receive time and số đến from the server), C refuses with a reason; A sees both outcomes", async () => {
      const bq = (await (await env().app.request("/api/exchange/incoming?status=pending", { headers: auth(b) })).json()) as { incoming: IncomingDelivery[] };
      const cq = (await (await env().app.request("/api/exchange/incoming", { headers: auth(c) })).json()) as { incoming: IncomingDelivery[] };
      const accept = await pushOk(env(), b, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId: bq.incoming[0]!.deliveryId }]);
      expect(accept.results[0]!.assigned.arrivalNumber).toBe(1);
      expect(accept.results[0]!.assigned.arrivalYear).toBe(qlvbYear);
      expect(accept.results[0]!.assigned.receivedAt).toMatch(/\+07:00$/);
      const reason = "Chữ ký số của cơ quan ban hành không hợp lệ: chứng thư số đã bị thu hồi.";
      const refuse = await pushOk(env(), c, [
        { id: mutationId(), clientTime: clientTime(), type: "exchange.refuse", deliveryId: cq.incoming[0]!.deliveryId, reason },
      ]);
      expect(refuse.results[0]!.assigned.refusedAt).toMatch(/\+07:00$/);

      const out = (await (await env().app.request(`/api/exchange/outgoing/${exchange.exchangeId}`, { headers: auth(a) })).json()) as OutgoingExchange;
      const byOffice = Object.fromEntries(out.deliveries.map((d) => [d.recipientOfficeId, d]));
      expect(byOffice[b.officeId]).toMatchObject({ status: "accepted", arrivalNumber: 1, receivedAt: accept.results[0]!.assigned.receivedAt });
      expect(byOffice[c.officeId]).toMatchObject({ status: "refused", refusalReason: reason, refusedAt: refuse.results[0]!.assigned.refusedAt });
      // The same outcome arrives by pull.
      const pulled = await pullAll(env(), a);
      const last = pulled.changes.filter((ch) => ch.entity === "exchange.outgoing").at(-1)!.data as unknown as OutgoingExchange;
      expect(last.deliveries).toEqual(out.deliveries);

      // A decision is final: accepting again is refused (reported for that mutation), and nothing changes.
      const again = await pushOk(env(), b, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId: bq.incoming[0]!.deliveryId }]);
      expect(again.results[0]).toMatchObject({ status: "refused", error: { code: "already_decided" } });
    });

    it("numbers incoming documents in one yearly sequence per office", async () => {
      const pdf2 = new TextEncoder().encode(`%PDF-1.7\n% second ${Math.random()}\n%%EOF\n`);
      const sha = await uploadWhole(env(), a, pdf2);
      const sent = await pushOk(env(), a, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "doc-2",
          recipients: [b.officeId],
          header: { ...header, codeNumber: "16" },
          blobs: [{ sha256: sha, name: "16.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      const deliveryId = sent.results[0]!.assigned.deliveries![0]!.deliveryId;
      const accept = await pushOk(env(), b, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId }]);
      expect(accept.results[0]!.assigned.arrivalNumber).toBe(2);
    });

    it("exports the package as edXML and another office imports it into its incoming queue", async () => {
      const res = await env().app.request(`/api/exchange/${exchange.exchangeId}/edxml`, { headers: auth(b) });
      expect(res.status).toBe(200);
      const xml = await res.text();
      const pkg = parseEdxml(xml);
      expect(pkg.from.organId).toBe(a.organId);
      expect(pkg.header.subject).toBe(header.subject);
      expect(pkg.attachments[0]!.data).toEqual(pdf);
      // C is among the package's recipients: it may import it as arriving from another QLVB system.
      const imported = await env().app.request("/api/edxml/import", { method: "POST", headers: auth(c, { "content-type": "application/xml" }), body: xml });
      expect(imported.status).toBe(201);
      const delivery = (await imported.json()) as IncomingDelivery;
      expect(delivery).toMatchObject({ via: "edxml", status: "pending", from: { officeId: null, organId: a.organId } });
      expect(delivery.blobs[0]!.sha256).toBe(sha256);
      // B's and C's answers as edXML status packages, for a sending QLVB system.
      const bIncoming = (
        (await (await env().app.request("/api/exchange/incoming?status=accepted", { headers: auth(b) })).json()) as { incoming: IncomingDelivery[] }
      ).incoming[0]!;
      const bStatus = parseEdxmlStatus(
        await (await env().app.request(`/api/exchange/incoming/${bIncoming.deliveryId}/status.edxml`, { headers: auth(b) })).text(),
      );
      expect(bStatus).toMatchObject({
        statusCode: "03",
        timestamp: bIncoming.receivedAt,
        from: { organId: b.organId },
        responseFor: { organId: a.organId, codeNumber: "15", codeNotation: "UBND-VP", promulgationDate: "2026-11-24" },
      });
      const cIncoming = (
        (await (await env().app.request("/api/exchange/incoming?status=refused", { headers: auth(c) })).json()) as { incoming: IncomingDelivery[] }
      ).incoming[0]!;
      const cStatus = parseEdxmlStatus(
        await (await env().app.request(`/api/exchange/incoming/${cIncoming.deliveryId}/status.edxml`, { headers: auth(c) })).text(),
      );
      expect(cStatus).toMatchObject({ statusCode: "02", description: cIncoming.refusalReason });
      expect((await env().app.request(`/api/exchange/incoming/${cIncoming.deliveryId}/status.edxml`, { headers: auth(b) })).status).toBe(404);
      // An office the package is not addressed to is refused.
      const d = await officeWithUser(env(), "UBND xã Bạch Long Vĩ");
      const refused = await env().app.request("/api/edxml/import", { method: "POST", headers: auth(d, { "content-type": "application/xml" }), body: xml });
      expect(refused.status).toBe(422);
    });

    it("refuses to send a classified document (R9): nothing of it is kept, the refusal is reported for that mutation", async () => {
      const before = await pullAll(env(), a);
      const r = await pushOk(env(), a, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "doc-3",
          recipients: [b.officeId],
          header: { ...header, secrecy: "Mật" },
          blobs: [{ sha256, name: "x.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "classified_document" } });
      expect(r.results[0]!.error!.messageVi).toContain("Văn bản mật");
      const after = await pullAll(env(), a, before.cursor);
      expect(after.changes).toEqual([]);
    });

    it("a signing official (lãnh đạo) cannot send or accept: that is the clerk's work", async () => {
      const leader = await officeWithUser(env(), "UBND phường Hồng Bàng", ["leader"], { officeId: a.officeId });
      const r = await pushOk(env(), leader, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "doc-4",
          recipients: [b.officeId],
          header,
          blobs: [{ sha256, name: "x.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "rule.role_forbidden" } });
      expect(r.results[0]!.error!.messageVi).toContain("văn thư");
    });

    it("a document cannot name a blob the office has not uploaded", async () => {
      const r = await pushOk(env(), b, [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: "doc-5",
          recipients: [c.officeId],
          header,
          blobs: [{ sha256: "0".repeat(64), name: "x.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "blob_missing" } });
    });
  },
  { clock: qlvb },
);
