import { describe, expect, it } from "vitest";
import { AuditChain, verifyAuditChain } from "./audit-chain.ts";
import { auditForAcceptance, auditForRefusal, auditForSigning, auditForVerification } from "./events.ts";

describe("audit entries of signing, verification, acceptance and refusal (R23)", () => {
  it("say who did what to which document, and chain", async () => {
    const common = {
      officeId: "o",
      actor: { id: "u", name: "Trần Thị Bình", title: "Văn thư" },
      time: { at: "2026-11-25T09:00:00+07:00", source: "qlvb" as const },
      documentSha256: "a".repeat(64),
      documentNumber: "125/UBND-VP",
    };
    const chain = new AuditChain();
    const s = await chain.append(
      auditForSigning({
        ...common,
        id: "1",
        signatureType: "issuer",
        certificateSerial: "5403A1",
        certificateHolder: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
        signerIsDemo: true,
      }),
    );
    expect(s.summary).toBe(
      "Ký chữ ký số của cơ quan, tổ chức lên văn bản 125/UBND-VP bằng chứng thư số 5403A1 (ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG) — khóa thử, không có giá trị pháp lý.",
    );
    const v = await chain.append(auditForVerification({ ...common, id: "2", verdict: "invalid", signatures: 2, reportId: "rep-1" }));
    expect(v.summary).toBe("Kiểm tra 2 chữ ký số trên văn bản 125/UBND-VP: không hợp lệ.");
    const r = await chain.append(auditForRefusal({ ...common, id: "3", reason: "Chữ ký số không hợp lệ", sender: "UBND xã An Lão" }));
    expect(r.summary).toBe("Từ chối tiếp nhận văn bản 125/UBND-VP của UBND xã An Lão. Lý do: Chữ ký số không hợp lệ");
    const a = await chain.append(auditForAcceptance({ ...common, id: "4", documentNumber: undefined, sender: "UBND xã An Lão", arrivalNumber: 12 }));
    expect(a.summary).toBe("Tiếp nhận văn bản của UBND xã An Lão, số đến 12.");
    expect(chain.entries.map((e) => e.action)).toEqual(["signing", "verification", "refusal", "acceptance"]);
    expect((await verifyAuditChain(chain.entries)).ok).toBe(true);
  });
});
