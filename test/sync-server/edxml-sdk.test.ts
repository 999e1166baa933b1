import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { EDXML_NAMESPACE, EDXML_STATUS, buildEdxml, buildEdxmlStatus, parseEdxml, parseEdxmlStatus, type EdxmlPackage } from "../../shared/sync/edxml.ts";
import { signEdxml, verifyEdxmlSignature, type EdxmlSigningKey } from "../../sync-server/edxml/signature.ts";
import { tool } from "../support/tools.ts";

/**
 * Our edXML export against what the public SDKs write. The two fixtures below are written here
 * in the shape of two public implementations read through the search tool (a Java gateway to the
 * national axis that builds packages by hand "based on QCVN 102:2016", and a TypeScript builder
 * that follows the .NET SDK example of the axis): same elements, same nesting, same value forms,
 * our own values. xmllint (libxml2) and xmlsec1 are the independent parsers and signature judge.
 */
const NS = EDXML_NAMESPACE;

// Shape of the Java gateway: Type 1 + TypeDetail 0 + TypeName, Bussiness (DocType, Paper) before TraceHeader, "yyyy/MM/dd HH:mm:ss" times.
const javaGatewayShape = `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${NS}">
  <edXML:edXMLEnvelope xmlns:edXML="${NS}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>HP.SO.KHCN</edXML:OrganId><edXML:OrganizationInCharge>UBND thành phố Hải Phòng</edXML:OrganizationInCharge><edXML:OrganName>Sở Khoa học và Công nghệ thành phố Hải Phòng</edXML:OrganName></edXML:From>
        <edXML:To><edXML:OrganId>HP.1669.008</edXML:OrganId><edXML:OrganizationInCharge>UBND phường Hồng Bàng</edXML:OrganizationInCharge><edXML:OrganName>UBND phường Hồng Bàng</edXML:OrganName></edXML:To>
        <edXML:DocumentId>HP.SO.KHCN,2026/11/25,210/SKHCN-VP</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>210</edXML:CodeNumber><edXML:CodeNotation>SKHCN-VP</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo><edXML:Place>Hải Phòng</edXML:Place><edXML:PromulgationDate>2026/11/25</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail><edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
        <edXML:Subject>V/v trả lời đề nghị cấp chứng thư số</edXML:Subject>
        <edXML:Content>Trả lời</edXML:Content>
        <edXML:SignerInfo><edXML:FullName>Phạm Văn Bình</edXML:FullName></edXML:SignerInfo>
        <edXML:OtherInfo><edXML:Priority>0</edXML:Priority><edXML:SphereOfPromulgation>Lưu hành nội bộ</edXML:SphereOfPromulgation><edXML:TyperNotation>VP</edXML:TyperNotation><edXML:PromulgationAmount>1</edXML:PromulgationAmount><edXML:PageAmount>1</edXML:PageAmount></edXML:OtherInfo>
        <edXML:SteeringType>0</edXML:SteeringType>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType><edXML:Paper>0</edXML:Paper></edXML:Bussiness>
        <edXML:TraceHeader><edXML:OrganId>HP.SO.KHCN</edXML:OrganId><edXML:Timestamp>2026/11/25 14:03:11</edXML:Timestamp></edXML:TraceHeader>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"><edXML:Reference><edXML:ContentId>cid:a1</edXML:ContentId><edXML:ContentType>application/pdf</edXML:ContentType><edXML:AttachmentName>210.pdf</edXML:AttachmentName></edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment><ContentId>cid:a1</ContentId><AttachmentName>210.pdf</AttachmentName><ContentType>application/pdf</ContentType><edXML:ContentTransferEncoded xmlns:edXML="${NS}">JVBERi0xLjcKJSVFT0YK</edXML:ContentTransferEncoded></Attachment></AttachmentEncoded>
</edXML>`;

// Shape of the builder that follows the .NET SDK example: Type 18 + TypeName + TypeDetail, TraceHeader then Bussiness with reason, StaffInfo and Paper.
const netSdkShape = javaGatewayShape
  .replace(
    "<edXML:Type>1</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail><edXML:TypeName>Công văn</edXML:TypeName>",
    "<edXML:Type>18</edXML:Type><edXML:TypeName>Công văn</edXML:TypeName><edXML:TypeDetail>0</edXML:TypeDetail>",
  )
  .replace(
    /<edXML:TraceHeaderList>[\s\S]*<\/edXML:TraceHeaderList>/,
    `<edXML:TraceHeaderList id="9f2c11aa" version="1.0" mustUnderstand="1" actor="http://schemas.xmlsoap.org/soap/actor/next">
        <edXML:TraceHeader><edXML:OrganId>HP.SO.KHCN</edXML:OrganId><edXML:Timestamp>2026/11/25 14:03:11</edXML:Timestamp></edXML:TraceHeader>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType><edXML:BussinessDocReason>Văn bản mới</edXML:BussinessDocReason>
          <edXML:StaffInfo><edXML:Department>Văn phòng Sở</edXML:Department><edXML:Staff>Đỗ Thị Lan</edXML:Staff><edXML:Mobile>0912000111</edXML:Mobile><edXML:Email>dtlan@haiphong.gov.vn</edXML:Email></edXML:StaffInfo>
          <edXML:Paper>1</edXML:Paper></edXML:Bussiness>
      </edXML:TraceHeaderList>
      <edXML:DigitalSignature />`,
  );

