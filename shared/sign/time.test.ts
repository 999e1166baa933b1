import { describe, it, expect } from "vitest";
import { formatDateVietnam, formatIsoVietnam, formatPdfDate } from "./time.ts";

describe("Vietnam time", () => {
  const t = new Date("2026-11-24T02:15:02.789Z");
  it("ISO 8601 with +07:00", () => expect(formatIsoVietnam(t)).toBe("2026-11-24T09:15:02+07:00"));
  it("PDF date", () => expect(formatPdfDate(t)).toBe("D:20261124091502+07'00'"));
  it("dd/mm/yyyy, across midnight UTC", () => expect(formatDateVietnam(new Date("2026-12-31T18:30:00Z"))).toBe("01/01/2027"));
});
