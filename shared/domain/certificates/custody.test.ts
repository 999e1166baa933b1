import { describe, expect, it } from "vitest";
import { currentCustodian, recordCustodyEvent, type CustodyEvent } from "./custody.ts";
import { canSignAsOrganisation, canSignAsPerson, assertCanSign } from "./signing-guard.ts";
import { reportTokenIncident, closeIncident } from "./incidents.ts";
import type { CertificateInventoryEntry } from "./inventory.ts";
import { refOf } from "./people.ts";
import { CLERK, CLERK2, DEPUTY, HEAD, IT, PEOPLE } from "./test-fixtures.ts";

const orgCert: CertificateInventoryEntry = {
  id: "a".repeat(64),
  officeId: "ubnd-hong-bang",
  holderKind: "organisation",
  holder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
  organisation: "UBND thành phố Hải Phòng",
  serialNumber: "5403A1B2C3D4E5F6",
  issuer: "CA phục vụ các cơ quan Nhà nước G2",
  notBefore: "2025-01-01T00:00:00Z",
  notAfter: "2029-12-31T16:59:59Z",
  tokenId: "TK-ORG",
  source: "token",
  certificateBase64: "",
  addedAt: "2025-01-05T09:00:00+07:00",
};
const personCert: CertificateInventoryEntry = {
  ...orgCert,
  id: "b".repeat(64),
  holderKind: "person",
  holder: "Nguyễn Văn An",
  title: "Phó Chủ tịch",
  serialNumber: "5403FFEE",
  tokenId: "TK-PCT",
  holderPersonId: DEPUTY.id,
};

const decision = (n: string, date: string) => ({ documentNumber: n, documentDate: date, signedBy: refOf(HEAD) });

const assign: CustodyEvent = {
  id: "c1",
  certificateId: orgCert.id,
  kind: "assignment",
  to: refOf(CLERK),
  permission: decision("12/QĐ-UBND", "2025-01-06"),
  effectiveFrom: "2025-01-06T08:00:00+07:00",
  recordedAt: "2025-01-06T08:05:00+07:00",
  recordedBy: refOf(IT),
};

