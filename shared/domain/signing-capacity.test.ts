import { describe, expect, it } from "vitest";
import { checkBlockAgainstCertificate, parseSignatureBlockTitle } from "./signing-capacity.ts";

const codes = (lines: string[], cert: { commonName: string; title?: string }, name = cert.commonName) =>
  checkBlockAgainstCertificate({ titleLines: lines, name }, cert).map((p) => p.code);

describe("the capacities of Nghị định 30 on the signature block (R8)", () => {
  it("reads KT., TL., TM., Q., TUQ. and the signer's own title", () => {
    expect(parseSignatureBlockTitle(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])).toMatchObject({ capacity: "KT.", ownTitle: "PHÓ CHỦ TỊCH", principal: "CHỦ TỊCH" });
    expect(parseSignatureBlockTitle(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])).toMatchObject({ capacity: "TM.", ownTitle: "CHỦ TỊCH" });
    expect(parseSignatureBlockTitle(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])).toMatchObject({
      capacity: "KT.",
      prefixes: ["TM.", "KT."],
      ownTitle: "PHÓ CHỦ TỊCH",
    });
    expect(parseSignatureBlockTitle(["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"])).toMatchObject({ capacity: "TL.", ownTitle: "CHÁNH VĂN PHÒNG" });
    expect(parseSignatureBlockTitle(["TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ"])).toMatchObject({ capacity: "TUQ.", ownTitle: "TRƯỞNG PHÒNG NỘI VỤ" });
    expect(parseSignatureBlockTitle(["Q. CHỦ TỊCH"])).toMatchObject({ capacity: "Q.", ownTitle: "CHỦ TỊCH" });
    expect(parseSignatureBlockTitle(["CHỦ TỊCH"])).toMatchObject({ capacity: "direct", ownTitle: "CHỦ TỊCH" });
  });

  it("a deputy signs only under KT.", () => {
    const deputy = { commonName: "Nguyễn Văn An", title: "Phó Chủ tịch" };
    expect(codes(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], deputy)).toEqual([]);
    expect(codes(["CHỦ TỊCH"], deputy)).toEqual(["policy.r8-deputy-without-kt"]);
    expect(codes(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], deputy)).toEqual(["policy.r8-deputy-without-kt"]);
    expect(codes(["Q. CHỦ TỊCH"], deputy)).toEqual(["policy.r8-deputy-without-kt"]);
  });

  it("the head signs directly, under TM., or not as a deputy", () => {
    const head = { commonName: "Trần Thị Bình", title: "Chủ tịch" };
    expect(codes(["CHỦ TỊCH"], head)).toEqual([]);
    expect(codes(["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], head)).toEqual([]);
    expect(codes(["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], head)).toEqual(["policy.r8-other-title"]);
  });

  it("the name under the signature is the certificate's holder (any case, diacritics kept or not)", () => {
    const head = { commonName: "Trần Thị Bình", title: "Chủ tịch" };
    expect(codes(["CHỦ TỊCH"], head, "TRẦN THỊ BÌNH")).toEqual([]);
    expect(codes(["CHỦ TỊCH"], head, "Lê Văn Cường")).toEqual(["policy.r8-other-person"]);
  });

  it("TL. and TUQ. take the signer's own title; Q. the acting title", () => {
    expect(codes(["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], { commonName: "A", title: "Chánh Văn phòng" })).toEqual([]);
    expect(codes(["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"], { commonName: "A", title: "Trưởng phòng Nội vụ" })).toEqual(["policy.r8-other-title"]);
    expect(codes(["Q. CHỦ TỊCH"], { commonName: "A", title: "Quyền Chủ tịch" })).toEqual([]);
  });
});
