import { describe, expect, it } from "vitest";
import { bundledIntermediates, bundledTrustAnchors } from "../../trust/index.ts";
import { findCertificationPath } from "../../pki/path.ts";
import { pathAlgorithms } from "./chain.ts";

describe("SHA-1 on the G1 government CA certificates", () => {
  it("the real G1 sub-CAs under the real G1 root: a note (known government root), no weakness listed", async () => {
    const anchors = await bundledTrustAnchors();
    for (const sub of await bundledIntermediates()) {
      const path = await findCertificationPath(sub, [], anchors, new Date("2026-06-01T00:00:00Z"));
      const r = pathAlgorithms(path!.certificates);
      expect(r.weak).toEqual([]);
      expect(r.notes.map((n) => n.code)).toEqual(["GOVERNMENT_CA_SHA1"]);
      expect(r.notes[0]!.indication).toBe("TOTAL_PASSED");
      expect(r.notes[0]!.detail).toMatch(/G1 government CA/);
    }
  });
});
