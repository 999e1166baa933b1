import { beforeAll, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildEdxml, parseEdxmlStatus, type EdxmlPackage } from "../../shared/sync/edxml.ts";
import { signEdxml, type EdxmlSigningKey } from "../../sync-server/edxml/signature.ts";
import { tool } from "../support/tools.ts";
import { auth, describeBackends, officeWithUser, pullAll, type Env, type TestUser } from "./harness.ts";

let key: EdxmlSigningKey;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "edxml-import-"));
  expect(
    (
      await tool("openssl", [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
        "-subj",
        "/CN=QLVB khac",
        "-days",
        "2",
      ])
    ).code,
  ).toBe(0);
  key = { privateKeyPem: readFileSync(join(dir, "k.pem"), "utf8"), certificatePem: readFileSync(join(dir, "c.pem"), "utf8") };
});

function pkg(to: TestUser, docType: 0 | 1 = 0): EdxmlPackage {
  return {
    from: { organId: "000.00.00.G12", organName: "Văn phòng UBND thành phố (hệ thống khác)" },
    to: [{ organId: to.organId, organName: "UBND phường" }],
    header: {
      codeNumber: "77",
      codeNotation: "UBND-VP",
      typeCode: "CV",
      subject: "V/v báo cáo công tác văn thư",
      promulgationDate: "2026-11-25",
      promulgationPlace: "Hải Phòng",
    },
    trace: [{ organId: "000.00.00.G12", timestamp: "2026-11-25T09:00:00+07:00" }],
    business: docType === 0 ? { docType: 0 } : { docType: 1, reason: "Thu hồi do sai sót số liệu" },
    attachments: docType === 0 ? [{ contentId: "1", name: "77.pdf", contentType: "application/pdf", data: new TextEncoder().encode("%PDF-1.7\n%%EOF\n") }] : [],
  };
}

const importXml = (env: Env, u: TestUser, xml: string) =>
  env.app.request("/api/edxml/import", { method: "POST", headers: auth(u, { "content-type": "application/xml" }), body: xml });

describeBackends("edXML packages from another QLVB system: signature, recall, answer 15/16", (env) => {
  it("a signed package imports; a tampered one is refused; a recall is recorded and answered", async () => {
    const b = await officeWithUser(env(), "UBND phường Hải An", ["clerk"]);
    const signed = signEdxml(buildEdxml(pkg(b)), key);
    const tampered = signed.replace("báo cáo công tác", "báo cáo công tắc");
    const bad = await importXml(env(), b, tampered);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { messageVi: string } }).error.messageVi).toBe(
      "Gói edXML bị từ chối: chữ ký XML không đúng: gói đã bị thay đổi sau khi ký.",
    );
    const ok = await importXml(env(), b, signed);
    expect(ok.status).toBe(201);
    const delivery = (await ok.json()) as { deliveryId: string };
    // The sender recalls it (BussinessDocType 1): kept for the clerk, and answered with 15 or 16.
    const recall = await importXml(env(), b, buildEdxml(pkg(b, 1)));
    expect(recall.status).toBe(202);
    expect(((await recall.json()) as { recall: Record<string, unknown> }).recall).toMatchObject({
      deliveryId: delivery.deliveryId,
      docType: 1,
      reason: "Thu hồi do sai sót số liệu",
      statusCode: "13",
    });
    expect((await pullAll(env(), b)).changes.some((c) => c.entity === "edxml_recall" && c.id === delivery.deliveryId)).toBe(true);
    const agree = parseEdxmlStatus(
      await (await env().app.request(`/api/exchange/incoming/${delivery.deliveryId}/recall-answer.edxml?agree=1`, { headers: auth(b) })).text(),
    );
    expect(agree).toMatchObject({ statusCode: "15", from: { organId: b.organId }, responseFor: { organId: "000.00.00.G12", codeNumber: "77" } });
    const refuse = parseEdxmlStatus(
      await (
        await env().app.request(`/api/exchange/incoming/${delivery.deliveryId}/recall-answer.edxml?agree=0&reason=Đã xử lý xong`, { headers: auth(b) })
      ).text(),
    );
    expect(refuse).toMatchObject({ statusCode: "16", description: "Đã xử lý xong" });
    // A recall of a document this office never received is refused plainly.
    const other = await officeWithUser(env(), "UBND xã Kiến Thụy", ["clerk"]);
    expect((await importXml(env(), other, buildEdxml(pkg(other, 1)))).status).toBe(404);
  });
});
