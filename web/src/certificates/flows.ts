import { ulid } from "ulid";
import { VanthuError } from "../../../shared/errors.ts";
import { toVietnamIso } from "../../../shared/domain/dates.ts";
import { WorkingDayCalendar } from "../../../shared/domain/calendar/working-day-calendar.ts";
import { knownNoticesData, parseHolidayCalendarData, type HolidayCalendarData } from "../../../shared/domain/calendar/holiday-data.ts";
import {
  addToInventory,
  applyRequestEvent,
  applyRequestOutcomeToInventory,
  auditForCustody,
  auditForIncident,
  auditForRequestEvent,
  canSignAsOrganisation,
  canSignAsPerson,
  CertificateRequestSchema,
  closeIncident,
  CertificateInventoryEntrySchema,
  createCertificateRequest,
  CustodyEventSchema,
  fromBase64,
  inventoryEntryFromCertificate,
  linkRequestDocument,
  recordCustodyEvent,
  refOf,
  renderRequestPdf,
  reportTokenIncident,
  requestDocument,
  revocationRequestFromIncident,
  TokenIncidentSchema,
  type CertificateInventoryEntry,
  type CertificateRequest,
  type ContactPerson,
  type CustodyEvent,
  type OfficePerson,
  type ReportIncidentInput,
  type RequestFields,
  type SigningDecision,
  REQUEST_ADDRESSEE_VI,
} from "../../../shared/domain/certificates/index.ts";
import { signatureTitleLines } from "../../../shared/domain/roles.ts";
import type { VanthuDb } from "../db/schema.ts";
import { apiCall } from "../sync/api.ts";
import { appendAudit, saveCertRecord, saveDerivedCertRecord } from "./store.ts";

/** The office's id on the server (from the session), or "local" before the first sign-in. */
export async function officeIdOf(db: VanthuDb): Promise<string> {
  const s = (await db.meta.get("session"))?.value as { office?: { id: string } } | undefined;
  return s?.office?.id ?? "local";
}

const nowIso = () => toVietnamIso(new Date());
const provisional = () => ({ at: nowIso(), source: "provisional" as const });

/** The person at the keyboard: the profile's name matched to the office's people. */
export async function currentPerson(db: VanthuDb): Promise<OfficePerson> {
  const profile = (await db.meta.get("profile"))?.value as { userName?: string; userTitle?: string } | undefined;
  // The person signed in is the session's account (the device profile no longer keeps a name).
  const session = (await db.meta.get("session"))?.value as { user?: { fullName?: string } } | undefined;
  const name = (session?.user?.fullName || profile?.userName)?.trim();
  const people = await db.certPeople.toArray();
  const p = people.find((x) => x.name.normalize("NFC") === name?.normalize("NFC"));
  if (p) return p;
  return { id: `local-${(name ?? "").replace(/[^0-9A-Za-z]/g, "").slice(0, 20) || "user"}`, name: name || "Người dùng", title: profile?.userTitle, duties: [] };
}

export async function savePerson(db: VanthuDb, p: OfficePerson): Promise<void> {
  if (!p.name.trim()) throw new VanthuError("cert.person-name", "Hãy nhập họ và tên.", "Person name required");
  await saveCertRecord(db, "certPeople", { ...p, name: p.name.trim() });
}

/** The working-day calendar in force (district IT's data, kept from the last sync). */
export async function calendarOf(db: VanthuDb): Promise<WorkingDayCalendar> {
  const raw = (await db.meta.get("holidayCalendar"))?.value;
  let data: HolidayCalendarData = knownNoticesData();
  try {
    if (raw) data = parseHolidayCalendarData(raw);
  } catch {
    // a damaged copy: the known notices stand in until the next sync
  }
  return new WorkingDayCalendar(data);
}

export async function addCertificate(
  db: VanthuDb,
  bytes: Uint8Array,
  o: { source: "token" | "file"; tokenId?: string; title?: string; holderPersonId?: string },
): Promise<CertificateInventoryEntry> {
  const entry = await inventoryEntryFromCertificate(bytes, { ...o, officeId: await officeIdOf(db), addedAt: nowIso() });
  addToInventory(await db.certInventory.toArray(), entry);
  await saveCertRecord(db, "certInventory", entry);
  const who = await currentPerson(db);
  await appendAudit(db, {
    officeId: entry.officeId,
    action: "certificate",
    actor: refOf(who),
    time: provisional(),
    summary: `Thêm chứng thư số ${entry.serialNumber} (${entry.holder}) vào danh mục${entry.tokenId ? `, thiết bị ${entry.tokenId}` : ""}.`,
    subject: { kind: "certificate", id: entry.id, label: `${entry.holder} (${entry.serialNumber})` },
  });
  return entry;
}

