import { describe, expect, it } from "vitest";
import { ddmmyyyyVietnam, isoVietnam, looksLikeLocalTimeAsUtc, parsePdfDate, pdfDateVietnam, vietnamYear } from "./index.ts";

describe("Vietnam time", () => {
  const t = new Date("2026-12-31T18:30:05.123Z"); // 01:30 on 1 January 2027 in Hải Phòng
  it("formats an instant in +07:00", () => {
    expect(isoVietnam(t)).toBe("2027-01-01T01:30:05+07:00");
    expect(isoVietnam(t, true)).toBe("2027-01-01T01:30:05.123+07:00");
    expect(ddmmyyyyVietnam(t)).toBe("01/01/2027");
    expect(vietnamYear(t)).toBe(2027);
    expect(pdfDateVietnam(t)).toBe("D:20270101013005+07'00'");
  });
  it("parses PDF dates with any offset, and round-trips its own", () => {
    expect(parsePdfDate("D:20270101013005+07'00'")?.toISOString()).toBe("2026-12-31T18:30:05.000Z");
    expect(parsePdfDate("D:20261231183005Z")?.toISOString()).toBe("2026-12-31T18:30:05.000Z");
    expect(parsePdfDate("D:20261231133005-05'00'")?.toISOString()).toBe("2026-12-31T18:30:05.000Z");
    expect(parsePdfDate("D:2026")?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(parsePdfDate("yesterday")).toBeUndefined();
    expect(parsePdfDate(pdfDateVietnam(t))?.getTime()).toBe(Math.floor(t.getTime() / 1000) * 1000);
  });
  it("recognises a local time written as UTC (7 hours ahead), and only that", () => {
    const genTime = new Date("2026-11-24T02:15:30Z");
    expect(looksLikeLocalTimeAsUtc(new Date("2026-11-24T09:15:02Z"), genTime)).toBe(true);
    expect(looksLikeLocalTimeAsUtc(new Date("2026-11-24T02:15:02Z"), genTime)).toBe(false);
    expect(looksLikeLocalTimeAsUtc(new Date("2026-11-24T12:15:02Z"), genTime)).toBe(false);
  });
});
