import { VanthuError } from "../../../shared/errors.ts";
import { For, Show, createResource, createSignal, onMount } from "solid-js";
import { capabilitiesOf } from "../../../shared/sync/rules.ts";
import { verifyAuditExport } from "../../../shared/sync/audit.ts";
import type { AuditEntry } from "../../../shared/domain/audit/audit-chain.ts";
import { apiCall } from "../sync/api.ts";
import {
  AUDIT_ACTION_LABELS_VI,
  verifyAuditChain,
  auditTrailCsv,
  buildAuditReport,
  renderAuditReportPdf,
  effectiveAuditTimes,
} from "../../../shared/domain/audit/index.ts";
import { formatDateTimeVi, formatDateVi } from "../../../shared/domain/dates.ts";
import { useLive } from "../live.ts";
import { db, loadProfile, messageOf, notify } from "../state.ts";
import * as flows from "../certificates/flows.ts";

/** Fetches the entries the server added since the last one kept here (pull also brings them). */
async function refresh(): Promise<void> {
  const last = await db.serverAudit.orderBy("seq").last();
  for (let after = last?.seq ?? 0; ; ) {
    const page = await apiCall<{ entries: AuditEntry[] }>(db, `/api/audit/entries?after=${after}&limit=500`);
    if (page.entries.length === 0) return;
    await db.serverAudit.bulkPut(page.entries);
    after = page.entries.at(-1)!.seq;
  }
}

/**
 * Nhật ký: the office's one audit chain, kept and hash-chained by the server (every act with who,
 * which document, when in QLVB time); checked here link by link. Export (for district IT and
 * inspectors) is the server's own file, proved before it is saved.
 */
export function AuditView() {
  const entries = useLive(
    () => undefined,
    () => db.serverAudit.orderBy("seq").toArray(),
  );
  const profile = useLive(
    () => undefined,
    () => loadProfile(),
  );
  const mayExport = () => (profile() ? capabilitiesOf(profile()!.roles, "own").exportAudit : false);
  const [offline, setOffline] = createSignal("");
  onMount(() => void refresh().catch((e) => setOffline(messageOf(e))));
  const [check] = createResource(entries, (e) => verifyAuditChain(e));
  async function exportChain(format: "json" | "csv") {
    try {
      const exp = await apiCall<unknown>(db, "/api/audit/export");
      const proof = await verifyAuditExport(exp);
      if (!proof.ok)
        throw new VanthuError(
          "web.audit-export-broken",
          `Tệp xuất nhật ký không toàn vẹn: ${proof.problems.map((p) => p.messageVi).join(" ")}`,
          "Audit export failed its own check",
        );
      const day = new Date().toISOString().slice(0, 10);
      const base = `nhat-ky-${day}`;
      if (format === "json") download(JSON.stringify(exp, null, 1), `${base}.json`, "application/json");
      else download(auditTrailCsv((exp as { entries: AuditEntry[] }).entries), `${base}.csv`, "text/csv;charset=utf-8");
      notify("ok", `Đã xuất ${proof.count} mục; chuỗi băm toàn vẹn đến mục cuối máy chủ ghi.`);
    } catch (e) {
      notify("error", messageOf(e));
    }
  }
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
      const [{ agentClient }, { signThroughAgent }, { checkCertificateForRole }] = await Promise.all([
        import("../agent/settings.ts"),
        import("../agent/sign-with-agent.ts"),
        import("../../../shared/domain/roles.ts"),
      ]);
      const profile = await loadProfile();
      const agent = await agentClient(db);
      const cert = (await agent.certificates()).find(
        (c) => c.usable && checkCertificateForRole(c, { kind: "attachment", role: "clerk", organisationName: profile.name }).length === 0,
      );
      if (!cert)
        throw new VanthuError(
          "web.no-org-certificate",
          "Không có chứng thư số của cơ quan trên thiết bị ký để ký báo cáo.",
          "No organisation certificate on the token to sign the report",
        );
      await flows.assertMaySign(db, cert.certificate, "organisation");
      const { bytes, font } = await reportPdf();
      const number = `Nhật ký ${formatDateVi(new Date())}`;
      const [signed] = await signThroughAgent({ db, agent, certificate: cert, consentWindow: () => win }, [
        { bytes, title: "Báo cáo nhật ký sử dụng chữ ký số", number, options: { type: "attachment", docNumber: number, font } },
      ]);
      download(signed!, "bao-cao-nhat-ky-da-ky.pdf", "application/pdf");
      notify("ok", "Đã ký số và xuất báo cáo nhật ký.");
    } catch (err) {
      notify("error", messageOf(err));
    } finally {
      win?.close();
    }
  }
  const times = () => effectiveAuditTimes(entries() ?? []);
  return (
    <section>
      <h1>Nhật ký của cơ quan</h1>
      <p class="muted">
        Một chuỗi nhật ký cho cả cơ quan, do máy chủ ghi khi việc xảy ra (ai, văn bản nào, lúc nào theo giờ hệ thống QLVB); mỗi mục nối với mục trước bằng mã
        băm.
      </p>
      <Show when={offline()}>
        <p class="alert warn">Chưa cập nhật được từ máy chủ ({offline()}); đang hiển thị các mục đã có trên máy này.</p>
      </Show>
      <div class="card row">
        <span data-testid="audit-verify" class={`tag ${check()?.ok ? "ok" : "bad"}`}>
          {check()
            ? check()!.ok
              ? `Toàn vẹn: ${check()!.count} mục`
              : `Không toàn vẹn: ${check()!
                  .problems.map((p) => p.messageVi)
                  .join(" ")}`
            : "Đang kiểm tra…"}
        </span>
        <Show when={mayExport()}>
          <button class="secondary" data-testid="audit-export" onClick={() => void exportChain("json")}>
            Xuất để kiểm tra (JSON)
          </button>
          <button class="secondary" data-testid="audit-csv" onClick={() => void exportChain("csv")}>
            Xuất CSV
          </button>
        </Show>
        <button class="secondary" data-testid="audit-pdf" onClick={pdf}>
          Xuất báo cáo PDF
        </button>
        <button data-testid="audit-pdf-signed" onClick={signedPdf}>
          Ký số và xuất báo cáo PDF
        </button>
      </div>
      <table class="register responsive" data-testid="audit-list">
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
                <td data-label="Số">{e.seq}</td>
                <td data-label="Thời điểm">{`${formatDateTimeVi(times().get(e.id)?.at ?? e.time.at)}${(times().get(e.id)?.source ?? e.time.source) === "qlvb" ? "" : " (tạm tính)"}`}</td>
                <td data-label="Hoạt động">{AUDIT_ACTION_LABELS_VI[e.action] ?? e.action}</td>
                <td data-label="Người thực hiện">{e.actor.name}</td>
                <td data-label="Nội dung">{e.summary}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
