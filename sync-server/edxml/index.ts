import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { EDXML_STATUS, buildEdxml, buildEdxmlStatus, parseEdxml, type EdxmlAttachment, type EdxmlTrace } from "../../shared/sync/edxml.ts";
import { handlingTrace, type IncomingHandling } from "../../shared/domain/incoming/index.ts";
import { HANDLING_ENTITY } from "../incoming/handling.ts";
import { signEdxml, verifyEdxmlSignature, type EdxmlSigningKey } from "./signature.ts";
import { stamp } from "../clock/qlvb-clock.ts";
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
export interface EdxmlRouteOptions {
  signingKey?: EdxmlSigningKey;
}

/** VANTHU_EDXML_KEY_FILE and VANTHU_EDXML_CERT_FILE (PEM): the QLVB system's key that signs exported packages. */
export function edxmlOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): EdxmlRouteOptions {
  const key = env.VANTHU_EDXML_KEY_FILE;
  const cert = env.VANTHU_EDXML_CERT_FILE;
  if (!key || !cert) return {};
  return { signingKey: { privateKeyPem: readFileSync(key, "utf8"), certificatePem: readFileSync(cert, "utf8") } };
}

/** Records of recall / update requests that arrived as edXML packages (BussinessDocType 1–3), one per delivery. */
export const EDXML_RECALL_ENTITY = "edxml_recall";

