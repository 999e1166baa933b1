import { z } from "zod";
import { VanthuError } from "../../errors.ts";
import type { DocumentHeader } from "../../sync/schemas.ts";
import type { WorkingDayCalendar } from "../calendar/working-day-calendar.ts";
import type { PersonRef } from "./people.ts";
import { applyRequestEvent, REQUEST_KINDS, type CertificateRequest, type RequestingOffice } from "./requests.ts";

/**
 * A request travels as an ordinary document through the exchange (Quy định Điều 6.2: a signed
 * electronic document through the document system): the office sends the signed công văn to the
 * Sở's office; the Sở's văn thư accepts it (the QLVB receive time starts the deadline); the Sở
 * answers. These functions map a request to the exchange and apply the Sở's answer.
 */

/** The edXML header of the request's công văn (Phụ lục VI fields). */
export function requestExchangeHeader(r: CertificateRequest, office: RequestingOffice, documentDate: string): DocumentHeader {
  if (!r.document) throw new VanthuError("request.not-signed", "Đề nghị chưa được ký: ký văn bản trước khi gửi.", "The request has no signed document yet");
  const [num, ...rest] = r.document.number.split("/");
  const rule = REQUEST_KINDS[r.kind];
  return {
    codeNumber: (num ?? "").trim(),
    codeNotation: rest.join("/").trim() || office.symbol,
    typeName: "Công văn",
    typeCode: "CV",
    subject: `V/v ${rule.subjectVi}`,
    promulgationPlace: office.place,
    promulgationDate: documentDate,
    priority: r.incidentId ? 1 : 0, // a revocation after a lost token is urgent (khẩn)
    secrecy: "none",
  };
}

/** The answer of the Sở, as its officer enters it. */
export const ScienceDepartmentAnswerSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("complete"),
    note: z.string().max(2000).optional(),
    result: z
      .object({
        revokedAt: z.string().max(40).optional(),
        newSerialNumber: z.string().max(80).optional(),
        newNotAfter: z.string().max(40).optional(),
        certificates: z
          .array(z.string().max(64 * 1024))
          .max(50)
          .optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal("refuse"), reasons: z.array(z.string().max(1000)).min(1).max(20) }),
  z.object({ type: z.literal("request-supplement"), reasons: z.array(z.string().max(1000)).min(1).max(20) }),
]);
export type ScienceDepartmentAnswer = z.infer<typeof ScienceDepartmentAnswerSchema>;

/**
 * Applies the Sở's answer to the request: first its receipt (the QLVB time its văn thư accepted
 * the document, if the request does not know it yet), then the answer at the QLVB time `at`.
 * A completed revocation without a revocation time takes the answer's time.
 */
export function applyScienceDepartmentAnswer(
  r: CertificateRequest,
  o: { receivedAt: string; answer: unknown; at: string; by: PersonRef },
  calendar: WorkingDayCalendar,
): CertificateRequest {
  const parsed = ScienceDepartmentAnswerSchema.safeParse(o.answer);
  if (!parsed.success)
    throw new VanthuError(
      "request.bad-answer",
      "Nội dung trả lời không hợp lệ: chọn giải quyết, từ chối (nêu lý do) hoặc yêu cầu bổ sung (nêu nội dung).",
      `Invalid answer: ${parsed.error.issues[0]?.message}`,
    );
  const answer = parsed.data;
  let next = r;
  if (next.state === "sent") next = applyRequestEvent(next, { type: "receive", at: o.receivedAt, by: o.by }, calendar);
  if (Date.parse(o.at) < Date.parse(o.receivedAt))
    throw new VanthuError("request.bad-time", "Thời điểm trả lời trước thời điểm tiếp nhận.", "Answer time before the receive time");
  switch (answer.type) {
    case "complete": {
      const result = r.kind === "revocation" ? { ...answer.result, revokedAt: answer.result?.revokedAt ?? o.at } : answer.result;
      return applyRequestEvent(next, { type: "complete", at: o.at, by: o.by, note: answer.note, result }, calendar);
    }
    case "refuse":
      return applyRequestEvent(next, { type: "refuse", at: o.at, by: o.by, reasons: answer.reasons }, calendar);
    case "request-supplement":
      return applyRequestEvent(next, { type: "request-supplement", at: o.at, by: o.by, reasons: answer.reasons }, calendar);
  }
}
