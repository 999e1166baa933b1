import { describe, expect, it } from "vitest";
import { incomingRegisterCover, outgoingRegisterCover } from "./register-cover.ts";
import type { IncomingRegisterEntry, OutgoingRegisterEntry } from "./registers.ts";

const office = { name: "Ủy ban nhân dân phường Hồng Bàng", parentName: "Ủy ban nhân dân thành phố Hải Phòng" };
const out = (number: number, documentDate: string, year = 2026) => ({ id: `o${number}`, year, number, documentDate }) as OutgoingRegisterEntry;
const inc = (number: number, arrivedAt: string, year = 2026) => ({ id: `i${number}`, year, number, arrivedAt }) as IncomingRegisterEntry;

describe("the printed register's cover (Nghị định 30/2020 Phụ lục IV)", () => {
  it("outgoing: year, from day to day, from number to number, book number", () => {
    const c = outgoingRegisterCover([out(12, "2026-03-02"), out(3, "2026-01-05"), out(120, "2026-11-27"), out(1, "2025-12-31", 2025)], {
      office,
      year: 2026,
      bookNumber: 1,
    });
    expect(c).toEqual({
      managingBody: "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
      body: "ỦY BAN NHÂN DÂN PHƯỜNG HỒNG BÀNG",
      title: "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
      yearLine: "Năm: 2026",
      dateRangeLine: "Từ ngày 05/01/2026 đến ngày 27/11/2026",
      numberRangeLine: "Từ số 03 đến số 120",
      bookLine: "Quyển số: 01",
    });
  });

  it("incoming: the days are Vietnam days of the QLVB arrival times; no number line", () => {
    // 23:30 UTC on 31/12/2025 is 06:30 on 1/1/2026 in Hải Phòng.
    const c = incomingRegisterCover([inc(1, "2025-12-31T23:30:00Z"), inc(2, "2026-02-10T09:00:00+07:00")], { office, year: 2026, bookNumber: 2 });
    expect(c.title).toBe("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN");
    expect(c.dateRangeLine).toBe("Từ ngày 01/01/2026 đến ngày 10/02/2026");
    expect(c.numberRangeLine).toBeUndefined();
    expect(c.bookLine).toBe("Quyển số: 02");
  });

  it("an empty book leaves the blanks to fill by hand; a bad book number is refused", () => {
    const c = outgoingRegisterCover([], { office, year: 2027, bookNumber: 1 });
    expect([c.dateRangeLine, c.numberRangeLine]).toEqual(["Từ ngày … đến ngày …", "Từ số … đến số …"]);
    expect(() => outgoingRegisterCover([], { office, year: 2027, bookNumber: 0 })).toThrow(RangeError);
  });
});
