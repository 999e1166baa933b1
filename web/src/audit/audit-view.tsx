import { VanthuError } from "../../../shared/errors.ts";
import { For, createResource } from "solid-js";
import { AUDIT_ACTION_LABELS_VI, verifyAuditChain, auditTrailCsv, buildAuditReport, renderAuditReportPdf, effectiveAuditTimes } from "../../../shared/domain/audit/index.ts";
import { formatDateTimeVi, formatDateVi } from "../../../shared/domain/dates.ts";
import { useLive } from "../live.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import * as flows from "../certificates/flows.ts";

export function AuditView() {
  const entries = useLive(
    () => undefined,
    () => db.audit.orderBy("seq").toArray(),
  );
  const [check] = createResource(entries, (e) => verifyAuditChain(e));
  function download(bytes: Uint8Array | string, name: string, type: string) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }
  async function reportPdf(): Promise<{ bytes: Uint8Array; font: Uint8Array }> {
    const profile = await loadProfile();
    const { loadFont } = await import("../drafts/sign-draft.ts");
    const font = await loadFont();
    const report = buildAuditReport(entries() ?? [], check()!, { officeName: profile.name, generatedAt: new Date(), generatedBy: profile.userName || "—" });
    return { bytes: await renderAuditReportPdf(report, { font }), font };
  }
  async function pdf() {
    try {
      download((await reportPdf()).bytes, "bao-cao-nhat-ky.pdf", "application/pdf");
    } catch (err) {
      notify("error", messageOf(err));
    }
  }
  /** R23: the report signed by the office (organisation's certificate, no image, text block at the top right). */
  async function signedPdf() {
    const win = window.open("about:blank", "vanthu-agent");
    try {
      const [{ agentClient }, { AgentBatchSigner }, { checkCertificateForRole }, { signPdf }, { sha256Hex }] = await Promise.all([
        import("../agent/settings.ts"),
        import("../agent/agent-signer.ts"),
        import("../../../shared/domain/roles.ts"),
        import("../../../shared/sign/index.ts"),
        import("../db/documents.ts"),
      ]);
      const profile = await loadProfile();
      const agent = await agentClient(db);
      const cert = (await agent.certificates()).find((c) => c.usable && checkCertificateForRole(c, { kind: "attachment", role: "clerk", organisationName: profile.name }).length === 0);
      if (!cert) throw new VanthuError("web.no-org-certificate", "Không có chứng thư số của cơ quan trên thiết bị ký để ký báo cáo.", "No organisation certificate on the token to sign the report");
      await flows.assertMaySign(db, cert.certificate, "organisation");
      const { bytes, font } = await reportPdf();
      const number = `Nhật ký ${formatDateVi(new Date())}`;
      const batch = new AgentBatchSigner(agent, cert, [{ title: "Báo cáo nhật ký sử dụng chữ ký số", number, sha256: await sha256Hex(bytes), signatureType: "attachment" }], () => win);
      const signed = await signPdf(bytes, { type: "attachment", signer: batch.signerFor(0), docNumber: number, font }).catch((e) => {
        batch.fail(e);
        throw e;
      });
      download(signed.bytes, "bao-cao-nhat-ky-da-ky.pdf", "application/pdf");
      notify("ok", "Đã ký số và xuất báo cáo nhật ký.");
    } catch (err) {
      notify("error", messageOf(err));
    } finally {
      win?.close();
    }
  }
  const times = () => effectiveAuditTimes(entries() ?? []);
  return (
    <>
      <div class="card row">
        <span data-testid="audit-verify" class={`tag ${check()?.ok ? "ok" : "bad"}`}>
          {check() ? (check()!.ok ? `Toàn vẹn: ${check()!.count} mục` : `Không toàn vẹn: ${check()!.problems.map((p) => p.messageVi).join(" ")}`) : "Đang kiểm tra…"}
        </span>
        <button class="secondary" data-testid="audit-csv" onClick={() => download(auditTrailCsv(entries() ?? []), "nhat-ky.csv", "text/csv;charset=utf-8")}>
          Xuất CSV
        </button>
        <button class="secondary" data-testid="audit-pdf" onClick={pdf}>
          Xuất báo cáo PDF
        </button>
        <button data-testid="audit-pdf-signed" onClick={signedPdf}>
          Ký số và xuất báo cáo PDF
        </button>
      </div>
      <table class="register" data-testid="audit-list">
        <thead>
          <tr>
            <th>Số</th>
            <th>Thời điểm</th>
            <th>Hoạt động</th>
            <th>Người thực hiện</th>
            <th>Nội dung</th>
          </tr>
        </thead>
        <tbody>
          <For each={entries()}>
            {(e) => (
              <tr>
                <td>{e.seq}</td>
                <td>{`${formatDateTimeVi(times().get(e.id)?.at ?? e.time.at)}${(times().get(e.id)?.source ?? e.time.source) === "qlvb" ? "" : " (tạm tính)"}`}</td>
                <td>{AUDIT_ACTION_LABELS_VI[e.action]}</td>
                <td>{e.actor.name}</td>
                <td>{e.summary}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}
