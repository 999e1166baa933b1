import "fake-indexeddb/auto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matchesQuery, queryTokens, registerQueryTokens, searchTokens, type IncomingRegisterEntry } from "../../../shared/domain/index.ts";
import { isAbortError, registerYearsOf, searchPaths, searchRegister, searchRegisterIds, searchRegisterPage, searchSizes } from "./register-search.ts";
import { openVanthuDb, type VanthuDb } from "./schema.ts";

/**
 * The register search reads only a window of each token's postings and as many rows as it
 * shows: checked here against the plain answer (every entry filtered, newest first) over a
 * register large enough that every window is exceeded, with broad, rare, absent and combined
 * tokens, filters, and limits.
 */
const N = 2000;
const issuers = [
  "Ủy ban nhân dân phường Hồng Bàng",
  "Sở Nội vụ thành phố Hải Phòng",
  "UBND xã An Hưng",
  "Sở Tài chính",
  "Công an thành phố",
  "Ủy ban nhân dân xã Tiên Lãng",
];
const subjects = [
  "Về việc tổ chức tiêm chủng mở rộng",
  "Kế hoạch phòng chống lụt bão",
  "Báo cáo tình hình kinh tế - xã hội",
  "Thông báo lịch tiếp công dân",
  "Quyết định khen thưởng",
];
const types = ["CV", "QĐ", "KH", "BC", "TB"];

let db: VanthuDb;
const all: IncomingRegisterEntry[] = [];

beforeAll(async () => {
  db = openVanthuDb(`search-${Date.now()}`);
  await db.open();
  for (let i = 0; i < N; i++) {
    const year = 2025 + (i % 2);
    const issuer = issuers[(i * 7) % issuers.length]!;
    const summary = `${subjects[i % subjects.length]} đợt ${i % 53}`;
    const nas = `${(i % 300) + 1}/${types[i % types.length]}-UBND`;
    all.push({
      id: `e-${String(i).padStart(6, "0")}`,
      year,
      number: Math.floor(i / 2) + 1,
      arrivedAt: `${year}-03-01T08:00:00+07:00`,
      issuer,
      numberAndSymbol: nas,
      documentDate: `${year}-${String((i % 12) + 1).padStart(2, "0")}-10`,
      typeCode: types[i % types.length]!,
      summary,
      handler: "Văn phòng",
      urgency: "none",
      status: i % 10 === 0 ? "done" : "registered",
      searchTokens: searchTokens(issuer, nas, summary, "Văn phòng"),
    } as IncomingRegisterEntry);
  }
  await db.incoming.bulkAdd(all);
}, 120_000);
afterAll(async () => {
  await db.delete();
});

type Filter = { year?: number; query?: string; typeCode?: string; status?: string; issuer?: string; from?: string; to?: string; limit?: number };

function plain(f: Filter): string[] {
  const q = registerQueryTokens(f.query ?? "");
  const issuerQ = queryTokens(f.issuer ?? "");
  return all
    .filter(
      (e) =>
        (f.year === undefined || e.year === f.year) &&
        (!f.typeCode || e.typeCode === f.typeCode) &&
        (!f.status || e.status === f.status) &&
        (!f.from || e.documentDate >= f.from) &&
        (!f.to || e.documentDate <= f.to) &&
        (issuerQ.length === 0 || matchesQuery(queryTokens(e.issuer), issuerQ)) &&
        (q.length === 0 || matchesQuery(e.searchTokens, q)),
    )
    .sort((a, b) => b.year - a.year || b.number - a.number)
    .slice(0, f.limit ?? 200)
    .map((e) => e.id);
}

/** Every path the search can take, walked over the runs below. */
const taken = new Set<string>();