const ours: EdxmlPackage = {
  from: { organId: "HP.1669.008", organName: "UBND phường Hồng Bàng", organizationInCharge: "UBND thành phố Hải Phòng" },
  to: [{ organId: "HP.SO.KHCN", organName: "Sở Khoa học và Công nghệ thành phố Hải Phòng" }],
  header: {
    codeNumber: "217",
    codeNotation: "UBND",
    typeCode: "CV",
    subject: "V/v đề nghị khôi phục thiết bị lưu khóa bí mật",
    promulgationPlace: "Hải Phòng",
    promulgationDate: "2026-11-25",
    signerPosition: "Chủ tịch",
    signerFullName: "Nguyễn Văn An",
  },
  trace: [{ organId: "HP.1669.008", timestamp: "2026-11-25T09:15:02.123+07:00" }],
  business: { docType: 0, staff: { department: "Văn phòng", name: "Trần Thị Hoa", mobile: "0912345678", email: "tthoa@haiphong.gov.vn" }, paper: 0 },
  attachments: [{ contentId: "1", name: "217-UBND.pdf", contentType: "application/pdf", data: new TextEncoder().encode("%PDF-1.7\n%%EOF\n") }],
};

/** Every element path (local names, namespace checked) under the edXMLHeader, as a set. */
function headerPaths(xml: string): Set<string> {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  const out = new Set<string>();
  const walk = (el: Element, path: string) => {
    for (const c of Array.from(el.childNodes)) {
      if (c.nodeType !== 1) continue;
      const e = c as unknown as Element;
      if (e.namespaceURI !== NS) continue;
      const p = `${path}/${e.localName}`;
      out.add(p);
      walk(e, p);
    }
  };
  walk(doc.getElementsByTagNameNS(NS, "edXMLHeader")[0] as unknown as Element, "edXMLHeader");
  return out;
}

let dir: string;
let key: EdxmlSigningKey;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "edxml-sdk-"));
  const r = await tool("openssl", [
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
    "/CN=QLVB Van thu so (thu)/O=UBND phuong Hong Bang",
    "-days",
    "2",
  ]);
  expect(r.code).toBe(0);
  key = { privateKeyPem: readFileSync(join(dir, "k.pem"), "utf8"), certificatePem: readFileSync(join(dir, "c.pem"), "utf8") };
});