export function edxmlRoutes(storage: SyncStorage, store: BlobStore, options: EdxmlRouteOptions = {}) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/exchange/:id/edxml", async (c) => {
    const { exchange, sender, recipients } = await storage.getExchangeForOffice(c.get("actor"), c.req.param("id"));
    const attachments: EdxmlAttachment[] = [];
    for (const [i, b] of exchange.blobs.entries()) {
      attachments.push({
        contentId: String(i + 1),
        name: b.name,
        contentType: b.contentType,
        description: b.role === "main" ? b.description : b.role,
        data: await readFile(store.pathOf(b.sha256)),
      });
    }
    const trace: EdxmlTrace[] = [{ organId: sender.organId, timestamp: exchange.sentAt }];
    // A recipient's package carries how it handled the document (ND30 Phụ lục VI: TraceHeaderList).
    const actor = c.get("actor");
    if (recipients.some((r) => r.id === actor.officeId)) {
      const office = (await storage.getOffice(actor.officeId))!;
      const handling = await handlingOfDocument(storage, actor.officeId, exchange.header.documentId);
      if (handling)
        trace.push(
          ...handlingTrace(handling, office.organId).map((t) => ({
            organId: t.organId,
            timestamp: t.timestamp,
            statusCode: t.statusCode,
            description: t.description,
            staff: { name: t.staff.name, ...(t.staff.title ? { department: t.staff.title } : {}) },
          })),
        );
    }
    const xml = buildEdxml({
      from: { organId: sender.organId, organName: sender.name },
      to: recipients.map((r) => ({ organId: r.organId, organName: r.name })),
      header: exchange.header,
      trace,
      business: { docType: 0 },
      attachments,
    });
    c.header("Content-Type", "application/xml; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${exchange.exchangeId}.edxml"`);
    return c.body(options.signingKey ? signEdxml(xml, options.signingKey) : xml);
  });

  app.get("/exchange/incoming/:id/status.edxml", async (c) => {
    const actor = c.get("actor");
    const d = await storage.getIncoming(actor, c.req.param("id"));
    const office = (await storage.getOffice(actor.officeId))!;
    const statusCode = d.status === "accepted" ? EDXML_STATUS.accepted : d.status === "refused" ? EDXML_STATUS.refused : EDXML_STATUS.arrived;
    const xml = buildEdxmlStatus({
      responseFor: {
        organId: d.from.organId,
        codeNumber: d.header.codeNumber,
        codeNotation: d.header.codeNotation,
        promulgationDate: d.header.promulgationDate,
        documentId: d.header.documentId ?? "",
      },
      from: { organId: office.organId, organName: office.name },
      statusCode,
      description: d.status === "refused" ? (d.refusalReason ?? undefined) : d.status === "accepted" ? `Số đến ${d.arrivalNumber}/${d.arrivalYear}` : undefined,
      timestamp: d.receivedAt ?? d.refusedAt ?? d.sentAt,
    });
    c.header("Content-Type", "application/xml; charset=utf-8");
    return c.body(xml);
  });

  app.post(
    "/edxml/import",
    bodyLimit({
      maxSize: MAX_EDXML_BYTES,
      onError: () => {
        throw tooLarge();
      },
    }),
    async (c) => {
      const actor = c.get("actor");
      const type = c.req.header("content-type") ?? "";
      if (!/^(application|text)\/(xml|edxml\+xml)\b/i.test(type)) {
        throw new SyncError(415, "unsupported_media_type", "Gói edXML phải gửi với Content-Type: application/xml.", "Expected Content-Type: application/xml");
      }
      let pkg;
      const text = await c.req.text();
      try {
        pkg = parseEdxml(text);
      } catch (e) {
        if (isVanthuError(e)) throw new SyncError(400, e.code, e.messageVi, e.message);
        throw e;
      }
      // A package that carries an XML Signature must carry a valid one (one that covers all of it).
      const sig = verifyEdxmlSignature(text);
      if (sig.signed && !sig.valid) throw new SyncError(422, "edxml_bad_signature", `Gói edXML bị từ chối: ${sig.reasonVi}.`, sig.reason);
      const office = (await storage.getOffice(actor.officeId))!;
      if (pkg.business.docType !== 0) return c.json(await recordRecall(storage, actor.officeId, pkg), 202);
      if (pkg.to.length > 0 && !pkg.to.some((t) => t.organId === office.organId)) {
        throw new SyncError(
          422,
          "edxml_not_addressed",
          `Gói văn bản không gửi cho cơ quan này (mã định danh ${office.organId}).`,
          `Package is not addressed to organ ${office.organId}`,
        );
      }
      if (pkg.attachments.length === 0)
        throw new SyncError(422, "edxml_no_attachment", "Gói văn bản không có tệp văn bản đính kèm.", "Package has no attachment");
      const header = parseWith(DocumentHeader, pkg.header);
      // Bytes first (content-addressed, harmless if the import then fails), rows after, in one transaction.
      const blobs: BlobRef[] = [];
      for (const [i, a] of pkg.attachments.entries()) {
        const sha256 = await store.put(a.data);
        if (sha256 !== createHash("sha256").update(a.data).digest("hex")) throw new Error("blob store wrote other bytes");
        await storage.recordBlob(actor.officeId, sha256, a.data.byteLength);
        const role = a.description === "attachment" || a.description === "appendix" ? a.description : i === 0 ? "main" : "attachment";
        blobs.push({
          sha256,
          size: a.data.byteLength,
          name: a.name.slice(0, 255),
          contentType: a.contentType.slice(0, 100),
          role,
          ...(a.description && role === "main" ? { description: a.description.slice(0, 500) } : {}),
        });
      }
      const delivery = await storage.importExternal(
        actor,
        { organId: pkg.from.organId, name: pkg.from.organName },
        header,
        blobs,
        header.documentId ?? "edxml",
      );
      return c.json(delivery, 201);
    },
  );

  /**
   * The answer to a recall or update request (status 15 agree, 16 refuse), for the sending
   * system: GET /exchange/incoming/:id/recall-answer.edxml?agree=1|0&reason=…
   */
  app.get("/exchange/incoming/:id/recall-answer.edxml", async (c) => {
    const actor = c.get("actor");
    const d = await storage.getIncoming(actor, c.req.param("id"));
    const rec = await storage.db
      .selectFrom("records")
      .select("data")
      .where("office_id", "=", actor.officeId)
      .where("entity", "=", EDXML_RECALL_ENTITY)
      .where("record_id", "=", d.deliveryId)
      .executeTakeFirst();
    if (!rec?.data)
      throw new SyncError(404, "no_recall", "Nơi gửi chưa đề nghị thu hồi hoặc cập nhật văn bản này.", "No recall or update request for this delivery");
    const agree = c.req.query("agree") === "1";
    const office = (await storage.getOffice(actor.officeId))!;
    const xml = buildEdxmlStatus({
      responseFor: {
        organId: d.from.organId,
        codeNumber: d.header.codeNumber,
        codeNotation: d.header.codeNotation,
        promulgationDate: d.header.promulgationDate,
        documentId: d.header.documentId ?? "",
      },
      from: { organId: office.organId, organName: office.name },
      statusCode: agree ? EDXML_STATUS.recallAccepted : EDXML_STATUS.recallRefused,
      description: (c.req.query("reason") ?? "").slice(0, 500) || undefined,
      timestamp: stamp(storage.clock),
    });
    c.header("Content-Type", "application/xml; charset=utf-8");
    return c.body(xml);
  });

  return app;
}

/** The office's handling of the incoming document with this DocumentId (its register entry, then the handling record). */
async function handlingOfDocument(storage: SyncStorage, officeId: string, documentId: string | undefined): Promise<IncomingHandling | undefined> {
  if (!documentId) return undefined;
  const entries = await storage.db
    .selectFrom("records")
    .select(["record_id", "data"])
    .where("office_id", "=", officeId)
    .where("entity", "=", "incoming")
    .where("deleted", "=", 0)
    .execute();
  const entry = entries.find((e) => e.data && (JSON.parse(e.data) as { documentId?: string }).documentId === documentId);
  if (!entry) return undefined;
  const h = await storage.db
    .selectFrom("records")
    .select("data")
    .where("office_id", "=", officeId)
    .where("entity", "=", HANDLING_ENTITY)
    .where("record_id", "=", entry.record_id)
    .executeTakeFirst();
  return h?.data ? (JSON.parse(h.data) as IncomingHandling) : undefined;
}

/**
 * A recall (1), update (2) or replace (3) package: matched to the delivery of the same document
 * (DocumentId) in this office, and kept as an office record for the clerk to answer (15 / 16).
 */
async function recordRecall(storage: SyncStorage, officeId: string, pkg: ReturnType<typeof parseEdxml>) {
  const documentId = pkg.header.documentId;
  const rows = await storage.db
    .selectFrom("deliveries")
    .innerJoin("exchanges", "exchanges.id", "deliveries.exchange_id")
    .select(["deliveries.id as deliveryId", "exchanges.document_id as documentId", "exchanges.sender_organ_id as organId"])
    .where("deliveries.recipient_office_id", "=", officeId)
    .where("exchanges.document_id", "=", documentId ?? "")
    .execute();
  const target = rows.find((r) => r.documentId === documentId && r.organId === pkg.from.organId);
  if (!target)
    throw new SyncError(
      404,
      "edxml_recall_unknown",
      "Không có văn bản đến nào của cơ quan gửi khớp với gói thu hồi, cập nhật này.",
      `No delivery of ${documentId ?? "?"} from ${pkg.from.organId}`,
    );
  const at = stamp(storage.clock);
  const data = JSON.stringify({
    deliveryId: target.deliveryId,
    docType: pkg.business.docType,
    reason: pkg.business.reason ?? "",
    from: pkg.from,
    receivedAt: at,
    statusCode: EDXML_STATUS.recall,
  });
  await storage.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("records")
      .select("version")
      .where("office_id", "=", officeId)
      .where("entity", "=", EDXML_RECALL_ENTITY)
      .where("record_id", "=", target.deliveryId)
      .executeTakeFirst();
    const version = existing ? Number(existing.version) + 1 : 1;
    if (existing)
      await trx
        .updateTable("records")
        .set({ data, version, updated_at: at })
        .where("office_id", "=", officeId)
        .where("entity", "=", EDXML_RECALL_ENTITY)
        .where("record_id", "=", target.deliveryId)
        .execute();
    else
      await trx
        .insertInto("records")
        .values({
          office_id: officeId,
          entity: EDXML_RECALL_ENTITY,
          record_id: target.deliveryId,
          data,
          version,
          deleted: 0,
          updated_at: at,
          provisional_at: null,
          updated_by: "edxml",
        })
        .execute();
    await storage.feed.emit(trx, officeId, EDXML_RECALL_ENTITY, target.deliveryId, "put", data, version, at);
  });
  return { recall: JSON.parse(data) as Record<string, unknown> };
}