describe.each([
  ["as shipped", { ...searchSizes }],
  ["with small windows, so that every path is taken", { WINDOW: 16, MIN_PART: 4, MAX_EXPANSIONS: 3, GROW: 4, DENSER: 8, PAGE: 7 }],
  ["with tiny windows, so that even numbers are common", { WINDOW: 2, MIN_PART: 1, MAX_EXPANSIONS: 3, GROW: 2, DENSER: 2, PAGE: 7 }],
])("register search (R16) against the plain answer, %s", (_name, sizes) => {
  const shipped = { ...searchSizes };
  beforeAll(() => {
    Object.assign(searchSizes, sizes);
    searchPaths.clear();
  });
  afterAll(() => {
    Object.assign(searchSizes, shipped);
    for (const p of searchPaths) taken.add(p);
  });
  const queries = [
    "",
    "uy ban nhan dan",
    "u",
    "h",
    "hong bang",
    "dot 7",
    "dot 52",
    "12/ubnd",
    "12/kh-ubnd",
    "12/",
    "12 kh ubnd",
    "(12/KH-UBND).",
    "300",
    "29",
    "ti",
    "tiem chung dot 1",
    "khong co gi",
    "so noi vu tiep",
    "x",
    "cong an khen thuong",
    "bao",
    "a b",
    "van phong",
    "lut khen",
    "hong bang tai chinh",
  ];
  for (const query of queries) {
    it(`"${query}"`, async () => {
      for (const f of [
        { year: 2026, query },
        { query },
        { year: 2025, query, typeCode: "KH" },
        { year: 2026, query, status: "done", limit: 15 },
        { query, limit: 1000 },
        { year: 2026, query, issuer: "so noi" },
        { query, from: "2025-03-01", to: "2025-05-31", limit: 30 },
      ] satisfies Filter[]) {
        expect(
          (await searchRegister(db, "incoming", f)).map((e) => e.id),
          JSON.stringify(f),
        ).toEqual(plain(f));
        expect(await searchRegisterIds(db, "incoming", f), JSON.stringify(f)).toEqual(plain(f));
      }
    });
  }

  it("an aborted search ends with an AbortError and returns nothing", async () => {
    const aborter = new AbortController();
    const running = searchRegister(db, "incoming", { year: 2026, query: "uy ban", signal: aborter.signal });
    aborter.abort(new DOMException("superseded", "AbortError"));
    const err = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAbortError(err)).toBe(true);
  });

  it("a search aborted while it reads ends with an AbortError too", async () => {
    for (const wait of [0, 1, 3, 10]) {
      const aborter = new AbortController();
      const running = searchRegisterIds(db, "incoming", { query: "uy ban nhan dan dot", issuer: "uy", signal: aborter.signal });
      await new Promise((ok) => setTimeout(ok, wait));
      aborter.abort(new DOMException("superseded", "AbortError"));
      const outcome = await running.then(
        (ids) => ids,
        (e: unknown) => e,
      );
      // Either it had finished (the right answer) or it stopped with an AbortError.
      if (Array.isArray(outcome)) expect(outcome).toEqual(plain({ query: "uy ban nhan dan dot", issuer: "uy" }));
      else expect(isAbortError(outcome), String(outcome)).toBe(true);
    }
  });
});

describe("register search, all paths", () => {
  it("walked every path of the search on this register", () => {
    expect([...taken].sort()).toEqual(
      [
        "a token absent",
        "rare token drives",
        "window drives",
        "every token broad",
        "expanded token left to rows",
        "filter only",
        "newest",
        "dense token checked on rows",
        "rows checked",
        "token broad",
        "token expanded",
        "token read whole",
        "token window",
        "whole numbers skipped",
        "window grown",
        "short list grown",
      ].sort(),
    );
  });

  it("gives the view its ids and the rows of the first of them", async () => {
    // The view's first screen (limit 24) too, which for a year with no filter is read as rows alone.
    for (const f of [
      { year: 2026 },
      { year: 2025, query: "uy ban" },
      { query: "khen", status: "done" },
      { year: 2024 },
      { year: 2026, limit: 24 },
      { year: 2025, query: "dot 7", limit: 24 },
    ]) {
      const page = await searchRegisterPage(db, "incoming", f, 24);
      expect(page.ids, JSON.stringify(f)).toEqual(plain(f));
      expect(
        page.rows.map((e) => e.id),
        JSON.stringify(f),
      ).toEqual(plain(f).slice(0, 24));
    }
  });

  it("lists the years that have entries, newest first, by seeking", async () => {
    expect(await registerYearsOf(db.incoming)).toEqual([2026, 2025]);
    expect(await registerYearsOf(db.outgoing)).toEqual([]);
  });
});