describe("edXML export against the public SDKs' packages", () => {
  it("reads both SDK shapes: type from TypeName, StaffInfo, Paper, trace time", () => {
    for (const xml of [javaGatewayShape, netSdkShape]) {
      const p = parseEdxml(xml);
      expect(p.header).toMatchObject({ codeNumber: "210", codeNotation: "SKHCN-VP", typeCode: "CV", typeName: "Công văn", promulgationDate: "2026-11-25" });
      expect(p.trace[0]).toEqual({ organId: "HP.SO.KHCN", timestamp: "2026-11-25T14:03:11+07:00" });
      expect(p.attachments[0]!.data).toEqual(new TextEncoder().encode("%PDF-1.7\n%%EOF\n"));
    }
    expect(parseEdxml(netSdkShape).business).toEqual({
      docType: 0,
      reason: "Văn bản mới",
      staff: { department: "Văn phòng Sở", name: "Đỗ Thị Lan", mobile: "0912000111", email: "dtlan@haiphong.gov.vn" },
      paper: 1,
    });
  });

  it("writes every element the SDKs write, where they write it; DocumentType as a number with TypeDetail", () => {
    const xml = buildEdxml(ours);
    const mine = headerPaths(xml);
    for (const sdk of [javaGatewayShape, netSdkShape]) {
      const missing = [...headerPaths(sdk)].filter((p) => !mine.has(p) && !p.endsWith("/DigitalSignature"));
      expect(missing).toEqual([]);
    }
    expect(xml).toMatch(
      /<edXML:DocumentType>\s*<edXML:Type>1<\/edXML:Type>\s*<edXML:TypeName>Công văn<\/edXML:TypeName>\s*<edXML:TypeDetail>0<\/edXML:TypeDetail>/,
    );
    expect(xml).toContain("<edXML:Timestamp>2026/11/25 09:15:02</edXML:Timestamp>");
    const back = parseEdxml(xml);
    expect(back.business).toEqual({ docType: 0, reason: "Văn bản mới", staff: ours.business.staff, paper: 0 });
    expect(back.header.typeCode).toBe("CV");
  });

  it("libxml2 reads our package and the status packages as well-formed, every element in the edXML namespace", async () => {
    const files = {
      pkg: buildEdxml(ours),
      recall: buildEdxml({ ...ours, business: { docType: 1, reason: "Thu hồi do sai sót trích yếu" } }),
      status: buildEdxmlStatus({
        responseFor: {
          organId: "HP.SO.KHCN",
          codeNumber: "210",
          codeNotation: "SKHCN-VP",
          promulgationDate: "2026-11-25",
          documentId: "HP.SO.KHCN,2026/11/25,210/SKHCN-VP",
        },
        from: { organId: "HP.1669.008", organName: "UBND phường Hồng Bàng" },
        statusCode: EDXML_STATUS.recallAccepted,
        timestamp: "2026-11-26T08:00:00.000+07:00",
      }),
    };
    for (const [name, xml] of Object.entries(files)) {
      const f = join(dir, `${name}.xml`);
      writeFileSync(f, xml);
      expect((await tool("xmllint", ["--noout", f])).code).toBe(0);
      const foreign = await tool("xmllint", [
        "--xpath",
        `count(/*[local-name()='edXML']//*[namespace-uri()!='${NS}' and not(ancestor-or-self::*[local-name()='AttachmentEncoded'])])`,
        f,
      ]);
      expect(foreign.stdout.trim()).toBe("0");
    }
    const recall = parseEdxml(files.recall);
    expect(recall.business).toMatchObject({ docType: 1, reason: "Thu hồi do sai sót trích yếu" });
  });

  it("status codes 13, 15 and 16 travel and come back", () => {
    for (const code of [EDXML_STATUS.recall, EDXML_STATUS.recallAccepted, EDXML_STATUS.recallRefused]) {
      const xml = buildEdxmlStatus({
        responseFor: {
          organId: "HP.1669.008",
          codeNumber: "217",
          codeNotation: "UBND",
          promulgationDate: "2026-11-25",
          documentId: "HP.1669.008,2026/11/25,217/UBND",
        },
        from: { organId: "HP.SO.KHCN", organName: "Sở KH&CN" },
        statusCode: code,
        description: "Lý do",
        timestamp: "2026-11-26T08:00:00.000+07:00",
        staff: { name: "Đỗ Thị Lan" },
      });
      expect(parseEdxmlStatus(xml)).toMatchObject({
        statusCode: code,
        description: "Lý do",
        timestamp: "2026-11-26T08:00:00.000+07:00",
        staff: { name: "Đỗ Thị Lan" },
      });
    }
  });
});

describe("the package's XML Signature", () => {
  it("covers the whole package; xmlsec1 verifies it independently; any change breaks it", async () => {
    const signed = signEdxml(buildEdxml(ours), key);
    expect(signed).toMatch(/<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">[\s\S]*<Reference URI="">/);
    const check = verifyEdxmlSignature(signed);
    expect(check).toMatchObject({ signed: true, valid: true });
    // Still a readable package, signature and all.
    expect(parseEdxml(signed).header.codeNumber).toBe("217");
    const f = join(dir, "signed.xml");
    writeFileSync(f, signed);
    const xs = await tool("xmlsec1", ["--verify", "--trusted-pem", join(dir, "c.pem"), "--enabled-reference-uris", "empty", f]);
    expect(xs.stderr).toContain("OK");
    expect(xs.code).toBe(0);
    // A changed subject, or a changed attachment outside the envelope, is caught by both.
    for (const tampered of [signed.replace("khôi phục thiết bị", "khôi phục thiết bi"), signed.replace("JVBERi0xLjcKJSVFT0YK", "JVBERi0xLjcKJSVFT0ZK")]) {
      expect(tampered).not.toBe(signed);
      expect(verifyEdxmlSignature(tampered)).toMatchObject({ signed: true, valid: false, reasonVi: "chữ ký XML không đúng: gói đã bị thay đổi sau khi ký" });
      writeFileSync(f, tampered);
      expect((await tool("xmlsec1", ["--verify", "--trusted-pem", join(dir, "c.pem"), "--enabled-reference-uris", "empty", f])).code).not.toBe(0);
    }
    expect(verifyEdxmlSignature(buildEdxml(ours))).toEqual({ signed: false });
  });

  it("refuses a signature that covers only part of the package", () => {
    const signed = signEdxml(buildEdxml(ours), key);
    const partial = signed.replace('<Reference URI="">', '<Reference URI="#x">');
    expect(verifyEdxmlSignature(partial)).toMatchObject({ valid: false, reasonVi: "chữ ký XML không bao trùm toàn bộ gói" });
  });
});