describe("custody of the organisation's certificate (R22, Quy định Điều 8.3, 17.2)", () => {
  it("only the keeper assigned in writing by the head may sign as the organisation", () => {
    expect(canSignAsOrganisation(CLERK, orgCert, [], { now: "2025-01-06T09:00:00+07:00" })).toMatchObject({ allowed: false, code: "signing.no-custodian" });
    const custody = recordCustodyEvent([], assign, orgCert, PEOPLE);
    expect(canSignAsOrganisation(CLERK, orgCert, custody, { now: "2025-01-06T09:00:00+07:00" }).allowed).toBe(true);
    const other = canSignAsOrganisation(CLERK2, orgCert, custody, { now: "2025-01-06T09:00:00+07:00" });
    expect(other).toMatchObject({ allowed: false, code: "signing.not-custodian" });
    expect(other.messageVi).toBe("Chỉ Trần Thị Bình (được giao theo văn bản 12/QĐ-UBND) được ký bằng chứng thư số của cơ quan; Hoàng Thị Hoa không được giao.");
    // Not even the head signs with it personally.
    expect(canSignAsOrganisation(HEAD, orgCert, custody, { now: "2025-01-06T09:00:00+07:00" }).allowed).toBe(false);
    // Before the assignment took effect nobody could.
    expect(canSignAsOrganisation(CLERK, orgCert, custody, { now: "2025-01-06T07:59:00+07:00" }).code).toBe("signing.no-custodian");
    expect(() => assertCanSign(other)).toThrow(/not the assigned keeper/);
  });

  it("a handover needs the head's written permission and moves the right to sign; a temporary one ends by itself", () => {
    let custody = recordCustodyEvent([], assign, orgCert, PEOPLE);
    const handover: CustodyEvent = {
      id: "c2",
      certificateId: orgCert.id,
      kind: "handover",
      from: refOf(CLERK),
      to: refOf(CLERK2),
      permission: decision("45/GP-UBND", "2026-07-01"),
      effectiveFrom: "2026-07-01T08:00:00+07:00",
      until: "2026-07-15T00:00:00+07:00",
      reason: "Văn thư nghỉ phép",
      recordedAt: "2026-07-01T08:00:00+07:00",
      recordedBy: refOf(IT),
    };
    custody = recordCustodyEvent(custody, handover, orgCert, PEOPLE);
    expect(currentCustodian(custody, orgCert.id, "2026-07-02T09:00:00+07:00")?.keeper.id).toBe(CLERK2.id);
    expect(canSignAsOrganisation(CLERK, orgCert, custody, { now: "2026-07-02T09:00:00+07:00" }).allowed).toBe(false);
    expect(canSignAsOrganisation(CLERK2, orgCert, custody, { now: "2026-07-02T09:00:00+07:00" }).allowed).toBe(true);
    // After the leave, custody is back with the assigned clerk.
    expect(currentCustodian(custody, orgCert.id, "2026-07-15T08:00:00+07:00")?.keeper.id).toBe(CLERK.id);
    expect(canSignAsOrganisation(CLERK2, orgCert, custody, { now: "2026-07-15T08:00:00+07:00" }).allowed).toBe(false);
    expect(custody.map((e) => e.permission.documentNumber)).toEqual(["12/QĐ-UBND", "45/GP-UBND"]);
  });

  it("refuses a handover without permission, signed by someone else than the head, or from someone who does not hold it", () => {
    const custody = recordCustodyEvent([], assign, orgCert, PEOPLE);
    const base: CustodyEvent = { ...assign, id: "c3", kind: "handover", from: refOf(CLERK), to: refOf(CLERK2), effectiveFrom: "2026-01-10T08:00:00+07:00" };
    expect(() => recordCustodyEvent(custody, { ...base, permission: { ...base.permission, documentNumber: " " } }, orgCert, PEOPLE)).toThrow(
      expect.objectContaining({ code: "custody.no-permission" }),
    );
    expect(() => recordCustodyEvent(custody, { ...base, permission: { ...base.permission, signedBy: refOf(DEPUTY) } }, orgCert, PEOPLE)).toThrow(
      expect.objectContaining({
        code: "custody.not-head",
        messageVi: "Văn bản giao phải do người đứng đầu cơ quan ký; Nguyễn Văn An không phải người đứng đầu.",
      }),
    );
    expect(() => recordCustodyEvent(custody, { ...base, from: refOf(CLERK2), to: refOf(IT) }, orgCert, PEOPLE)).toThrow(
      expect.objectContaining({ code: "custody.not-keeper" }),
    );
    expect(() => recordCustodyEvent(custody, { ...base, to: refOf(CLERK) }, orgCert, PEOPLE)).toThrow(expect.objectContaining({ code: "custody.same-person" }));
    expect(() => recordCustodyEvent(custody, { ...base, to: { id: "outsider", name: "Người ngoài" } }, orgCert, PEOPLE)).toThrow(
      expect.objectContaining({ code: "custody.unknown-person" }),
    );
    expect(() => recordCustodyEvent([], { ...base, id: "c4" }, orgCert, PEOPLE)).toThrow(expect.objectContaining({ code: "custody.nobody" }));
    expect(() => recordCustodyEvent(custody, assign, orgCert, PEOPLE)).toThrow(expect.objectContaining({ code: "custody.duplicate" }));
    expect(() => recordCustodyEvent([], { ...assign, certificateId: personCert.id }, personCert, PEOPLE)).toThrow(
      expect.objectContaining({ code: "custody.personal-certificate" }),
    );
  });

  it("ending custody stops signing", () => {
    let custody = recordCustodyEvent([], assign, orgCert, PEOPLE);
    custody = recordCustodyEvent(
      custody,
      { ...assign, id: "c9", kind: "end", to: undefined, effectiveFrom: "2026-03-01T00:00:00+07:00", permission: decision("20/QĐ-UBND", "2026-02-28") },
      orgCert,
      PEOPLE,
    );
    expect(canSignAsOrganisation(CLERK, orgCert, custody, { now: "2026-03-02T09:00:00+07:00" }).code).toBe("signing.no-custodian");
  });

  it("a person's certificate signs only for its holder, and never as the organisation", () => {
    expect(canSignAsPerson(DEPUTY, personCert, { now: "2026-01-01T09:00:00+07:00" }).allowed).toBe(true);
    expect(canSignAsPerson(HEAD, personCert, { now: "2026-01-01T09:00:00+07:00" })).toMatchObject({ allowed: false, code: "signing.not-holder" });
    expect(canSignAsOrganisation(DEPUTY, personCert, [], { now: "2026-01-01T09:00:00+07:00" }).code).toBe("signing.not-organisation");
    expect(canSignAsPerson(DEPUTY, orgCert, { now: "2026-01-01T09:00:00+07:00" }).code).toBe("signing.not-personal");
    // Not linked to an account: the holder is recognised by name, whatever the case or diacritics form.
    const unlinked = { ...personCert, holderPersonId: undefined, holder: "NGUYỄN VĂN AN".normalize("NFD") };
    expect(canSignAsPerson(DEPUTY, unlinked, { now: "2026-01-01T09:00:00+07:00" }).allowed).toBe(true);
    expect(canSignAsPerson(HEAD, unlinked, { now: "2026-01-01T09:00:00+07:00" }).code).toBe("signing.not-holder");
  });
});

