import { Hono, type Context } from "hono";
import { CreateUpload, MAX_CHUNK_SIZE, Sha256Hex, type UploadState } from "../../shared/sync/schemas.ts";
import { SyncError, notFound } from "../errors.ts";
import { parseWith, readJson, tooLarge } from "../http/errors.ts";
import type { AuthVariables } from "../auth/index.ts";
import type { SyncStorage } from "../storage/storage.ts";
import type { BlobStore } from "./store.ts";

/**
 * Signed PDFs and other files, addressed by SHA-256, uploaded in resumable chunks.
 *
 * The protocol follows tus 1.0's core (HEAD for the offset, PATCH with Upload-Offset and
 * `application/offset+octet-stream`, 409 on an offset mismatch) with one addition tus lacks:
 * the upload is created for a declared SHA-256 and size, the hash is checked when the last
 * byte arrives, and a blob the office already has is not uploaded again.
 *
 *   POST  /uploads {sha256,size}     → 201 {uploadId, offset:0} | 200 {uploadId, offset} (resumed)
 *                                      | 200 {complete:true} (the office has it already)
 *   HEAD  /uploads/:id               → Upload-Offset, Upload-Length
 *   PATCH /uploads/:id  (chunk)      → 200 {offset, complete}; 422 when the hash is wrong
 *   GET   /:sha256  (Range: bytes=…) → 200 / 206 / 416
 */
