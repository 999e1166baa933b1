import { z } from "zod";

/** The audit entry as it travels and is stored; the hash is checked by verifyAuditChain, not here. */
const Json: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().finite(), z.string().max(10_000), z.array(Json).max(1000), z.record(z.string(), Json)]),
);
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const AuditEntrySchema = z.object({
  id: z.string().regex(/^[0-9A-Za-z._:-]{1,100}$/),
  officeId: z.string().regex(/^[0-9A-Za-z._-]{1,64}$/),
  action: z.enum([
    "signing",
    "verification",
    "acceptance",
    "refusal",
    "custody-change",
    "request",
    "incident",
    "certificate",
    "calendar",
    "time-confirmation",
    "sign-in",
    "draft",
    "number",
    "issue",
    "send",
    "receive",
    "register",
  ]),
  actor: z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(200), title: z.string().max(200).optional() }),
  time: z.object({ at: z.string().max(40), source: z.enum(["qlvb", "provisional"]) }),
  summary: z.string().min(1).max(2000),
  subject: z
    .object({
      kind: z.enum(["document", "certificate", "token", "request", "incident", "custody", "calendar", "audit", "account", "register-number"]),
      id: z.string().max(200),
      label: z.string().max(300).optional(),
    })
    .optional(),
  details: z.record(z.string(), Json).optional(),
  seq: z.number().int().min(1),
  prevHash: Hex64,
  hash: Hex64,
});
