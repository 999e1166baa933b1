import { describe, expect, it } from "vitest";
import { registerPrintHtml } from "./registers/print.ts";
import { formatBytes, storageLevel } from "./settings/storage.ts";
import { declaredOf, headerOf, resolveRecipients, translate } from "./sync/mapping.ts";
import { summariseReport } from "./verify/summarise.ts";
import { searchTokens, type IncomingRegisterEntry, type OutgoingRegisterEntry } from "../../shared/domain/index.ts";
import type { OutboxMutation } from "./db/schema.ts";
import { Mutation } from "../../shared/sync/schemas.ts";
import type { ValidationReport } from "../../shared/verify/report.ts";

const office = { name: "Ủy ban nhân dân xã An Lão", symbol: "UBND", parentName: "Ủy ban nhân dân thành phố Hải Phòng" };
const outgoing: OutgoingRegisterEntry = {
  id: "01JDEMO",
  year: 2026,
  number: 5,
  numberAndSymbol: "05/UBND-VP",
  documentDate: "2026-11-20",
  typeCode: "CV",
  summary: "V/v triển khai <chữ ký số> & lưu trữ",
  signerName: "Nguyễn Thị Hoa",
  signerTitle: "Chủ tịch",
  recipients: ["UBND xã An Hưng", "Sở Nội vụ"],
  archiveHolder: "Lưu: VT",
  copies: 3,
  sentAt: "2026-11-20T09:00:00+07:00",
  sentAtProvisional: true,
  urgency: "Khẩn",
  documentSha256: "a".repeat(64),
  status: "issued",
  searchTokens: [],
};

