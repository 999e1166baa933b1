import { describe, expect, it } from "vitest";
import { DemoCertificationAuthority } from "../../pki/demo-ca.ts";
import { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import { AuditChain } from "../audit/audit-chain.ts";
import { AuditEntrySchema } from "../audit/schemas.ts";
import { inventoryEntryFromCertificate } from "./inventory.ts";
import { reportTokenIncident } from "./incidents.ts";
import { applyRequestEvent } from "./requests.ts";
import { auditForIncident, revocationRequestFromIncident } from "./lifecycle.ts";
import { CertificateInventoryEntrySchema, CertificateRequestSchema, CustodyEventSchema, TokenIncidentSchema } from "./schemas.ts";
import { refOf } from "./people.ts";
import { CLERK, HEAD, IT, PEOPLE } from "./test-fixtures.ts";

describe("schemas of the records that travel", () => {
  it("accept what the domain functions make, through JSON, and refuse damaged copies", async () => {
    const ca = await DemoCertificationAuthority.create();
    const org = await ca.issue({ commonName: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG", organization: "UBND thành phố Hải Phòng" });
    const entry = await inventoryEntryFromCertificate(new Uint8Array(org.certificate.rawData), {
      officeId: "ubnd-hong-bang",
      source: "token",
      tokenId: "TK-ORG",
      addedAt: "2026-11-25T09:00:00+07:00",
    });
    const incident = reportTokenIncident(
      {
        id: "i1",
        officeId: "ubnd-hong-bang",
        kind: "stolen",
        tokenId: "TK-ORG",
        discoveredAt: "2026-11-25T08:00:00+07:00",
        reportedAt: "2026-11-25T08:10:00+07:00",
        reportedBy: refOf(CLERK),
        description: "Bị lấy cắp tại trụ sở",
      },
      [entry],
      PEOPLE,
    );
    let request = revocationRequestFromIncident(incident, [entry], {
      id: "r1",
      contact: { fullName: IT.name, title: IT.title!, phone: "0912", email: "it@haiphong.gov.vn" },
      createdAt: "2026-11-25T08:15:00+07:00",
      createdBy: refOf(IT),
    });
    request = applyRequestEvent(
      request,
      { type: "sign", at: "2026-11-25T08:30:00+07:00", by: refOf(HEAD), documentSha256: "c".repeat(64), documentNumber: "220/UBND" },
      new WorkingDayCalendar(),
    );
    const audit = new AuditChain();
    const a = await audit.append(auditForIncident(incident, { id: "a1", qlvbTime: false }));
    const roundTrip = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));
    expect(CertificateInventoryEntrySchema.parse(roundTrip(entry))).toEqual(entry);
    expect(TokenIncidentSchema.parse(roundTrip(incident))).toEqual(incident);
    expect(CertificateRequestSchema.parse(roundTrip(request))).toEqual(request);
    expect(AuditEntrySchema.parse(roundTrip(a))).toEqual(a);
    expect(
      CustodyEventSchema.parse({
        id: "c1",
        certificateId: entry.id,
        kind: "assignment",
        to: refOf(CLERK),
        permission: { documentNumber: "12/QĐ-UBND", documentDate: "2025-01-06", signedBy: refOf(HEAD) },
        effectiveFrom: "2025-01-06T08:00:00+07:00",
        recordedAt: "2025-01-06T08:00:00+07:00",
        recordedBy: refOf(IT),
      }).kind,
    ).toBe("assignment");

    expect(CertificateInventoryEntrySchema.safeParse({ ...entry, notAfter: "31/12/2029" }).success).toBe(false);
    expect(CertificateRequestSchema.safeParse({ ...request, state: "approved" }).success).toBe(false);
    expect(CertificateRequestSchema.safeParse({ ...request, fields: { kind: "revocation", contact: request.fields.contact } }).success).toBe(false);
    expect(TokenIncidentSchema.safeParse({ ...incident, certificateIds: [] }).success).toBe(false);
    expect(AuditEntrySchema.safeParse({ ...a, hash: "xyz" }).success).toBe(false);
  });
});
