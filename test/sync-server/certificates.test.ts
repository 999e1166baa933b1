import { expect, it } from "vitest";
import { auth, clientTime, describeBackends, login, mutationId, officeWithUser, pullAll, pushOk, uploadWhole, type Env, type TestUser } from "./harness.ts";
import type { Mutation } from "../../shared/sync/schemas.ts";
import type { QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import { WorkingDayCalendar } from "../../shared/domain/calendar/index.ts";
import {
  applyRequestEvent,
  applyRequestOutcomeToInventory,
  canSignAsOrganisation,
  closeIncident,
  createCertificateRequest,
  inventoryEntryFromCertificate,
  recordCustodyEvent,
  renderRequestPdf,
  reportTokenIncident,
  requestDocument,
  requestExchangeHeader,
  revocationRequestFromIncident,
  type CertificateInventoryEntry,
  type CertificateRequest,
  type OfficePerson,
} from "../../shared/domain/certificates/index.ts";
import { signatureTitleLines } from "../../shared/domain/roles.ts";
import { signPdf } from "../../shared/sign/index.ts";
import { testIdentities } from "../support/identities.ts";
import { TINOS } from "../support/documents.ts";
import { sealPng, signaturePng } from "../support/png.ts";

/** A QLVB clock the test moves: deadlines depend on the day. */
let nowIso = "2026-11-27T15:00:00+07:00";
const clock: QlvbClock = { source: "test", now: () => new Date(nowIso) };

const HEAD: OfficePerson = { id: "p-ct", name: "Phạm Minh Đức", title: "Chủ tịch", duties: ["head", "official"] };
const CLERK: OfficePerson = { id: "p-vt", name: "Trần Thị Bình", title: "Văn thư", duties: ["clerk"] };
const IT: OfficePerson = { id: "p-it", name: "Lê Văn Cường", title: "Công chức phụ trách chữ ký số", duties: ["it"] };
const PEOPLE = [HEAD, CLERK, IT];
const ref = (p: OfficePerson) => ({ id: p.id, name: p.name, title: p.title });
const contact = { fullName: IT.name, title: IT.title!, phone: "0912 345 678", email: "lvcuong@haiphong.gov.vn" };
const calendar = new WorkingDayCalendar();

async function getJson(env: Env, user: TestUser, path: string): Promise<{ status: number; body: any }> {
  const res = await env.app.request(path, { headers: auth(user) });
  return { status: res.status, body: await res.json() };
}
async function postJson(env: Env, user: TestUser, path: string, body: unknown, method = "POST"): Promise<{ status: number; body: any }> {
  const res = await env.app.request(path, { method, headers: auth(user, { "content-type": "application/json" }), body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describeBackends(
  "certificate requests through the exchange to the Sở, its answer, the district view",
  (env) => {
    // Two PDF signatures, a dozen sign-ins (password hashing) and many pushes on each backend: about
    // 45 s on an idle machine, past the 180 s default when the whole suite shares two cores. The
    // bound only decides how long a broken test takes to fail.
    it("lost token → signed revocation request sent → Sở accepts and answers within the deadline → office's certificate revoked", {
      timeout: 600_000,
    }, async () => {
      nowIso = "2026-11-27T15:00:00+07:00";
      const so = await officeWithUser(env(), "Sở Khoa học và Công nghệ thành phố Hải Phòng", ["clerk", "signature_officer"], { kind: "science_department" });
      const office = await officeWithUser(env(), "Ủy ban nhân dân phường Hồng Bàng", ["clerk", "signature_officer"]);
      const other = await officeWithUser(env(), "Ủy ban nhân dân xã An Lão", ["clerk"]);
      const district = await officeWithUser(env(), "Phòng Văn hóa - Khoa học và Thông tin", ["district_it"], {
        kind: "district",
        managedOfficeIds: [office.officeId, other.officeId],
      });

      // The office: inventory from a real certificate, custody, the incident and its revocation request.
      const ids = await testIdentities();
      let orgCert: CertificateInventoryEntry = await inventoryEntryFromCertificate(new Uint8Array(ids.organisation.certificate.rawData), {
        officeId: office.officeId,
        source: "token",
        tokenId: "TK-ORG-0001",
        addedAt: "2026-01-05T09:00:00+07:00",
      });
      const custody = recordCustodyEvent(
        [],
        {
          id: "c1",
          certificateId: orgCert.id,
          kind: "assignment",
          to: ref(CLERK),
          permission: { documentNumber: "12/QĐ-UBND", documentDate: "2026-01-06", signedBy: ref(HEAD) },
          effectiveFrom: "2026-01-06T08:00:00+07:00",
          recordedAt: "2026-01-06T08:00:00+07:00",
          recordedBy: ref(IT),
        },
        orgCert,
        PEOPLE,
      );
      const incident = reportTokenIncident(
        {
          id: "i1",
          officeId: office.officeId,
          kind: "lost",
          tokenId: "TK-ORG-0001",
          discoveredAt: "2026-11-27T13:30:00+07:00",
          reportedAt: "2026-11-27T13:40:00+07:00",
          reportedBy: ref(CLERK),
          description: "Mất thiết bị trên đường đi họp",
        },
        [orgCert],
        PEOPLE,
      );
      let request = revocationRequestFromIncident(incident, [orgCert], {
        id: "req-revoke-1",
        contact,
        createdAt: "2026-11-27T13:45:00+07:00",
        createdBy: ref(IT),
      });
      const office7 = {
        id: office.officeId,
        name: "Ủy ban nhân dân phường Hồng Bàng",
        parentName: "Ủy ban nhân dân thành phố Hải Phòng",
        province: "Hải Phòng",
        symbol: "UBND",
        place: "Hải Phòng",
      };
      const doc = requestDocument(request, {
        office: office7,
        date: "2026-11-27",
        documentNumber: "216/UBND",
        signer: { titleLines: signatureTitleLines("direct", "Chủ tịch", "Chủ tịch"), name: HEAD.name },
      });
      const signed = await signPdf(
        (await signPdf(await renderRequestPdf(doc, { font: TINOS }), { type: "signer", signer: ids.officialSigner, image: signaturePng() })).bytes,
        { type: "issuer", signer: ids.organisationSigner, image: sealPng() },
      );
      const sha256 = await uploadWhole(env(), office, signed.bytes);
      request = applyRequestEvent(
        request,
        { type: "sign", at: "2026-11-27T14:00:00+07:00", by: ref(HEAD), documentSha256: sha256, documentNumber: "216/UBND" },
        calendar,
      );
      // Each change is based on the version the office last saw (issue 11: no silent overwrite).
      const known = new Map<string, number>();
      const put = (entity: string, recordId: string, data: unknown) => ({
        id: mutationId(),
        clientTime: clientTime(),
        type: "record.put" as const,
        entity,
        recordId,
        data: JSON.parse(JSON.stringify(data)),
        baseVersion: known.get(`${entity}:${recordId}`) ?? 0,
      });
      const pushTracked = async (user: TestUser, mutations: Mutation[]) => {
        const r = await pushOk(env(), user, mutations);
        mutations.forEach((m, i) => {
          expect(r.results[i]!.status, JSON.stringify(r.results[i]!.error)).toBe("applied");
          if (m.type === "record.put") known.set(`${m.entity}:${m.recordId}`, r.results[i]!.assigned.version!);
        });
        return r;
      };
      const sent = await pushTracked(office, [
        put("cert_inventory", orgCert.id, orgCert),
        put("cert_custody", "c1", custody[0]),
        put("cert_incident", incident.id, incident),
        put("cert_request", request.id, request),
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: request.id,
          recipients: [so.officeId],
          header: requestExchangeHeader(request, office7, "2026-11-27"),
          blobs: [{ sha256, name: "de-nghi-thu-hoi.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      const sentAt = sent.results[4]!.assigned.sentAt!;
      expect(sentAt).toBe("2026-11-27T15:00:00.000+07:00");
      request = applyRequestEvent(request, { type: "send", at: sentAt, by: ref(CLERK) }, calendar);
      await pushTracked(office, [put("cert_request", request.id, request)]);

      // Only the Sở's office has an inbox; nothing can be answered before its văn thư accepts the document.
      expect((await getJson(env(), other, "/api/certificates/inbox")).status).toBe(403);
      let inbox = await getJson(env(), so, "/api/certificates/inbox");
      expect(inbox.status).toBe(200);
      expect(inbox.body.items).toHaveLength(1);
      const item = inbox.body.items[0];
      expect(item).toMatchObject({
        status: "pending",
        receivedAt: null,
        from: { officeId: office.officeId },
        request: { id: "req-revoke-1", state: "sent", form: "Mẫu 05" },
        deadline: null,
      });
      expect((await postJson(env(), so, `/api/certificates/inbox/${item.deliveryId}/answer`, { answer: { type: "complete" } })).body.error.code).toBe(
        "not_received",
      );

      // Friday 15:10: the Sở's văn thư accepts (QLVB receive time): 3 working days → due Wednesday 02/12.
      nowIso = "2026-11-27T15:10:00+07:00";
      await pushOk(env(), so, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId: item.deliveryId }]);
      inbox = await getJson(env(), so, "/api/certificates/inbox");
      expect(inbox.body.items[0]).toMatchObject({
        status: "accepted",
        receivedAt: "2026-11-27T15:10:00.000+07:00",
        request: { state: "received" },
        deadline: { dueDay: "2026-12-02", overdue: false, confirmed: false },
      });

      // Bad answers are refused and change nothing.
      const bad = await postJson(env(), so, `/api/certificates/inbox/${item.deliveryId}/answer`, { answer: { type: "refuse", reasons: [] } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.messageVi).toMatch(/^Nội dung trả lời không hợp lệ/);
      expect((await postJson(env(), other, `/api/certificates/inbox/${item.deliveryId}/answer`, { answer: { type: "complete" } })).status).toBe(403);

      // Monday 30/11 09:00: revoked.
      nowIso = "2026-11-30T09:00:00+07:00";
      for (const u of [office, so, other]) u.token = await login(env(), u.username, u.password);
      const answered = await postJson(env(), so, `/api/certificates/inbox/${item.deliveryId}/answer`, {
        answer: { type: "complete", note: "Đã thu hồi chứng thư số" },
      });
      expect(answered.status).toBe(200);
      expect(answered.body.request).toMatchObject({
        state: "completed",
        receivedAt: "2026-11-27T15:10:00.000+07:00",
        outcome: { kind: "completed", at: "2026-11-30T09:00:00.000+07:00", result: { revokedAt: "2026-11-30T09:00:00.000+07:00" } },
      });
      expect((await postJson(env(), so, `/api/certificates/inbox/${item.deliveryId}/answer`, { answer: { type: "complete" } })).status).toBe(409);

      // The office pulls the answer and applies it: the certificate is revoked and refused for signing.
      const pulled = await pullAll(env(), office);
      const last = pulled.changes.filter((ch) => ch.entity === "cert_request").at(-1)!;
      const answeredRequest = last.data as unknown as CertificateRequest;
      expect(answeredRequest.state).toBe("completed");
      orgCert = applyRequestOutcomeToInventory([orgCert], answeredRequest)[0]!;
      expect(orgCert.revocation).toMatchObject({ revokedAt: "2026-11-30T09:00:00.000+07:00", source: "request" });
      expect(canSignAsOrganisation(CLERK, orgCert, custody, { now: "2026-11-30T10:00:00+07:00", incidents: [incident] })).toMatchObject({
        allowed: false,
        code: "signing.revoked",
      });
      const closed = closeIncident(incident, IT, "2026-11-30T10:00:00+07:00", "Chứng thư số đã bị thu hồi", [orgCert]);
      await pushTracked(office, [put("cert_inventory", orgCert.id, orgCert), put("cert_incident", closed.id, closed)]);

      // A token recovery left unanswered becomes overdue in the district view.
      let recovery = createCertificateRequest({
        id: "req-recover-1",
        officeId: office.officeId,
        fields: {
          kind: "token-recovery",
          contact,
          certificates: [{ holder: "Nguyễn Văn An", serialNumber: "5403FF", tokenSerial: "TK-PCT-7", reason: "Khóa do nhập sai mã PIN" }],
        },
        createdAt: "2026-11-30T09:10:00+07:00",
        createdBy: ref(IT),
      });
      recovery = applyRequestEvent(
        recovery,
        { type: "sign", at: "2026-11-30T09:20:00+07:00", by: ref(HEAD), documentSha256: sha256, documentNumber: "217/UBND" },
        calendar,
      );
      const sent2 = await pushTracked(office, [
        put("cert_request", recovery.id, recovery),
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "exchange.send",
          documentRef: recovery.id,
          recipients: [so.officeId],
          header: requestExchangeHeader(recovery, office7, "2026-11-30"),
          blobs: [{ sha256, name: "de-nghi-khoi-phuc.pdf", contentType: "application/pdf", role: "main" }],
        },
      ]);
      recovery = applyRequestEvent(recovery, { type: "send", at: sent2.results[1]!.assigned.sentAt!, by: ref(CLERK) }, calendar);
      await pushTracked(office, [put("cert_request", recovery.id, recovery)]);
      const d2 = (await getJson(env(), so, "/api/certificates/inbox")).body.items.find((i: { request: { id: string } }) => i.request.id === "req-recover-1");
      await pushOk(env(), so, [{ id: mutationId(), clientTime: clientTime(), type: "exchange.accept", deliveryId: d2.deliveryId }]);

      nowIso = "2026-12-02T09:00:00+07:00";
      // Sessions last 12 hours of QLVB time: a new day, a new login.
      for (const u of [office, district]) u.token = await login(env(), u.username, u.password);
      expect((await getJson(env(), office, "/api/certificates/district")).status).toBe(403);
      const view = await getJson(env(), district, "/api/certificates/district");
      expect(view.status).toBe(200);
      const rows = view.body.offices as Array<{
        officeId: string;
        syncState: string;
        overdueRequests: unknown[];
        openRequests: unknown[];
        certificates: Array<{ status: { status: string } }>;
        openIncidents: number;
      }>;
      expect(rows.map((r) => r.officeId)).toEqual([office.officeId, other.officeId]);
      expect(rows[0]).toMatchObject({ syncState: "stale", openIncidents: 0 });
      expect(rows[0]!.overdueRequests).toEqual([
        expect.objectContaining({ form: "Mẫu 06", deadline: expect.objectContaining({ dueDay: "2026-12-01", overdue: true, workingDaysLeft: -1 }) }),
      ]);
      expect(rows[0]!.certificates.map((c) => c.status.status)).toEqual(["revoked"]);
      expect(rows[1]).toMatchObject({ syncState: "never", openRequests: [], certificates: [] });
    });

    it("the holiday calendar: district IT edits it, others may not, bad data is refused", async () => {
      nowIso = "2026-11-25T09:00:00+07:00";
      const district = await officeWithUser(env(), "Phòng VH-KH&TT", ["district_it"], { kind: "district" });
      const clerk = await officeWithUser(env(), "UBND xã Tiên Lãng", ["clerk"]);
      const initial = await getJson(env(), clerk, "/api/certificates/calendar");
      expect(initial.body.updatedAt).toBeNull();
      expect(initial.body.data.overrides.length).toBeGreaterThan(0);
      const data = { version: 1, overrides: [{ day: "2026-09-03", action: "off", name: "Nghỉ Quốc khánh theo thông báo", basis: "Thông báo (thử)" }] };
      expect((await postJson(env(), clerk, "/api/certificates/calendar", data, "PUT")).status).toBe(403);
      const badData = await postJson(
        env(),
        district,
        "/api/certificates/calendar",
        { version: 1, overrides: [{ day: "2026-02-30", action: "off", name: "x", basis: "y" }] },
        "PUT",
      );
      expect(badData.status).toBe(400);
      expect(badData.body.error.messageVi).toMatch(/^Dữ liệu lịch nghỉ không hợp lệ/);
      const saved = await postJson(env(), district, "/api/certificates/calendar", data, "PUT");
      expect(saved.status).toBe(200);
      expect(saved.body.data.overrides).toEqual(data.overrides);
      expect((await getJson(env(), clerk, "/api/certificates/calendar")).body.updatedAt).toBe("2026-11-25T09:00:00.000+07:00");
    });
  },
  { clock },
);