describe("register print export (Phụ lục IV)", () => {
  it("has the cover, the prescribed columns in order, escapes text and marks provisional times", () => {
    const html = registerPrintHtml("outgoing", office, 2026, [outgoing]);
    expect(html).toContain("SỔ ĐĂNG KÝ VĂN BẢN ĐI");
    expect(html).toContain("ỦY BAN NHÂN DÂN XÃ AN LÃO");
    expect(html).toContain("Năm: 2026");
    expect(html).toMatch(/Từ ngày \d{2}\/\d{2}\/2026 đến ngày \d{2}\/\d{2}\/2026/);
    expect(html).toMatch(/Từ số \d{2,} đến số \d{2,}/);
    expect(html).toContain("Quyển số: 01");
    const cols = [...html.matchAll(/<th>([^<(][^<]*)<\/th>/g)].map((m) => m[1]);
    expect(cols).toEqual([
      "Số, ký hiệu văn bản",
      "Ngày tháng văn bản",
      "Tên loại và trích yếu nội dung",
      "Người ký",
      "Nơi nhận",
      "Đơn vị, người nhận bản lưu",
      "Số lượng bản",
      "Ngày chuyển",
      "Ký nhận",
      "Ghi chú",
    ]);
    expect(html).toContain("Công văn: V/v triển khai &lt;chữ ký số&gt; &amp; lưu trữ");
    expect(html).toContain("20/11/2026 (tạm tính)");
    expect(html).not.toContain("<chữ ký số>");
  });
  it("prints the incoming register with số đến in order", () => {
    const e = (n: number): IncomingRegisterEntry => ({
      id: `x${n}`,
      year: 2026,
      number: n,
      arrivedAt: "2026-11-21T08:00:00+07:00",
      issuer: "Sở Nội vụ",
      numberAndSymbol: `${n}/KH-SNV`,
      documentDate: "2026-11-19",
      typeCode: "KH",
      summary: "Kế hoạch",
      handler: "Văn phòng",
      urgency: "none",
      status: "registered",
      searchTokens: [],
    });
    const html = registerPrintHtml("incoming", office, 2026, [e(2), e(1)]);
    expect(html).toContain("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN");
    expect(html.indexOf("1/KH-SNV")).toBeLessThan(html.indexOf("2/KH-SNV"));
    // The incoming cover: từ ngày… đến ngày… and quyển số (the number range is the outgoing register's).
    expect(html).toContain("Từ ngày 21/11/2026 đến ngày 21/11/2026");
    expect(html).toContain("Quyển số: 01");
  });
});

describe("storage warnings", () => {
  const MB = 1024 ** 2;
  it("warns under 20 % or 500 MB left, critical under 5 % or 100 MB", () => {
    expect(storageLevel({ usage: 1000 * MB, quota: 10_000 * MB })).toBe("ok");
    expect(storageLevel({ usage: 8500 * MB, quota: 10_000 * MB })).toBe("low");
    expect(storageLevel({ usage: 9600 * MB, quota: 10_000 * MB })).toBe("critical");
    expect(storageLevel({ usage: 250 * MB, quota: 600 * MB })).toBe("low");
    expect(storageLevel({ usage: 0, quota: 0 })).toBe("ok");
    expect(formatBytes(1536)).toBe("1,5 KB");
  });
});

describe("sync mapping", () => {
  const directory = [
    { id: "demo-an-hung", name: "UBND xã An Hưng" },
    { id: "demo-hong-bang", name: "UBND phường Hồng Bàng" },
  ];
  it("resolves recipients typed without care for case or diacritics", () => {
    expect(resolveRecipients(["ubnd xa an hung", "Sở Nội vụ", "UBND xã An Hưng"], directory)).toEqual(["demo-an-hung"]);
  });
  it("resolves a recipient written UBND to the office whose name is spelled out, and the other way round", () => {
    expect(resolveRecipients(["UBND xã An Hưng"], [{ id: "demo-an-hung", name: "Ủy ban nhân dân xã An Hưng" }])).toEqual(["demo-an-hung"]);
    expect(resolveRecipients(["Ủy ban nhân dân phường Hồng Bàng"], directory)).toEqual(["demo-hong-bang"]);
    expect(resolveRecipients(["UBND xã An Lão"], [{ id: "demo-an-hung", name: "Ủy ban nhân dân xã An Hưng" }])).toEqual([]);
  });
  it("turns an issued document into a record and an exchange.send that the server's schema accepts", () => {
    const m: OutboxMutation = {
      id: "01JABCDEF",
      createdAt: "2026-11-20T02:00:00.000Z",
      kind: "outgoing.issue",
      entityId: outgoing.id,
      payload: { entry: outgoing },
      status: "pending",
      attempts: 0,
    };
    const t = translate(m, { directory, ownOfficeId: "demo-hong-bang" });
    expect(t.blobs).toEqual([outgoing.documentSha256]);
    expect(t.mutations.map((x) => x.type)).toEqual(["record.put", "exchange.send"]);
    for (const x of t.mutations) expect(Mutation.safeParse(x).success).toBe(true);
    const send = t.mutations[1] as Extract<Mutation, { type: "exchange.send" }>;
    expect(send.recipients).toEqual(["demo-an-hung"]);
    expect(send.header).toMatchObject({ codeNumber: "05", codeNotation: "UBND-VP", priority: 1, promulgationDate: "2026-11-20" });
    expect(send.clientTime).toBe("2026-11-20T09:00:00+07:00");
    // A retry gives the same ids: the server applies each once.
    expect(translate(m, { directory, ownOfficeId: "demo-hong-bang" }).mutations.map((x) => x.id)).toEqual(t.mutations.map((x) => x.id));
    expect(t.unsent).toBeUndefined();
    // Addressed to no office the server knows: kept as a record, not sent, and said so.
    const nowhere = translate({ ...m, payload: { entry: { ...outgoing, recipients: ["UBND xã Không Có"] } } }, { directory, ownOfficeId: "demo-hong-bang" });
    expect(nowhere.mutations.map((x) => x.type)).toEqual(["record.put"]);
    expect(nowhere.unsent).toEqual(["UBND xã Không Có"]);
  });
  it("accepts and refuses deliveries that came by sync; file imports stay records", () => {
    const reg: OutboxMutation = {
      id: "01JREG",
      createdAt: "2026-11-20T02:00:00.000Z",
      kind: "incoming.register",
      entityId: "e1",
      payload: { entry: { id: "e1", note: "ok" }, receivedId: "d1" },
      status: "pending",
      attempts: 0,
    };
    const received = { source: "sync" } as never;
    expect(translate(reg, { directory, received }).mutations.map((x) => x.type)).toEqual(["exchange.accept", "record.put"]);
    const refuse: OutboxMutation = { ...reg, id: "01JREF", kind: "incoming.refuse", payload: { receivedId: "d1", reason: "Sai chữ ký" } };
    expect(translate(refuse, { directory, received }).mutations).toMatchObject([{ type: "exchange.refuse", deliveryId: "d1", reason: "Sai chữ ký" }]);
    expect(translate(refuse, { directory, received: { source: "file" } as never }).mutations[0]!.type).toBe("record.put");
  });
  it("reads an incoming delivery's header into the register's fields", () => {
    const d = declaredOf({
      deliveryId: "d1",
      exchangeId: "x1",
      from: { officeId: "demo-hong-bang", organId: "DEMO", name: "UBND phường Hồng Bàng" },
      header: { codeNumber: "5", codeNotation: "QĐ-UBND", typeName: "Quyết định", subject: "Về việc khen thưởng", promulgationDate: "2026-11-20", priority: 2 },
      blobs: [],
      sentAt: "2026-11-20T09:00:00+07:00",
      status: "pending",
      receivedAt: null,
      arrivalNumber: null,
      arrivalYear: null,
      refusedAt: null,
      refusalReason: null,
      via: "server",
    });
    expect(d).toMatchObject({ issuer: "UBND phường Hồng Bàng", numberAndSymbol: "05/QĐ-UBND", typeCode: "QĐ", urgency: "Thượng khẩn" });
    expect(searchTokens(d.issuer)).toContain("hong");
    expect(headerOf(outgoing).toPlaces).toEqual(outgoing.recipients);
  });
});

describe("verification summary for the clerk", () => {
  it("keeps the verdict, signer, time source and revocation freshness in Vietnamese", () => {
    const r = {
      status: "valid",
      validatedAt: "2026-11-25T10:00:00+07:00",
      revisions: 2,
      message: "Văn bản hợp lệ.",
      signatures: [
        {
          field: "Sig1",
          kind: "signature",
          signer: {
            commonName: "Nguyễn Thị Hoa",
            title: "Chủ tịch",
            organization: "UBND phường Hồng Bàng",
            serialNumber: "01",
            subject: "CN=Nguyễn Thị Hoa",
            issuer: "CN=Demo Root CA — CHỈ DÙNG THỬ",
            notBefore: "",
            notAfter: "",
          },
          signingTime: "2026-11-25T09:00:00+07:00",
          signingTimeSource: "claimed-M",
          indication: "TOTAL_PASSED",
          coversWholeDocument: false,
          modifiedAfter: "allowed",
          chain: [],
          revocation: [
            { certificate: "CN=Nguyễn Thị Hoa", status: "good", source: "cached-crl", thisUpdate: "2026-11-24T08:00:00+07:00", fresh: false, notes: [] },
          ],
          weakAlgorithms: [],
          changes: { allowed: [], disallowed: [] },
          findings: [],
          message: "Chữ ký hợp lệ.",
        },
      ],
    } as unknown as ValidationReport;
    const s = summariseReport(r);
    expect(s.verdict).toBe("valid");
    expect(s.signatures[0]).toMatchObject({ signerName: "Nguyễn Thị Hoa", title: "Chủ tịch", signingTimeSource: "claimed", isDemo: true, verdict: "valid" });
    expect(s.signatures[0]!.revocationVi).toBe("chưa bị thu hồi (theo CRL đã lưu trên máy, cập nhật 08:00 24/11/2026, dữ liệu đã cũ)");
    expect(summariseReport({ ...r, status: "unsigned", signatures: [], message: "" }).verdict).toBe("invalid");
  });
});

describe("revocation fetch from the browser", () => {
  it("goes direct when the CRL server allows it, through the sync server's relay when it does not", async () => {
    const { revocationFetch } = await import("./verify/revocation-fetch.ts");
    const calls: string[] = [];
    const net = async (u: string, init?: RequestInit) => {
      calls.push(`${init?.method ?? "GET"} ${u} ${new Headers(init?.headers).get("authorization") ?? ""}`.trim());
      if (u.startsWith("http://ca.gov.vn/")) throw new TypeError("Failed to fetch (CORS)");
      return new Response("crl", { status: u.includes("/api/revocation") && u.includes("missing") ? 404 : 200 });
    };
    const f = revocationFetch(net, "https://vanthu.example", "tok123");
    expect(await (await f("http://crl.allowed.example/a.crl")).text()).toBe("crl");
    expect(await (await f("http://ca.gov.vn/pki/pub/crl/cp.crl")).text()).toBe("crl");
    expect(calls.at(-1)).toBe("GET https://vanthu.example/api/revocation?url=http%3A%2F%2Fca.gov.vn%2Fpki%2Fpub%2Fcrl%2Fcp.crl Bearer tok123");
    await expect(f("http://ca.gov.vn/missing.crl")).rejects.toThrow(/CORS/);
    await expect(revocationFetch(net, "https://vanthu.example", undefined)("http://ca.gov.vn/x.crl")).rejects.toThrow(/CORS/);
  });
});