export async function recordCustody(db: VanthuDb, e: Omit<CustodyEvent, "id" | "recordedAt" | "recordedBy">): Promise<CustodyEvent> {
  const cert = await db.certInventory.get(e.certificateId);
  if (!cert) throw new VanthuError("cert.unknown", "Không tìm thấy chứng thư số trong danh mục.", `Certificate ${e.certificateId} not in inventory`);
  const who = await currentPerson(db);
  const event: CustodyEvent = { ...e, id: ulid(), recordedAt: nowIso(), recordedBy: refOf(who) };
  recordCustodyEvent(await db.certCustody.toArray(), event, cert, await db.certPeople.toArray());
  await saveCertRecord(db, "certCustody", event);
  await appendAudit(db, auditForCustody(event, cert, { id: ulid(), qlvbTime: false }));
  return event;
}

export interface OfficeForRequests {
  name: string;
  parentName?: string;
  symbol: string;
  place: string;
  province: string;
}

/** R21: the report, its notifications, the revocation request (draft) — and the audit entries. */
export async function reportIncident(db: VanthuDb, input: Omit<ReportIncidentInput, "id" | "officeId" | "reportedAt" | "reportedBy">, contact: ContactPerson) {
  const who = await currentPerson(db);
  const officeId = await officeIdOf(db);
  const incident = reportTokenIncident(
    { ...input, id: ulid(), officeId, reportedAt: nowIso(), reportedBy: refOf(who) },
    await db.certInventory.toArray(),
    await db.certPeople.toArray(),
  );
  const request = revocationRequestFromIncident(incident, await db.certInventory.toArray(), {
    id: ulid(),
    contact,
    createdAt: nowIso(),
    createdBy: refOf(who),
  });
  const linked = { ...incident, state: "revocation-requested" as const, revocationRequestIds: [request.id] };
  await saveCertRecord(db, "certIncidents", linked);
  await saveCertRecord(db, "certRequests", request);
  await appendAudit(db, auditForIncident(linked, { id: ulid(), qlvbTime: false }));
  return { incident: linked, request };
}

export async function newRequest(db: VanthuDb, fields: RequestFields): Promise<CertificateRequest> {
  const who = await currentPerson(db);
  const r = createCertificateRequest({ id: ulid(), officeId: await officeIdOf(db), fields, createdAt: nowIso(), createdBy: refOf(who) });
  await saveCertRecord(db, "certRequests", r);
  return r;
}

type DirectoryOffice = { id: string; name: string; kind?: string };

/**
 * The Sở KH&CN's name as the server's office directory writes it: the exchange finds a
 * recipient by that name, so a name written otherwise ("…Công nghệ Hải Phòng" for "…Công nghệ
 * thành phố Hải Phòng") would leave the issued request unsent. The directory kept by the last
 * sync, else asked now; offline on a device that never synced, the city's own name.
 */
export async function scienceDepartmentName(db: VanthuDb): Promise<string> {
  const find = (list: DirectoryOffice[] | undefined) => list?.find((o) => o.kind === "science_department")?.name;
  const kept = find((await db.meta.get("offices"))?.value as DirectoryOffice[] | undefined);
  if (kept) return kept;
  try {
    const { offices } = await apiCall<{ offices: DirectoryOffice[] }>(db, "/api/offices");
    await db.meta.put({ key: "offices", value: offices });
    return find(offices) ?? REQUEST_ADDRESSEE_VI;
  } catch {
    return REQUEST_ADDRESSEE_VI;
  }
}

/**
 * The request's công văn as a draft (dự thảo) of the office: the head signs it and the văn thư
 * issues it to the Sở through the ordinary flow (R20: signed by the office, sent through the
 * exchange). The draft's recipients name the Sở's office.
 */
