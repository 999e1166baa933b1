/**
 * The agent's own pages, rendered on the server with no script at all: the pairing
 * confirmation and the consent page where the PIN is typed. Their headers (pageHeaders)
 * forbid framing and any script, so a page cannot overlay or read them.
 */
import { DEMO_LABEL } from "../../shared/pki/demo-ca.ts";
import { SIGNATURE_TYPE_LABEL_VI, type AgentError } from "../../shared/agent-protocol/index.ts";
import type { SignRequestRecord } from "../signing/requests.ts";
import { formatDateVi, isoVietnam } from "../certificates/index.ts";

/** hh:mm dd/mm/yyyy, Vietnam time. */
function timeVi(d: Date): string {
  const iso = isoVietnam(d);
  return `${iso.slice(11, 16)} ${formatDateVi(d)}`;
}

export const pageHeaders: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
  // not no-referrer: with it Chromium sends "Origin: null" on the page's own form posts
  "Referrer-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

const STYLE = `body{font-family:system-ui,"Segoe UI",Arial,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111}
h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}.hash{font-family:monospace;font-size:.8rem;word-break:break-all}.demo{background:#b00020;color:#fff;padding:.6rem;font-weight:bold}
.origin{font-size:1.2rem;font-weight:bold;background:#fff3cd;padding:.4rem}.error{background:#fde2e2;border:1px solid #b00020;padding:.6rem}
.ok{background:#e2f5e5;border:1px solid #1b7f3b;padding:.6rem}.doc{border:1px solid #bbb;margin:0 0 1rem;padding:.5rem}
.doc img{max-width:100%;border:1px solid #888;display:block;margin:.5rem 0}.doc dl{display:grid;grid-template-columns:12rem 1fr;gap:.2rem .6rem;margin:0}.doc dt{font-weight:bold}input{font-size:1.2rem;padding:.3rem}button{font-size:1.1rem;padding:.4rem 1rem;margin-right:1rem}`;

function layout(title: string, body: string, demo: boolean): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)} — Chương trình ký số Văn thư số</title><style>${STYLE}</style></head><body>
${demo ? `<p class="demo" role="alert">KHÓA THỬ — ${esc(DEMO_LABEL)}. Chữ ký tạo ra ở đây không phải chữ ký số chuyên dùng công vụ.</p>` : ""}
<h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function errorBox(e?: AgentError): string {
  return e ? `<div class="error" role="alert" id="error" data-code="${esc(e.code)}">${esc(e.messageVi)}</div>` : "";
}

export interface PendingPairingView {
  id: string;
  origin: string;
  appName: string;
  csrf: string;
}

export function pairPage(p: PendingPairingView, demo: boolean, error?: AgentError): string {
  return layout(
    "Ghép nối ứng dụng với chương trình ký số",
    `<p>Trang web sau đây đề nghị được dùng thiết bị ký số (USB token) trên máy tính này:</p>
<p class="origin" id="origin">${esc(p.origin)}</p>
<p>Ứng dụng tự giới thiệu là: <b>${esc(p.appName)}</b>.</p>
<p>Chỉ đồng ý nếu đó đúng là địa chỉ ứng dụng Văn thư số của cơ quan bạn. Nhập <b>mã ghép nối gồm 6 chữ số</b> đang hiển thị trong ứng dụng đó:</p>
${errorBox(error)}
<form method="post" action="/pair/${esc(p.id)}" autocomplete="off">
<input type="hidden" name="csrf" value="${esc(p.csrf)}">
<p><label>Mã ghép nối: <input name="code" id="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autofocus></label></p>
<p><button type="submit" name="action" value="confirm" id="confirm">Đồng ý ghép nối</button>
<button type="submit" name="action" value="reject" id="reject" formnovalidate>Từ chối</button></p>
</form>`,
    demo,
  );
}

export function messagePage(title: string, text: string, demo: boolean, kind: "ok" | "error" = "ok", id = "result"): string {
  return layout(title, `<div class="${kind}" id="${esc(id)}" role="status">${esc(text)}</div><p>Bạn có thể đóng cửa sổ này.</p>`, demo);
}

function documentCard(r: SignRequestRecord, i: number, picture: string | undefined): string {
  const d = r.documents[i]!;
  const img = picture
    ? `<img src="${picture}" alt="Trang ${d.pageIndex + 1} của văn bản, nơi đặt chữ ký" data-page="${d.pageIndex + 1}">`
    : `<p class="error">Không hiển thị được hình trang ${d.pageIndex + 1}; hãy kiểm tra văn bản trong ứng dụng trước khi ký.</p>`;
  return `<section class="doc" data-index="${i}"><h3>Văn bản ${i + 1}</h3>
<dl><dt>Số, ký hiệu (đọc từ tệp)</dt><dd class="pdf-number">${esc(d.pdfNumber ?? "không thấy trên trang 1")}</dd>
<dt>Tên loại, trích yếu (đọc từ tệp)</dt><dd class="pdf-title">${esc(d.pdfTitle ?? "không thấy trên trang 1")}</dd>
<dt>Ứng dụng ghi</dt><dd class="app-title">${esc(d.title)}${d.number ? ` — ${esc(d.number)}` : ""}</dd>
<dt>Loại chữ ký</dt><dd class="kind">${esc(SIGNATURE_TYPE_LABEL_VI[d.signatureType])}</dd>
<dt>SHA-256 do chương trình ký số tính</dt><dd class="hash sha256">${esc(d.sha256)}</dd></dl>
${img}</section>`;
}

