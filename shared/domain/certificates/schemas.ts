import { z } from "zod";

/**
 * Zod schemas of the certificate records as they travel (PWA ⇄ server, stored JSON): the server
 * checks what it receives with exactly these, so a record written by one side is read by the other.
 */
const Iso = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), "ISO 8601 time with offset");
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Id = z.string().regex(/^[0-9A-Za-z._:-]{1,100}$/);
const Text = (max: number) => z.string().max(max);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const PersonRefSchema = z.object({ id: Id, name: Text(200).min(1), title: Text(200).optional() });

export const RevocationInfoSchema = z.object({ revokedAt: Iso, reason: Text(500).optional(), source: z.enum(["crl", "ocsp", "request", "manual"]) });
export const SuspensionInfoSchema = z.object({ from: Iso, until: Iso.optional(), reason: Text(500).optional() });

export const CertificateInventoryEntrySchema = z.object({
  id: Sha256,
  officeId: Id,
  holderKind: z.enum(["person", "organisation"]),
  holder: Text(300).min(1),
  title: Text(200).optional(),
  organisation: Text(500).optional(),
  email: Text(200).optional(),
  serialNumber: z.string().regex(/^[0-9A-F]{1,80}$/),
  issuer: Text(500),
  notBefore: Iso,
  notAfter: Iso,
  tokenId: Text(100).optional(),
  holderPersonId: Id.optional(),
  source: z.enum(["token", "file"]),
  certificateBase64: z.string().max(64 * 1024),
  addedAt: z.string().max(40),
  revocation: RevocationInfoSchema.optional(),
  suspension: SuspensionInfoSchema.optional(),
  renewals: z
    .array(z.object({ requestId: Id, previousNotAfter: Iso, newNotAfter: Iso, newSerialNumber: Text(80).optional(), answeredAt: Iso }))
    .max(50)
    .optional(),
});

export const WrittenPermissionSchema = z.object({
  documentNumber: Text(50).min(1),
  documentDate: Day,
  signedBy: PersonRefSchema,
  documentSha256: Sha256.optional(),
  summary: Text(500).optional(),
});

export const CustodyEventSchema = z.object({
  id: Id,
  certificateId: Sha256,
  kind: z.enum(["assignment", "handover", "end"]),
  from: PersonRefSchema.optional(),
  to: PersonRefSchema.optional(),
  permission: WrittenPermissionSchema,
  effectiveFrom: Iso,
  until: Iso.optional(),
  reason: Text(500).optional(),
  recordedAt: Iso,
  recordedBy: PersonRefSchema,
});

export const TokenIncidentSchema = z.object({
  id: Id,
  officeId: Id,
  kind: z.enum(["lost", "stolen", "misused", "key-exposed"]),
  tokenId: Text(100).optional(),
  certificateIds: z.array(Sha256).min(1).max(20),
  discoveredAt: Iso,
  reportedAt: Iso,
  reportedBy: PersonRefSchema,
  description: Text(2000).min(1),
  notifications: z.array(z.object({ to: z.enum(["head", "it-unit"]), person: PersonRefSchema, text: Text(4000), at: Iso })).max(10),
  state: z.enum(["open", "revocation-requested", "closed"]),
  revocationRequestIds: z.array(Id).max(20),
  closedAt: Iso.optional(),
  closedBy: PersonRefSchema.optional(),
  closedReason: Text(1000).optional(),
});