describe("incidents block signing until revoked (R21, Quy định Điều 17.5)", () => {
  it("a lost token is reported to the head and the IT unit, and its certificate is blocked at once", () => {
    const custody = recordCustodyEvent([], assign, orgCert, PEOPLE);
    const incident = reportTokenIncident(
      {
        id: "i1",
        officeId: orgCert.officeId,
        kind: "lost",
        tokenId: "TK-ORG",
        discoveredAt: "2026-11-24T16:30:00+07:00",
        reportedAt: "2026-11-24T16:45:00+07:00",
        reportedBy: refOf(CLERK),
        description: "Mất túi xách có thiết bị trên đường đi họp",
      },
      [orgCert, personCert],
      PEOPLE,
    );
    expect(incident.certificateIds).toEqual([orgCert.id]);
    expect(incident.notifications.map((n) => [n.to, n.person.name])).toEqual([
      ["head", HEAD.name],
      ["it-unit", IT.name],
    ]);
    expect(incident.notifications[0]!.text).toMatch(/^BÁO CÁO SỰ CỐ: Mất thiết bị lưu khóa bí mật\. Phát hiện lúc 16:30 ngày 24\/11\/2026/);
    const now = { now: "2026-11-25T08:00:00+07:00", incidents: [incident] };
    const d = canSignAsOrganisation(CLERK, orgCert, custody, now);
    expect(d).toMatchObject({ allowed: false, code: "signing.incident" });
    expect(d.messageVi).toBe('Chứng thư số bị khóa ký do sự cố "Mất thiết bị lưu khóa bí mật" báo ngày 24/11/2026, cho đến khi được thu hồi.');
    // The person's certificate on another token is not affected.
    expect(canSignAsPerson(DEPUTY, personCert, now).allowed).toBe(true);
    // Once revoked, the refusal says so.
    const revoked = { ...orgCert, revocation: { revokedAt: "2026-11-26T10:00:00+07:00", source: "request" as const } };
    expect(canSignAsOrganisation(CLERK, revoked, custody, { now: "2026-11-26T11:00:00+07:00", incidents: [incident] }).code).toBe("signing.revoked");
    // Only the head may close it before revocation, and with a reason.
    expect(() => closeIncident(incident, CLERK, "2026-11-25T09:00:00+07:00", "Đã tìm thấy", [orgCert])).toThrow(
      expect.objectContaining({ code: "incident.not-head" }),
    );
    const closed = closeIncident(incident, CLERK, "2026-11-26T11:00:00+07:00", "Đã thu hồi", [revoked]);
    expect(closed.state).toBe("closed");
  });

  it("refuses a report with no description, no certificate, or nobody to tell", () => {
    const base = {
      id: "i2",
      officeId: "o",
      kind: "stolen" as const,
      tokenId: "TK-ORG",
      discoveredAt: "2026-11-24T16:30:00+07:00",
      reportedAt: "2026-11-24T16:45:00+07:00",
      reportedBy: refOf(CLERK),
      description: "x",
    };
    expect(() => reportTokenIncident({ ...base, description: " " }, [orgCert], PEOPLE)).toThrow(expect.objectContaining({ code: "incident.no-description" }));
    expect(() => reportTokenIncident({ ...base, tokenId: "TK-KHAC" }, [orgCert], PEOPLE)).toThrow(expect.objectContaining({ code: "incident.no-certificate" }));
    expect(() => reportTokenIncident(base, [orgCert], [CLERK, HEAD])).toThrow(expect.objectContaining({ code: "incident.no-recipient" }));
  });
});