export function blobRoutes(storage: SyncStorage, store: BlobStore) {
  const app = new Hono<{ Variables: AuthVariables }>();
  // One writer per upload at a time within this process; the offset check catches the rest.
  const busy = new Set<string>();

  app.post("/uploads", async (c) => {
    const { sha256, size } = await readJson(c, CreateUpload);
    const officeId = c.get("actor").officeId;
    if (store.has(sha256) && (await storage.canReadBlob(officeId, sha256))) {
      return c.json({ uploadId: null, sha256, size, offset: size, complete: true } satisfies UploadState, 200);
    }
    // The same office uploading the same blob again (a client restarted mid-upload): resume it.
    const existing = await storage.findUpload(officeId, sha256, size);
    if (existing) {
      const offset = await store.uploadOffset(existing);
      c.header("Location", `/api/blobs/uploads/${existing}`);
      c.header("Upload-Offset", String(offset));
      return c.json({ uploadId: existing, sha256, size, offset, complete: false } satisfies UploadState, 200);
    }
    const uploadId = await storage.createUpload(officeId, sha256, size);
    c.header("Location", `/api/blobs/uploads/${uploadId}`);
    c.header("Upload-Offset", "0");
    return c.json({ uploadId, sha256, size, offset: 0, complete: false } satisfies UploadState, 201);
  });

  const loadUpload = async (officeId: string, id: string) => {
    const u = /^[0-9a-f-]{36}$/.test(id) ? await storage.getUpload(officeId, id) : undefined;
    if (!u) throw notFound(`Upload ${id}`, "lần tải lên này");
    return u;
  };

  // Also answers HEAD (Hono routes HEAD to GET and drops the body), as tus clients ask.
  app.get("/uploads/:id", async (c) => {
    const u = await loadUpload(c.get("actor").officeId, c.req.param("id"));
    const offset = await store.uploadOffset(u.id);
    c.header("Upload-Offset", String(offset));
    c.header("Upload-Length", String(u.size));
    c.header("Cache-Control", "no-store");
    return c.json({ uploadId: u.id, sha256: u.sha256, size: u.size, offset, complete: false } satisfies UploadState);
  });

  app.patch("/uploads/:id", async (c) => {
    const officeId = c.get("actor").officeId;
    const u = await loadUpload(officeId, c.req.param("id"));
    if ((c.req.header("content-type") ?? "") !== "application/offset+octet-stream") {
      throw new SyncError(
        415,
        "unsupported_media_type",
        "Phần tệp phải gửi với Content-Type: application/offset+octet-stream.",
        "Expected Content-Type: application/offset+octet-stream",
      );
    }
    const declared = c.req.header("upload-offset");
    if (declared === undefined || !/^\d{1,15}$/.test(declared)) {
      throw new SyncError(400, "bad_upload_offset", "Thiếu hoặc sai tiêu đề Upload-Offset.", "Missing or malformed Upload-Offset header");
    }
    const length = c.req.header("content-length");
    if (length !== undefined && Number(length) > MAX_CHUNK_SIZE) throw tooLarge();
    if (busy.has(u.id)) {
      c.header("Upload-Offset", String(await store.uploadOffset(u.id)));
      c.header("Retry-After", "1");
      throw new SyncError(409, "upload_busy", "Tệp này đang được tải lên từ một kết nối khác.", "Another request is writing this upload");
    }
    busy.add(u.id);
    try {
      const offset = await store.uploadOffset(u.id);
      if (Number(declared) !== offset) {
        c.header("Upload-Offset", String(offset));
        throw new SyncError(
          409,
          "offset_mismatch",
          "Vị trí tải lên không khớp; hãy hỏi lại vị trí rồi gửi tiếp.",
          `Upload-Offset ${declared} does not match the server's ${offset}`,
          { offset },
        );
      }
      const room = Math.min(MAX_CHUNK_SIZE, u.size - offset);
      const r = await store.append(u.id, idleLimited(c.req.raw.body, UPLOAD_IDLE_MS), room);
      if (r.overflow) {
        // More bytes than declared: keep nothing of this chunk.
        await store.truncateUpload(u.id, offset);
        throw new SyncError(
          413,
          "upload_too_long",
          "Tệp gửi lên dài hơn kích thước đã khai báo (hoặc phần tệp quá lớn).",
          "Chunk goes past the declared size or the chunk limit",
        );
      }
      c.header("Upload-Offset", String(r.offset));
      if (r.offset < u.size) return c.json({ uploadId: u.id, sha256: u.sha256, size: u.size, offset: r.offset, complete: false } satisfies UploadState);
      const actual = await store.hashUpload(u.id);
      if (actual !== u.sha256) {
        await store.discardUpload(u.id);
        await storage.deleteUpload(u.id);
        throw new SyncError(
          422,
          "hash_mismatch",
          "Tệp nhận được không khớp mã băm SHA-256 đã khai báo; tệp bị bỏ, hãy tải lên lại.",
          `SHA-256 of the received bytes is ${actual}, not ${u.sha256}`,
        );
      }
      await store.commitUpload(u.id, u.sha256);
      await storage.recordBlob(officeId, u.sha256, u.size);
      await storage.deleteUpload(u.id);
      return c.json({ uploadId: u.id, sha256: u.sha256, size: u.size, offset: u.size, complete: true } satisfies UploadState);
    } finally {
      busy.delete(u.id);
    }
  });

  const download = async (c: Context<{ Variables: AuthVariables }>, headOnly: boolean) => {
    const sha256Param = c.req.param("sha256") ?? "";
    const sha256 = parseWith(Sha256Hex, sha256Param);
    const size = await storage.blobSize(sha256);
    if (size === undefined || !(await storage.canReadBlob(c.get("actor").officeId, sha256)) || !store.has(sha256)) throw notFound(`Blob ${sha256}`, "tệp này");
    c.header("Accept-Ranges", "bytes");
    c.header("ETag", `"${sha256}"`);
    c.header("Cache-Control", "private, max-age=31536000, immutable");
    c.header("Content-Type", "application/octet-stream");
    const range = c.req.header("range");
    let start = 0;
    let end = size - 1;
    let status: 200 | 206 = 200;
    const ifRange = c.req.header("if-range");
    // If-Range with another validator: send the whole blob (RFC 9110 §13.1.5).
    if (range !== undefined && (ifRange === undefined || ifRange === `"${sha256}"`)) {
      const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (!m || (m[1] === "" && m[2] === "")) {
        c.header("Content-Range", `bytes */${size}`);
        throw new SyncError(416, "bad_range", "Khoảng byte yêu cầu không hợp lệ.", `Unsatisfiable or multi-part range '${range}'`);
      }
      if (m[1] === "") {
        start = Math.max(0, size - Number(m[2]));
      } else {
        start = Number(m[1]);
        end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
      }
      if (start >= size || start > end) {
        c.header("Content-Range", `bytes */${size}`);
        throw new SyncError(416, "bad_range", "Khoảng byte yêu cầu nằm ngoài tệp.", `Range '${range}' outside 0..${size - 1}`);
      }
      status = 206;
      c.header("Content-Range", `bytes ${start}-${end}/${size}`);
    }
    c.header("Content-Length", String(end - start + 1));
    if (headOnly) return c.body(null, status);
    return c.body(store.read(sha256, start, end), status);
  };

  app.get("/:sha256", (c) => download(c, c.req.method === "HEAD"));
  return app;
}

/**
 * A PATCH whose bytes stop coming for this long ends as if its client went away: what arrived is
 * kept. A network cut leaves no close on the server's side of the connection, and until then the
 * upload would stay busy and the client, back on another connection, could not resume it.
 */
export const UPLOAD_IDLE_MS = 15_000;

function idleLimited(body: ReadableStream<Uint8Array> | null, ms: number): ReadableStream<Uint8Array> | null {
  if (!body) return body;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no upload bytes for ${ms} ms`)), ms);
      });
      try {
        const next = await Promise.race([reader.read(), idle]);
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (e) {
        void reader.cancel(e).catch(() => undefined);
        controller.error(e);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
