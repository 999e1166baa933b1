// npm run bench -- audit: appending to and verifying the hash chain (figures printed, nothing asserted).
import { AuditChain, verifyAuditChain } from "./audit-chain.ts";
import { auditTrailCsv } from "./export.ts";

const n = 10_000;
const chain = new AuditChain();
let t0 = performance.now();
for (let i = 1; i <= n; i++) {
  await chain.append({
    id: `E${i}`,
    officeId: "ubnd-hong-bang",
    action: i % 2 ? "signing" : "verification",
    actor: { id: "u1", name: "Trần Thị Bình", title: "Văn thư" },
    time: { at: "2026-11-25T09:00:00+07:00", source: "qlvb" },
    summary: `Ký số của cơ quan lên văn bản ${i}/UBND-VP về việc tổ chức hội nghị`,
    subject: { kind: "document", id: `sha-${i}`, label: `${i}/UBND-VP` },
    details: { pages: 3, ok: true },
  });
}
let ms = performance.now() - t0;
console.log(`append: ${n} entries in ${ms.toFixed(0)} ms (${((ms * 1000) / n).toFixed(0)} µs each)`);
t0 = performance.now();
const r = await verifyAuditChain(chain.entries);
ms = performance.now() - t0;
console.log(`verify: ${r.count} entries in ${ms.toFixed(0)} ms, ok=${r.ok}`);
t0 = performance.now();
const csv = auditTrailCsv(chain.entries);
console.log(`csv: ${(csv.length / 1e6).toFixed(1)} MB in ${(performance.now() - t0).toFixed(0)} ms`);