export async function prepareRequestDraft(
  db: VanthuDb,
  requestId: string,
  o: {
    office: OfficeForRequests;
    signer: { name: string; title: string; capacity?: "direct" | "KT."; principalTitle?: string };
    recipientOffice: string;
    font: Uint8Array;
    boldFont?: Uint8Array;
  },
): Promise<string> {
  const r = await db.certRequests.get(requestId);
  if (!r) throw new VanthuError("cert.request-missing", "Không tìm thấy đề nghị.", `Request ${requestId} not found`);
  if (r.state !== "draft") throw new VanthuError("cert.request-locked", "Đề nghị đã được ký, không lập lại văn bản.", `Request ${requestId} is ${r.state}`);
  const date = nowIso().slice(0, 10);
  const { createDraft, emptyDraftFields } = await import("../db/drafts.ts");
  const fields = emptyDraftFields();
  // A công văn is numbered "số/UBND-VP" in the register (with the drafting unit's symbol): the
  // letter prints the same symbol, so the number written into its blank matches the register's.
  const symbol = fields.unitSymbol ? `${o.office.symbol}-${fields.unitSymbol}` : o.office.symbol;
  const doc = requestDocument(r, {
    office: { id: await officeIdOf(db), ...o.office, symbol },
    date,
    signer: { titleLines: signatureTitleLines(o.signer.capacity ?? "direct", o.signer.principalTitle ?? o.signer.title, o.signer.title), name: o.signer.name },
    note: r.incidentId ? "Chứng thư số đã được khóa ký tại cơ quan từ khi phát hiện sự cố." : undefined,
  });
  const pdf = await renderRequestPdf(doc, { font: o.font, boldFont: o.boldFont });
  const draft = await createDraft(
    db,
    { bytes: pdf, name: `de-nghi-${r.form.replace(/\s+/g, "-")}.pdf` },
    {
      ...fields,
      typeCode: "CV",
      summary: doc.subjectLine,
      documentDate: date,
      signerName: o.signer.name,
      signerTitle: o.signer.title,
      capacity: o.signer.capacity ?? "direct",
      principalTitle: o.signer.principalTitle,
      recipients: [o.recipientOffice],
      urgency: r.incidentId ? "Khẩn" : "none",
      secrecy: "none",
    },
  );
  await saveCertRecord(db, "certRequests", linkRequestDocument(r, { draftId: draft.id }));
  return draft.id;
}

/**
 * Moves requests on from what the ordinary flow did to their drafts: issued (signed by the
 * office, numbered) → "sign"; sent with a QLVB time → "send".
 */
export async function reconcileRequests(db: VanthuDb): Promise<void> {
  const calendar = await calendarOf(db);
  for (const r of await db.certRequests.where("state").anyOf("draft", "signed").toArray()) {
    if (!r.draftId) continue;
    const draft = await db.drafts.get(r.draftId);
    const sha = draft?.signedSha256?.at(-1);
    if (!draft || draft.status !== "issued" || !sha) continue;
    const entry = await db.outgoing.where("documentSha256").equals(sha).first();
    if (!entry) continue;
    let next = r;
    const who = { id: "office", name: draft.signerName, title: draft.signerTitle };
    if (next.state === "draft") {
      next = applyRequestEvent(
        next,
        { type: "sign", at: toVietnamIso(draft.updatedAt), by: who, documentSha256: sha, documentNumber: entry.numberAndSymbol },
        calendar,
      );
      next = linkRequestDocument(next, { exchangeRef: entry.id });
      await appendAudit(db, auditForRequestEvent(next, next.history.at(-1)!, { id: ulid(), qlvbTime: false }));
    }
    if (next.state === "signed" && entry.sentAt && !entry.sentAtProvisional) {
      next = applyRequestEvent(next, { type: "send", at: entry.sentAt, by: who }, calendar);
      await appendAudit(db, auditForRequestEvent(next, next.history.at(-1)!, { id: ulid(), qlvbTime: true }));
    }
    if (next !== r) await saveCertRecord(db, "certRequests", next);
  }
}

/**
 * A request record pulled from the server: the Sở's answer written into the office's records.
 * Applied when it is further along than ours; a completed revocation revokes the certificates in
 * the inventory and closes the incident; each new step goes into the audit trail.
 */
