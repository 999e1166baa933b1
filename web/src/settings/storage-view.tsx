import { Show, createResource, createSignal } from "solid-js";
import { getDocument } from "../db/documents.ts";
import { db, messageOf, notify } from "../state.ts";
import { askPersistence, formatBytes, readStorage, storageLevel } from "./storage.ts";
import { useLive } from "../live.ts";

export function StorageView() {
  const [fig, { refetch }] = createResource(readStorage);
  const counts = useLive(
    () => undefined,
    async () => ({
      docs: await db.documents.count(),
      drafts: await db.drafts.count(),
      incoming: await db.incoming.count(),
      outgoing: await db.outgoing.count(),
    }),
  );
  const [check, setCheck] = createSignal("");
  async function verifyAll() {
    setCheck("Đang kiểm tra…");
    let ok = 0;
    const bad: string[] = [];
    for (const sha of (await db.documents.toCollection().primaryKeys()) as string[]) {
      try {
        await getDocument(db, sha);
        ok++;
      } catch (e) {
        bad.push(messageOf(e));
      }
    }
    setCheck(bad.length === 0 ? `Tất cả ${ok} tệp khớp mã SHA-256 (nguyên vẹn).` : `${bad.length} tệp không khớp mã SHA-256: ${bad[0]}`);
  }
  return (
    <section>
      <h1>Lưu trữ trên máy này</h1>
      <Show when={fig()}>
        {(f) => {
          const level = () => storageLevel(f());
          return (
            <div class="card">
              <p>
                Đã dùng <b>{formatBytes(f().usage)}</b> trên {formatBytes(f().quota)} (còn {formatBytes(Math.max(0, f().quota - f().usage))}).
              </p>
              <div class={`bar ${level()}`}>
                <div style={{ width: `${Math.min(100, (100 * f().usage) / Math.max(1, f().quota))}%` }} />
              </div>
              <p data-testid="persisted">
                {f().persisted
                  ? "Trình duyệt đã cho phép lưu lâu dài: dữ liệu không bị tự xóa khi thiếu chỗ."
                  : "Trình duyệt chưa cho phép lưu lâu dài: dữ liệu có thể bị xóa khi máy thiếu chỗ. Hãy đồng bộ thường xuyên."}
              </p>
              <Show when={!f().persisted}>
                <button
                  onClick={async () => {
                    const granted = await askPersistence();
                    notify(
                      granted ? "ok" : "error",
                      granted ? "Đã được phép lưu lâu dài." : "Trình duyệt chưa cho phép; hãy cài ứng dụng (Thêm vào màn hình chính) rồi thử lại.",
                    );
                    void refetch();
                  }}
                >
                  Xin phép lưu lâu dài
                </button>
              </Show>
            </div>
          );
        }}
      </Show>
      <div class="card">
        <p>
          {counts()?.docs ?? 0} tệp PDF · {counts()?.drafts ?? 0} dự thảo · {counts()?.incoming ?? 0} văn bản đến · {counts()?.outgoing ?? 0} văn bản đi
        </p>
        <button class="secondary" onClick={verifyAll}>
          Kiểm tra tính nguyên vẹn các tệp (SHA-256)
        </button>
        <p data-testid="integrity">{check()}</p>
      </div>
    </section>
  );
}