/**
 * What the person consents to: for each document, what the agent itself read and computed
 * from the bytes that get signed — a picture of the page with the signature, the number and
 * title on page 1, the kind, the SHA-256 of the signed byte ranges — and the certificate.
 */
export function consentPage(r: SignRequestRecord, demo: boolean, error?: AgentError, pictures: readonly (string | undefined)[] = []): string {
  const c = r.certificate;
  const cards = r.documents.map((_, i) => documentCard(r, i, pictures[i])).join("\n");
  const n = r.documents.length;
  return layout(
    `Xác nhận ký số ${n} văn bản`,
    `<p>Yêu cầu ký từ: <span class="origin" id="origin">${esc(r.origin)}</span></p>
<h2>Chứng thư số dùng để ký</h2>
<table id="certificate"><tr><th>Người/cơ quan</th><td>${esc(c.commonName)}</td></tr>
${c.title ? `<tr><th>Chức danh</th><td>${esc(c.title)}</td></tr>` : ""}
${c.organization ? `<tr><th>Cơ quan, tổ chức</th><td>${esc(c.organization)}</td></tr>` : ""}
<tr><th>Số hiệu chứng thư</th><td class="hash">${esc(c.serialNumber)}</td></tr>
<tr><th>Hiệu lực</th><td>${formatDateVi(new Date(c.notBefore))} – ${formatDateVi(new Date(c.notAfter))}</td></tr>
<tr><th>Tổ chức cấp</th><td>${esc(c.issuer)}</td></tr>
<tr><th>Thiết bị ký số</th><td>${esc(c.tokenLabel)}</td></tr>
<tr><th>Dấu vân tay SHA-256</th><td class="hash">${esc(c.id)}</td></tr></table>
<h2>Văn bản sẽ được ký (${n})</h2>
<p>Hình trang và các thông tin dưới đây do chương trình ký số đọc và tính từ chính tệp sẽ được ký, không phải do trang web gửi.</p>
<div id="documents">
${cards}</div>
<p>Yêu cầu hết hạn lúc ${esc(timeVi(r.expiresAt))}.</p>
${errorBox(error)}
<form method="post" action="/consent/${esc(r.id)}" autocomplete="off">
<input type="hidden" name="csrf" value="${esc(r.csrf)}">
<p><label>Mã PIN của thiết bị ký số: <input type="password" name="pin" id="pin" autocomplete="off" maxlength="64" autofocus></label></p>
<p><button type="submit" name="action" value="sign" id="sign">Ký ${n} văn bản</button>
<button type="submit" name="action" value="reject" id="reject">Từ chối</button></p>
</form>
<p>Mã PIN chỉ được gửi tới thiết bị ký số; ứng dụng web không nhận được mã PIN.</p>`,
    demo,
  );
}

export function consentResultPage(r: SignRequestRecord, demo: boolean): string {
  const signed = r.results.filter((x) => x.status === "signed").length;
  const n = r.results.length;
  const failed = r.results.filter((x) => x.status === "failed");
  const firstError = failed[0]?.status === "failed" ? failed[0].error : undefined;
  const body =
    signed === n
      ? `<div class="ok" id="result" data-signed="${signed}" data-total="${n}">Đã ký xong ${signed}/${n} văn bản. Kết quả đã được gửi về ứng dụng.</div>`
      : `<div class="error" id="result" data-signed="${signed}" data-total="${n}" data-code="${esc(firstError?.code ?? r.error?.code ?? "")}">Đã ký ${signed}/${n} văn bản. ${esc(firstError?.messageVi ?? r.error?.messageVi ?? "")}</div>`;
  return layout("Kết quả ký số", `${body}<p>Bạn có thể đóng cửa sổ này.</p>`, demo);
}

export interface HomeView {
  origin: string;
  module: { path: string; description: string; demo: boolean };
  pairings: { id: string; origin: string; appName: string; pairedAt: string }[];
  csrf: string;
}

/** The agent's home page: what it runs with, and the paired sites, each of which the person can unpair. */
export function homePage(v: HomeView): string {
  const rows = v.pairings
    .map(
      (p) => `<tr><td class="origin-cell">${esc(p.origin)}</td><td>${esc(p.appName)}</td><td>${esc(p.pairedAt)}</td>
<td><form method="post" action="/pairings/${esc(p.id)}/remove"><input type="hidden" name="csrf" value="${esc(v.csrf)}"><button type="submit" id="unpair-${esc(p.id)}">Hủy ghép nối</button></form></td></tr>`,
    )
    .join("\n");
  return layout(
    "Chương trình ký số Văn thư số",
    `<p id="home">Đang chạy tại <b>${esc(v.origin)}</b>. Thiết bị ký số: ${esc(v.module.description)} (<span class="hash">${esc(v.module.path)}</span>).</p>
<h2>Trang web đã ghép nối</h2>
${v.pairings.length ? `<table id="pairings"><tr><th>Địa chỉ</th><th>Ứng dụng</th><th>Ghép nối lúc</th><th></th></tr>${rows}</table>` : `<p id="pairings">Chưa có trang web nào được ghép nối.</p>`}
<p>Mỗi lần ký, trang web đã ghép nối vẫn phải mở trang xác nhận này và bạn phải nhập mã PIN tại đây.</p>`,
    v.module.demo,
  );
}