export async function applyServerRequest(db: VanthuDb, data: unknown): Promise<void> {
  const parsed = CertificateRequestSchema.safeParse(data);
  if (!parsed.success) return;
  const incoming = parsed.data as CertificateRequest;
  const local = await db.certRequests.get(incoming.id);
  if (local && local.history.length >= incoming.history.length) return;
  await db.certRequests.put(incoming);
  for (const step of incoming.history.slice(local?.history.length ?? 0)) {
    if (step.type === "receive" || step.type === "complete" || step.type === "refuse" || step.type === "request-supplement") {
      await appendAudit(db, auditForRequestEvent({ ...incoming, state: step.state }, step, { id: ulid(), qlvbTime: true }));
    }
  }
  await (await import("./answers.ts")).applyAnswerToInventory(db, incoming);
  if (incoming.outcome?.kind === "completed" && incoming.kind === "revocation") {
    const before = await db.certInventory.toArray();
    const after = applyRequestOutcomeToInventory(before, incoming);
    for (const [i, c] of after.entries()) {
      if (c.revocation && !before[i]!.revocation) {
        await saveDerivedCertRecord(db, "certInventory", c);
        await appendAudit(db, {
          officeId: c.officeId,
          action: "certificate",
          actor: incoming.outcome.by,
          time: { at: c.revocation.revokedAt, source: "qlvb" },
          summary: `Chứng thư số ${c.serialNumber} (${c.holder}) đã bị thu hồi theo đề nghị ${incoming.document?.number ?? ""}.`,
          subject: { kind: "certificate", id: c.id, label: `${c.holder} (${c.serialNumber})` },
        });
      }
    }
    if (incoming.incidentId) {
      const incident = await db.certIncidents.get(incoming.incidentId);
      if (incident && incident.state !== "closed") {
        const me = await currentPerson(db);
        try {
          await saveDerivedCertRecord(
            db,
            "certIncidents",
            closeIncident(incident, me, nowIso(), "Chứng thư số đã bị thu hồi", await db.certInventory.toArray()),
          );
        } catch {
          // not every certificate revoked yet: the incident stays open
        }
      }
    }
  }
}

/**
 * Before the PIN: may this person sign with this certificate now? Certificates the office has not
 * entered in its inventory are left to the other checks (R8, the agent's validity check).
 */
export async function signingDecision(db: VanthuDb, certificateDerBase64: string, as: "organisation" | "person"): Promise<SigningDecision | null> {
  const der = fromBase64(certificateDerBase64);
  const id = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(der)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const cert = await db.certInventory.get(id);
  if (!cert) return null;
  const person = await currentPerson(db);
  const incidents = await db.certIncidents.toArray();
  return as === "organisation"
    ? canSignAsOrganisation(person, cert, await db.certCustody.toArray(), { incidents })
    : canSignAsPerson(person, cert, { incidents });
}

export async function assertMaySign(db: VanthuDb, certificateDerBase64: string, as: "organisation" | "person"): Promise<void> {
  const d = await signingDecision(db, certificateDerBase64, as);
  if (d && !d.allowed) throw new VanthuError(d.code, d.messageVi, d.messageEn);
}

/**
 * A certificate record pulled from the server: the Sở's answer to a request, or what another
 * computer of the office wrote. Records are checked with the shared schemas; ours are kept when
 * they are as far along. (Audit entries are not merged: each computer keeps its own chain.)
 */
export async function applyPulledCertRecord(db: VanthuDb, entity: string, data: unknown): Promise<void> {
  switch (entity) {
    case "cert_request":
      return applyServerRequest(db, data);
    case "cert_inventory": {
      const p = CertificateInventoryEntrySchema.safeParse(data);
      if (p.success) {
        const local = await db.certInventory.get(p.data.id);
        const renewed = (p.data.renewals?.length ?? 0) > (local?.renewals?.length ?? 0);
        if (!local || (!local.revocation && p.data.revocation) || renewed) await db.certInventory.put(p.data as CertificateInventoryEntry);
      }
      return;
    }
    case "cert_custody": {
      const p = CustodyEventSchema.safeParse(data);
      if (p.success && !(await db.certCustody.get(p.data.id))) await db.certCustody.put(p.data as CustodyEvent);
      return;
    }
    case "cert_incident": {
      const p = TokenIncidentSchema.safeParse(data);
      if (p.success) {
        const local = await db.certIncidents.get(p.data.id);
        const rank = { open: 0, "revocation-requested": 1, closed: 2 } as const;
        if (!local || rank[p.data.state] > rank[local.state]) await db.certIncidents.put(p.data as never);
      }
      return;
    }
    case "cert_person": {
      const p = data as OfficePerson;
      if (p && typeof p.id === "string" && typeof p.name === "string" && Array.isArray(p.duties) && !(await db.certPeople.get(p.id)))
        await db.certPeople.put(p);
      return;
    }
  }
}
