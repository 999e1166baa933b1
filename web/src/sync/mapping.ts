import type { DocumentHeader, IncomingDelivery, Mutation } from "../../../shared/sync/schemas.ts";
import {
  bodyNameKey,
  documentTypeByCode,
  foldVietnamese,
  formatDocumentNumber,
  parseNumberAndSymbol,
  toVietnamIso,
  type IncomingRegisterEntry,
  type OutgoingRegisterEntry,
  type Urgency,
} from "../../../shared/domain/index.ts";
import type { Declared } from "../db/received.ts";
import type { OutboxMutation, ReceivedDocument } from "../db/schema.ts";

/** Pure translations between the PWA's records and the sync protocol (shared/sync). */
const URGENCY_TO_PRIORITY: Record<Urgency, number> = { none: 0, Khẩn: 1, "Thượng khẩn": 2, "Hỏa tốc": 3 };
const PRIORITY_TO_URGENCY: Urgency[] = ["none", "Khẩn", "Thượng khẩn", "Hỏa tốc", "Hỏa tốc"];

export function headerOf(e: OutgoingRegisterEntry): DocumentHeader {
  const p = parseNumberAndSymbol(e.numberAndSymbol);
  return {
    // As the document prints it: 01, not 1 (ND30 Phụ lục I).
    codeNumber: formatDocumentNumber(p?.number ?? e.number),
    codeNotation: p?.symbol ?? e.numberAndSymbol,
    typeName: documentTypeByCode(e.typeCode)?.name,
    typeCode: e.typeCode,
    subject: e.summary,
    promulgationDate: e.documentDate,
    signerPosition: e.signerTitle || undefined,
    signerFullName: e.signerName.slice(0, 50) || undefined,
    toPlaces: e.recipients,
    priority: URGENCY_TO_PRIORITY[e.urgency],
    promulgationAmount: e.copies,
    secrecy: "none",
  };
}

export function declaredOf(d: IncomingDelivery): Declared {
  const h = d.header;
  const typeCode = h.typeCode && documentTypeByCode(h.typeCode) ? h.typeCode : (typeCodeFromName(h.typeName) ?? "CV");
  return {
    issuer: d.from.name,
    numberAndSymbol: `${h.codeNumber.padStart(2, "0")}/${h.codeNotation}`,
    documentDate: h.promulgationDate,
    typeCode,
    summary: h.subject,
    documentId: h.documentId,
    urgency: PRIORITY_TO_URGENCY[h.priority ?? 0] ?? "none",
  };
}

function typeCodeFromName(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const f = foldVietnamese(name);
  return [
    "NQ",
    "QĐ",
    "CT",
    "QC",
    "QyĐ",
    "TC",
    "TB",
    "HD",
    "CTr",
    "KH",
    "PA",
    "ĐA",
    "DA",
    "BC",
    "BB",
    "TTr",
    "HĐ",
    "CĐ",
    "BGN",
    "BTT",
    "GUQ",
    "GM",
    "GGT",
    "GNP",
    "PG",
    "PC",
    "PB",
    "CV",
    "THC",
  ].find((c) => foldVietnamese(documentTypeByCode(c)!.name) === f);
}

/** Office ids for the recipients typed as names: matched without diacritics or case, "UBND" as "Ủy ban nhân dân". */
export function resolveRecipients(recipients: string[], directory: Array<{ id: string; name: string }>): string[] {
  const byName = new Map(directory.map((o) => [bodyNameKey(o.name), o.id]));
  return [...new Set(recipients.map((r) => byName.get(bodyNameKey(r))).filter((x): x is string => Boolean(x)))];
}