const ContactSchema = z.object({
  fullName: Text(200),
  idNumber: Text(20).optional(),
  idIssuedDate: Day.optional(),
  idIssuedPlace: Text(200).optional(),
  title: Text(200),
  phone: Text(30),
  email: Text(200),
  address: Text(500).optional(),
});
const CertificateLineSchema = z.object({
  holder: Text(300),
  serialNumber: Text(80),
  tokenSerial: Text(100).optional(),
  renewalMonths: z.number().int().optional(),
  changeField: z.enum(["email", "unit", "org-name", "org-address", "title", "organisation"]).optional(),
  newInformation: Text(1000).optional(),
  reason: Text(500).optional(),
  certificateId: Sha256.optional(),
});
export const RequestFieldsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("issue-person"),
    contact: ContactSchema,
    subscribers: z
      .array(
        z.object({
          fullName: Text(200),
          idNumber: Text(20),
          title: Text(200),
          unit: Text(300),
          email: Text(200),
          phone: Text(30).optional(),
          province: Text(100),
          validityMonths: z.number().int().optional(),
        }),
      )
      .max(200),
  }),
  z.object({
    kind: z.literal("issue-organisation"),
    contact: ContactSchema,
    organisations: z
      .array(
        z.object({
          name: Text(300),
          address: Text(500),
          taxCode: Text(20).optional(),
          budgetCode: Text(20).optional(),
          province: Text(100),
          email: Text(200),
          validityMonths: z.number().int().optional(),
        }),
      )
      .max(200),
  }),
  z.object({
    kind: z.literal("issue-device"),
    contact: ContactSchema,
    devices: z
      .array(
        z.object({
          kind: z.enum(["device", "service", "software"]),
          name: Text(300),
          identifier: Text(300),
          managingUnit: Text(300),
          province: Text(100),
          email: Text(200),
          validityMonths: z.number().int().optional(),
        }),
      )
      .max(200),
  }),
  z.object({
    kind: z.literal("token-handover"),
    contact: ContactSchema,
    tokens: z
      .array(
        z.object({ tokenSerial: Text(100), holder: Text(300), serialNumber: Text(80), handedBy: Text(200), receivedBy: Text(200), handoverDate: Text(40) }),
      )
      .max(200),
  }),
  z.object({
    kind: z.enum(["renewal", "change", "revocation", "token-recovery"]),
    contact: ContactSchema,
    certificates: z.array(CertificateLineSchema).max(200),
  }),
]);

const At = { at: Iso, by: PersonRefSchema };
const Reasons = z.array(Text(1000)).max(20);
export const RequestEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("sign"), ...At, documentSha256: Sha256, documentNumber: Text(50) }),
  z.object({ type: z.literal("send"), ...At }),
  z.object({ type: z.literal("receive"), ...At }),
  z.object({ type: z.literal("request-supplement"), ...At, reasons: Reasons }),
  z.object({
    type: z.literal("complete"),
    ...At,
    note: Text(2000).optional(),
    result: z
      .object({
        revokedAt: Iso.optional(),
        newSerialNumber: Text(80).optional(),
        newNotAfter: Iso.optional(),
        certificates: z
          .array(z.string().max(64 * 1024))
          .max(50)
          .optional(),
      })
      .optional(),
  }),
  z.object({ type: z.literal("refuse"), ...At, reasons: Reasons }),
  z.object({ type: z.literal("cancel"), ...At, reason: Text(1000) }),
]);

const State = z.enum(["draft", "signed", "sent", "received", "needs-supplement", "completed", "refused", "cancelled"]);
export const CertificateRequestSchema = z.object({
  id: Id,
  officeId: Id,
  kind: z.enum(["issue-person", "issue-organisation", "issue-device", "renewal", "change", "revocation", "token-recovery", "token-handover"]),
  form: z.enum(["Mẫu 01", "Mẫu 02", "Mẫu 03", "Mẫu 04", "Mẫu 05", "Mẫu 06", "Mẫu 07"]),
  fields: RequestFieldsSchema,
  state: State,
  createdAt: Iso,
  createdBy: PersonRefSchema,
  incidentId: Id.optional(),
  document: z.object({ sha256: Sha256, number: Text(50) }).optional(),
  draftId: Id.optional(),
  exchangeRef: Id.optional(),
  sentAt: Iso.optional(),
  receivedAt: Iso.optional(),
  deadline: z.object({ startDay: Day, workingDays: z.number().int().min(0), dueDay: Day, dueAt: Iso }).optional(),
  outcome: z
    .object({
      kind: z.enum(["completed", "refused"]),
      at: Iso,
      by: PersonRefSchema,
      reasons: Reasons.optional(),
      note: Text(2000).optional(),
      result: z
        .object({
          revokedAt: Iso.optional(),
          newSerialNumber: Text(80).optional(),
          newNotAfter: Iso.optional(),
          certificates: z
            .array(z.string().max(64 * 1024))
            .max(50)
            .optional(),
        })
        .optional(),
    })
    .optional(),
  history: z.array(z.intersection(RequestEventSchema, z.object({ state: State }))).max(200),
});
