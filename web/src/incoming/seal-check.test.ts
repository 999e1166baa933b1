import { describe, expect, it } from "vitest";
import { sealMismatchVi } from "./seal-check.ts";
import type { SignatureSummary } from "../verify/protocol.ts";

const sig = (signerName: string, title?: string): SignatureSummary => ({ fieldName: "f", signerName, title, verdict: "valid", messageVi: "" });

describe("the seal against the sending office", () => {
  it("is quiet when the organisation's signature is the sender's, however the name is written", () => {
    expect(sealMismatchVi([sig("Nguyễn Văn Hòa", "Chủ tịch"), sig("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG")], "UBND phường Hồng Bàng")).toBeUndefined();
    expect(sealMismatchVi([sig("ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG")], "Ủy ban nhân dân phường Hồng Bàng")).toBeUndefined();
  });
  it("warns when the seal is another body's", () => {
    expect(sealMismatchVi([sig("Nguyễn Văn Hòa", "Chủ tịch"), sig("ỦY BAN NHÂN DÂN XÃ DEMO")], "Ủy ban nhân dân phường Hồng Bàng")).toMatch(
      /ỦY BAN NHÂN DÂN XÃ DEMO.*không phải của nơi gửi/,
    );
  });
  it("says nothing without a seal or without a sender", () => {
    expect(sealMismatchVi([sig("Nguyễn Văn Hòa", "Chủ tịch")], "UBND phường Hồng Bàng")).toBeUndefined();
    expect(sealMismatchVi([sig("ỦY BAN NHÂN DÂN XÃ DEMO")], undefined)).toBeUndefined();
  });
});
