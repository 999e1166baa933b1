import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HAI_PHONG_UNITS, cityOffices, findOffices } from "./index.ts";

describe("the city's offices from Nghị quyết 1669/NQ-UBTVQH15", () => {
  it("the module is the CSV beside it, row for row", () => {
    const csv = readFileSync(fileURLToPath(new URL("./hai-phong-114.csv", import.meta.url)), "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).toBe("clause,kind,name");
    const rows = csv.slice(1).map((l) => {
      const [clause, kind, name] = l.split(",");
      return { clause: Number(clause), kind, name };
    });
    expect(HAI_PHONG_UNITS).toEqual(rows);
  });

  it("114 units: 45 phường, 67 xã, 2 đặc khu, clauses 1–114", () => {
    const count = (k: string) => HAI_PHONG_UNITS.filter((u) => u.kind === k).length;
    expect([HAI_PHONG_UNITS.length, count("phường"), count("xã"), count("đặc khu")]).toEqual([114, 45, 67, 2]);
    expect(HAI_PHONG_UNITS.map((u) => u.clause)).toEqual(Array.from({ length: 114 }, (_, i) => i + 1));
  });

  it("names offices the way the city writes them, with stable ids and codes", () => {
    const all = cityOffices();
    expect(all).toHaveLength(116);
    const hb = all.find((o) => o.name === "UBND phường Hồng Bàng")!;
    expect(hb).toMatchObject({ id: "hp-008-phuong-hong-bang", kind: "commune", organId: "HP.1669.008", fullName: "Ủy ban nhân dân phường Hồng Bàng" });
    expect(all.find((o) => o.id === "hp-113-dac-khu-cat-hai")!.name).toBe("UBND đặc khu Cát Hải");
    expect(all.filter((o) => o.kind === "science_department").map((o) => o.name)).toEqual(["Sở Khoa học và Công nghệ thành phố Hải Phòng"]);
    expect(new Set(all.map((o) => o.id)).size).toBe(116);
    expect(new Set(all.map((o) => o.organId)).size).toBe(116);
  });

  it("finds offices typed without diacritics or with UBND written out", () => {
    const all = cityOffices();
    expect(findOffices(all, "hong bang").map((o) => o.name)).toEqual(["UBND phường Hồng Bàng"]);
    expect(findOffices(all, "cat hai").map((o) => o.name)).toEqual(["UBND đặc khu Cát Hải"]);
    expect(findOffices(all, "uy ban nhan dan dac khu").map((o) => o.name)).toEqual(["UBND đặc khu Cát Hải", "UBND đặc khu Bạch Long Vĩ"]);
    expect(findOffices(all, "so khoa hoc").map((o) => o.id)).toEqual(["hp-so-khcn"]);
    expect(findOffices(all, "xyz")).toEqual([]);
    // Two xã differ only by a tone mark: both are offered, the one typed exactly first.
    expect(findOffices(all, "cam giang").map((o) => o.name)).toEqual(["UBND xã Cẩm Giàng", "UBND xã Cẩm Giang"]);
    expect(findOffices(all, "Cẩm Giang").map((o) => o.name)).toEqual(["UBND xã Cẩm Giang", "UBND xã Cẩm Giàng"]);
  });
});
