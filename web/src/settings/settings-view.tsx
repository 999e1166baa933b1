import { Show, createResource, createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { agentClientFor, startPairing } from "../agent/client.ts";
import { loadAgentSettings, saveAgentSettings } from "../agent/settings.ts";
import { db, loadDeviceSettings, loadProfile, messageOf, notify, saveDeviceSettings, type DeviceSettings } from "../state.ts";
import { rolesVi } from "../session/roles.ts";
import { readFile } from "../ui/common.tsx";
import { publishedAnchors } from "../db/trust.ts";
import { PasswordChangeForm } from "../session/password-change.tsx";

export function SettingsView() {
  const [p, setP] = createStore<DeviceSettings>({ symbol: "", parentName: "", userTitle: "" });
  const [account] = createResource(loadProfile);
  const [agentUrl, setAgentUrl] = createSignal("");
  const [pairCode, setPairCode] = createSignal("");
  const [agentStatus, setAgentStatus] = createSignal("");
  void loadDeviceSettings().then((x) => setP(x));
  void loadAgentSettings(db).then((s) => setAgentUrl(s.url));
  const [sealMm, { refetch: refetchSealMm }] = createResource(async () => {
    const { officeSealMm } = await import("../agent/sign-with-agent.ts");
    return officeSealMm(db);
  });
  async function saveSealMm(v: string) {
    const mm = Number(v.replace(",", "."));
    if (!(mm >= 10 && mm <= 80)) return notify("error", "Kích thước con dấu phải từ 10 đến 80 mm.");
    await db.meta.put({ key: "sealMm", value: mm });
    void refetchSealMm();
    notify("ok", `Đã lưu kích thước con dấu: ${mm} mm.`);
  }
  const [images, { refetch }] = createResource(async () => ({
    sig: Boolean((await db.meta.get("signatureImage"))?.value),
    seal: Boolean((await db.meta.get("sealImage"))?.value),
  }));

  async function save(e: Event) {
    e.preventDefault();
    if (!/^[\p{L}\p{N}.]+$/u.test(p.symbol.trim())) return notify("error", "Hãy nhập ký hiệu cơ quan (chỉ chữ và số, ví dụ UBND).");
    await saveDeviceSettings({ ...p, symbol: p.symbol.trim() });
    notify("ok", "Đã lưu.");
  }
  async function pair() {
    try {
      const s = await loadAgentSettings(db);
      const url = agentUrl().trim().replace(/\/$/, "") || s.url;
      window.open("about:blank", "vanthu-agent-pair");
      const { token, code } = await startPairing(url, "vanthu-agent-pair");
      await saveAgentSettings(db, { url, token });
      setPairCode(code);
    } catch (e) {
      notify("error", messageOf(e));
    }
  }
  /** Checks the address as typed now (not the one saved before): the person is trying it. */
  async function checkAgent() {
    try {
      const saved = await loadAgentSettings(db);
      const url = agentUrl().trim().replace(/\/$/, "") || saved.url;
      const client = agentClientFor({ url, ...(url === saved.url && saved.token ? { token: saved.token } : {}) });
      // Unpaired, the agent's answer is unreadable here (no CORS): only that it runs can be known.
      if (!(url === saved.url && saved.token)) {
        setAgentStatus((await client.reachable()) ? "Chương trình ký số đang chạy · Chưa ghép nối" : "Không kết nối được chương trình ký số trên máy.");
        return;
      }
      const st = await client.status();
      setAgentStatus(
        `${st.paired ? "Đã ghép nối" : "Chưa ghép nối"}` +
          (st.tokens ? ` · ${st.tokens.length} thiết bị ký` : "") +
          (st.module ? ` · ${st.module.demo ? "thiết bị THỬ (không có giá trị pháp lý)" : st.module.description}` : ""),
      );
    } catch (e) {
      setAgentStatus(messageOf(e));
    }
  }
  const [anchors, { refetch: refetchAnchors }] = createResource(
    async () => ((await db.meta.get("trustAnchors"))?.value as Uint8Array[] | undefined)?.length ?? 0,
  );
  const [published] = createResource(() => publishedAnchors(db));
  async function addAnchor(f: File | undefined) {
    if (!f) return;
    try {
      const { bytes } = await readFile(f);
      const { parseCertificates } = await import("../../../shared/trust/index.ts");
      const certs = parseCertificates(bytes);
      if (certs.length === 0) throw new Error("No certificate in the file");
      const list = ((await db.meta.get("trustAnchors"))?.value as Uint8Array[] | undefined) ?? [];
      await db.meta.put({ key: "trustAnchors", value: [...list, ...certs.map((c) => new Uint8Array(c.rawData))] });
      void refetchAnchors();
      // Documents waiting for the clerk are judged again against the new trust store.
      await (await import("../verify/run.ts")).reverifyWaiting(db);
      notify("ok", `Đã thêm ${certs.length} chứng thư gốc tin cậy: ${certs.map((c) => c.subject).join("; ")}`);
    } catch {
      notify("error", "Tệp không phải là chứng thư số (PEM hoặc DER).");
    }
  }
  async function saveImage(key: "signatureImage" | "sealImage", f: File | undefined) {
    if (!f) return;
    const { bytes } = await readFile(f);
    if (bytes[0] !== 0x89 || bytes[1] !== 0x50) return notify("error", "Ảnh phải là tệp PNG nền trong suốt.");
    // Điều 13: transparent background, blue (or red) ink for the signature, red for the seal — the rule signing applies.
    const { signatureImageProblem } = await import("../../../shared/sign/policy/signature-image.ts");
    const problem = signatureImageProblem(bytes, key === "sealImage" ? "seal" : "signature");
    if (problem) return notify("error", problem.messageVi);
    await db.meta.put({ key, value: bytes });
    void refetch();
    notify("ok", "Đã lưu ảnh.");
  }
  return (
    <section>
      <h1>Cài đặt</h1>
      <div class="card" data-testid="account">
        <h2>Tài khoản</h2>
        <p class="muted">Cơ quan, họ tên và vai trò là của tài khoản trên máy chủ; chỉ quản trị viên thay đổi được.</p>
        <dl class="facts">
          <dt>Cơ quan</dt>
          <dd data-testid="account-office">{account()?.name || "Chưa đăng nhập"}</dd>
          <dt>Người dùng</dt>
          <dd>{account()?.userName || "—"}</dd>
          <dt>Vai trò</dt>
          <dd data-testid="account-roles">{account() ? rolesVi(account()!.roles) : ""}</dd>
        </dl>
      </div>
      <Show when={account()?.signedIn}>
        <PasswordChangeForm />
      </Show>
      <form class="card grid" onSubmit={save}>
        <h2 style={{ "grid-column": "1 / -1" }}>Trên máy này</h2>
        <label>
          Ký hiệu cơ quan (in trong số văn bản)
          <input id="s-symbol" value={p.symbol} onInput={(e) => setP("symbol", e.currentTarget.value)} />
        </label>
        <label>
          Cơ quan chủ quản
          <input value={p.parentName ?? ""} onInput={(e) => setP("parentName", e.currentTarget.value)} />
        </label>
        <label>
          Chức vụ của tôi
          <input id="s-title" value={p.userTitle} onInput={(e) => setP("userTitle", e.currentTarget.value)} />
        </label>
        <div>
          <button type="submit">Lưu</button>
        </div>
      </form>
      <div class="card">
        <h2>Phần mềm ký số trên máy (agent)</h2>
        <div class="row">
          <label style={{ flex: 1 }}>
            Địa chỉ agent
            <input id="s-agent" value={agentUrl()} onInput={(e) => setAgentUrl(e.currentTarget.value)} />
          </label>
          <button onClick={pair}>Ghép nối</button>
          <button class="secondary" onClick={checkAgent}>
            Kiểm tra
          </button>
        </div>
        <Show when={pairCode()}>
          <p class="alert info">
            Mã ghép nối:{" "}
            <b style={{ "font-size": "22px", "letter-spacing": "3px" }} data-testid="pair-code">
              {pairCode()}
            </b>{" "}
            — nhập mã này trên trang của agent vừa mở.
          </p>
        </Show>
        <p class="muted">{agentStatus()}</p>
      </div>
      <div class="card">
        <h2>Chứng thư gốc tin cậy</h2>
        <p class="muted">Chứng thư gốc của Ban Cơ yếu Chính phủ (G2, G1) có sẵn. Đã thêm trên máy này: {anchors() ?? 0} chứng thư.</p>
        <Show when={(published() ?? []).length > 0}>
          <p data-testid="published-anchors">Máy chủ công bố: {(published() ?? []).map((a) => a.labelVi).join("; ")}</p>
        </Show>
        <label>
          Thêm chứng thư gốc (PEM hoặc DER)
          <input type="file" accept=".pem,.crt,.cer,.der" data-testid="trust-anchor" onChange={(e) => void addAnchor(e.currentTarget.files?.[0])} />
          <span class="button secondary file-btn">Chọn tệp…</span>
        </label>
      </div>
      <div class="card grid">
        <h2 style={{ "grid-column": "1 / -1" }}>Ảnh chữ ký và con dấu (PNG nền trong suốt)</h2>
        <label>
          Ảnh chữ ký của người có thẩm quyền (màu xanh) {images()?.sig ? "— đã có" : "— chưa có, dùng ảnh thử"}
          <input type="file" accept="image/png" onChange={(e) => void saveImage("signatureImage", e.currentTarget.files?.[0])} />
          <span class="button secondary file-btn">Chọn tệp…</span>
        </label>
        <label>
          Ảnh con dấu của cơ quan (màu đỏ, đúng kích thước) {images()?.seal ? "— đã có" : "— chưa có, dùng ảnh thử"}
          <input type="file" accept="image/png" onChange={(e) => void saveImage("sealImage", e.currentTarget.files?.[0])} />
          <span class="button secondary file-btn">Chọn tệp…</span>
        </label>
        <label>
          Đường kính thật của con dấu (mm) — ảnh con dấu được đặt đúng kích thước này
          <input
            type="number"
            min="10"
            max="80"
            step="0.5"
            data-testid="seal-mm"
            value={sealMm() ?? 36}
            onChange={(e) => void saveSealMm(e.currentTarget.value)}
          />
        </label>
      </div>
    </section>
  );
}