function recordData(x: object): Record<string, unknown> {
  const { searchTokens: _drop, ...rest } = x as { searchTokens?: unknown };
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** A trình ký step as queued: the mutation without its id and client time (the outbox entry gives those). */
export type DraftStepBody = { type: `draft.${string}`; draftId: string } & Record<string, unknown>;

export interface Translated {
  mutations: Mutation[];
  /** Blobs that must be on the server before these mutations are pushed. */
  blobs: string[];
  /** An issued document addressed to no office the server knows: it is kept, not sent, and the person must be told. */
  unsent?: string[];
}

/**
 * One outbox entry → protocol mutations. Ids derive from the outbox ULID, so a retry sends
 * the same ids and the server applies each once.
 */
export function translate(
  m: OutboxMutation,
  ctx: { directory: Array<{ id: string; name: string }>; received?: ReceivedDocument; ownOfficeId?: string },
): Translated {
  const base = { clientTime: toVietnamIso(m.createdAt) };
  switch (m.kind) {
    case "resend": {
      // A change sent again on the server's newer version, after the person resolved a conflict.
      const { mutation } = m.payload as { mutation: Record<string, unknown> };
      return { mutations: [{ ...base, id: m.id, ...mutation } as Mutation], blobs: [] };
    }
    case "draft.step": {
      // Trình ký (shared/sync/drafts.ts): the step as the person took it, with the version they saw.
      const { mutation, blobs } = m.payload as { mutation: DraftStepBody; blobs?: string[] };
      return { mutations: [{ ...base, id: m.id, ...mutation } as Mutation], blobs: blobs ?? [] };
    }
    case "outgoing.issue": {
      const { entry, draftStep } = m.payload as { entry: OutgoingRegisterEntry; draftStep?: DraftStepBody };
      const out: Mutation[] = [];
      // The draft's sealed revision first: the server then checks the send against the issued draft.
      if (draftStep) out.push({ ...base, id: `${m.id}-issue`, ...draftStep } as Mutation);
      out.push({ ...base, id: m.id, type: "record.put", entity: "outgoing", recordId: entry.id, data: recordData(entry) });
      const recipients = resolveRecipients(entry.recipients, ctx.directory).filter((id) => id !== ctx.ownOfficeId);
      if (recipients.length > 0 && entry.documentSha256) {
        out.push({
          ...base,
          id: `${m.id}-send`,
          type: "exchange.send",
          documentRef: entry.id,
          ...(draftStep ? { draftId: draftStep.draftId } : {}),
          recipients,
          header: headerOf(entry),
          blobs: [
            { sha256: entry.documentSha256, name: `${entry.numberAndSymbol.replace(/[/\\]/g, "-")}.pdf`, contentType: "application/pdf", role: "main" },
            ...(entry.attachments ?? []).map((a) => ({ sha256: a.sha256, name: a.name, contentType: "application/pdf", role: a.role })),
          ],
        });
        return { mutations: out, blobs: [entry.documentSha256, ...(entry.attachments ?? []).map((a) => a.sha256)] };
      }
      const blobs = draftStep && entry.documentSha256 ? [entry.documentSha256] : [];
      return { mutations: out, blobs, ...(recipients.length === 0 && entry.recipients.length > 0 ? { unsent: entry.recipients } : {}) };
    }
    case "incoming.register": {
      const { entry, receivedId } = m.payload as { entry: IncomingRegisterEntry; receivedId: string };
      const out: Mutation[] = [];
      const blobs: string[] = [];
      if (ctx.received?.source === "sync") out.push({ ...base, id: `${m.id}-accept`, type: "exchange.accept", deliveryId: receivedId, note: entry.note });
      else if (ctx.received?.receiptForm === "paper" || ctx.received?.receiptForm === "scan") {
        // Received on paper or as an unsigned scan: the server registers it (số đến, QLVB time) without a signature verdict.
        out.push({
          ...base,
          id: `${m.id}-paper`,
          type: "incoming.register",
          entryId: entry.id,
          form: ctx.received.receiptForm,
          from: { name: entry.issuer },
          numberAndSymbol: entry.numberAndSymbol,
          documentDate: entry.documentDate,
          subject: entry.summary,
          typeName: documentTypeByCode(entry.typeCode)?.name,
          ...(entry.documentSha256 ? { scan: { sha256: entry.documentSha256, name: ctx.received.fileName.slice(0, 255) || "ban-quet.pdf" } } : {}),
          ...(entry.note ? { note: entry.note } : {}),
        });
        if (entry.documentSha256) blobs.push(entry.documentSha256);
      }
      out.push({ ...base, id: m.id, type: "record.put", entity: "incoming", recordId: entry.id, data: recordData(entry) });
      return { mutations: out, blobs };
    }
    case "incoming.refuse": {
      const { receivedId, reason } = m.payload as { receivedId: string; reason: string };
      if (ctx.received?.source === "sync") return { mutations: [{ ...base, id: m.id, type: "exchange.refuse", deliveryId: receivedId, reason }], blobs: [] };
      return { mutations: [{ ...base, id: m.id, type: "record.put", entity: "refusal", recordId: receivedId, data: { receivedId, reason } }], blobs: [] };
    }
    case "cert.put": {
      // Certificates, requests, incidents, custody and audit entries (issue 7): stored as the record itself.
      const { entity, record } = m.payload as { entity: string; record: Record<string, unknown> };
      return { mutations: [{ ...base, id: m.id, type: "record.put", entity, recordId: m.entityId, data: record }], blobs: [] };
    }
    default:
      return {
        mutations: [
          {
            ...base,
            id: m.id,
            type: "record.put",
            entity: m.kind.replace(/[^a-z0-9_]/g, "_").slice(0, 40),
            recordId: m.entityId,
            data: { payload: JSON.parse(JSON.stringify(m.payload ?? null)) },
          },
        ],
        blobs: [],
      };
  }
}
