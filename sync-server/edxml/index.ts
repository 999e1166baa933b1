import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { EDXML_STATUS, buildEdxml, buildEdxmlStatus, parseEdxml, type EdxmlAttachment } from "../../shared/sync/edxml.ts";
import { DocumentHeader, type BlobRef } from "../../shared/sync/schemas.ts";
import { isVanthuError } from "../../shared/errors.ts";
import { SyncError } from "../errors.ts";
import { parseWith, tooLarge } from "../http/errors.ts";
import type { AuthVariables } from "../auth/index.ts";
import type { SyncStorage } from "../storage/storage.ts";
import type { BlobStore } from "../blobs/store.ts";

export const MAX_EDXML_BYTES = 150 * 1024 * 1024;

/**
 * edXML packages (QCVN 102:2016) for exchange with other QLVB systems:
 *   GET  /exchange/:id/edxml  the package of a document this office sent or received
 *   POST /edxml/import        a package from elsewhere, placed in this office's incoming queue
 *   GET  /exchange/incoming/:id/status.edxml   the status package of a received document
 *                             (đã đến / đã tiếp nhận / từ chối tiếp nhận), for the sending system
 */
export function edxmlRoutes(storage: SyncStorage, store: BlobStore) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/exchange/:id/edxml", async (c) => {
    const { exchange, sender, recipients } = await storage.getExchangeForOffice(c.get("actor"), c.req.param("id"));
    const attachments: EdxmlAttachment[] = [];
    for (const [i, b] of exchange.blobs.entries()) {
      attachments.push({ contentId: String(i + 1), name: b.name, contentType: b.contentType, description: b.role === "main" ? b.description : b.role, data: await readFile(store.pathOf(b.sha256)) });
    }
    const xml = buildEdxml({
      from: { organId: sender.organId, organName: sender.name },
      to: recipients.map((r) => ({ organId: r.organId, organName: r.name })),
      header: exchange.header,
      trace: [{ organId: sender.organId, timestamp: exchange.sentAt }],
      business: { docType: 0 },
      attachments,
    });
    c.header("Content-Type", "application/xml; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${exchange.exchangeId}.edxml"`);
    return c.body(xml);
  });

  app.get("/exchange/incoming/:id/status.edxml", async (c) => {
    const actor = c.get("actor");
    const d = await storage.getIncoming(actor, c.req.param("id"));
    const office = (await storage.getOffice(actor.officeId))!;
    const statusCode = d.status === "accepted" ? EDXML_STATUS.accepted : d.status === "refused" ? EDXML_STATUS.refused : EDXML_STATUS.arrived;
    const xml = buildEdxmlStatus({
      responseFor: { organId: d.from.organId, codeNumber: d.header.codeNumber, codeNotation: d.header.codeNotation, promulgationDate: d.header.promulgationDate, documentId: d.header.documentId ?? "" },
      from: { organId: office.organId, organName: office.name },
      statusCode,
      description: d.status === "refused" ? (d.refusalReason ?? undefined) : d.status === "accepted" ? `Số đến ${d.arrivalNumber}/${d.arrivalYear}` : undefined,
      timestamp: d.receivedAt ?? d.refusedAt ?? d.sentAt,
    });
    c.header("Content-Type", "application/xml; charset=utf-8");
    return c.body(xml);
  });

  app.post("/edxml/import", bodyLimit({ maxSize: MAX_EDXML_BYTES, onError: () => { throw tooLarge(); } }), async (c) => {
    const actor = c.get("actor");
    const type = c.req.header("content-type") ?? "";
    if (!/^(application|text)\/(xml|edxml\+xml)\b/i.test(type)) {
      throw new SyncError(415, "unsupported_media_type", "Gói edXML phải gửi với Content-Type: application/xml.", "Expected Content-Type: application/xml");
    }
    let pkg;
    try {
      pkg = parseEdxml(await c.req.text());
    } catch (e) {
      if (isVanthuError(e)) throw new SyncError(400, e.code, e.messageVi, e.message);
      throw e;
    }
    if (pkg.business.docType !== 0) {
      throw new SyncError(422, "edxml_unsupported_business", "Chỉ nhận gói văn bản mới (BussinessDocType 0); thu hồi, cập nhật, thay thế chưa được hỗ trợ.", `BussinessDocType ${pkg.business.docType} is not supported yet`);
    }
    const office = (await storage.getOffice(actor.officeId))!;
    if (pkg.to.length > 0 && !pkg.to.some((t) => t.organId === office.organId)) {
      throw new SyncError(422, "edxml_not_addressed", `Gói văn bản không gửi cho cơ quan này (mã định danh ${office.organId}).`, `Package is not addressed to organ ${office.organId}`);
    }
    if (pkg.attachments.length === 0) throw new SyncError(422, "edxml_no_attachment", "Gói văn bản không có tệp văn bản đính kèm.", "Package has no attachment");
    const header = parseWith(DocumentHeader, pkg.header);
    // Bytes first (content-addressed, harmless if the import then fails), rows after, in one transaction.
    const blobs: BlobRef[] = [];
    for (const [i, a] of pkg.attachments.entries()) {
      const sha256 = await store.put(a.data);
      if (sha256 !== createHash("sha256").update(a.data).digest("hex")) throw new Error("blob store wrote other bytes");
      await storage.recordBlob(actor.officeId, sha256, a.data.byteLength);
      const role = a.description === "attachment" || a.description === "appendix" ? a.description : i === 0 ? "main" : "attachment";
      blobs.push({ sha256, size: a.data.byteLength, name: a.name.slice(0, 255), contentType: a.contentType.slice(0, 100), role, ...(a.description && role === "main" ? { description: a.description.slice(0, 500) } : {}) });
    }
    const delivery = await storage.importExternal(actor, { organId: pkg.from.organId, name: pkg.from.organName }, header, blobs, header.documentId ?? "edxml");
    return c.json(delivery, 201);
  });

  return app;
}
