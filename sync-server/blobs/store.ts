import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

/**
 * Blobs on the file system, addressed by SHA-256: `ab/cd/abcd…`. Written once, never changed
 * (R15). Unfinished uploads live under `.uploads/` until their hash is checked.
 */
export class BlobStore {
  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.root, ".uploads"), { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private uploadPath(uploadId: string): string {
    return join(this.root, ".uploads", uploadId);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  async uploadOffset(uploadId: string): Promise<number> {
    try {
      return (await stat(this.uploadPath(uploadId))).size;
    } catch {
      return 0;
    }
  }

  /**
   * Appends a chunk to an upload, writing as bytes arrive: if the connection drops midway, what
   * arrived is kept and the client resumes from the new offset. Never writes past `limit`.
   */
  async append(uploadId: string, body: ReadableStream<Uint8Array> | null, limit: number): Promise<{ offset: number; overflow: boolean }> {
    const fh = await open(this.uploadPath(uploadId), "a");
    let written = 0;
    let overflow = false;
    try {
      if (body) {
        const reader = body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            const room = limit - written;
            if (value.byteLength > room) {
              if (room > 0) await fh.write(value.subarray(0, room));
              written += Math.max(room, 0);
              overflow = true;
              await reader.cancel();
              break;
            }
            await fh.write(value);
            written += value.byteLength;
          }
        } catch {
          // The client went away: keep what arrived, the client resumes from there.
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    return { offset: await this.uploadOffset(uploadId), overflow };
  }

  /** Cuts an upload back to a length (after a refused overflow). */
  async truncateUpload(uploadId: string, length: number): Promise<void> {
    const fh = await open(this.uploadPath(uploadId), "r+");
    try {
      await fh.truncate(length);
    } finally {
      await fh.close();
    }
  }

  async hashUpload(uploadId: string): Promise<string> {
    const h = createHash("sha256");
    for await (const chunk of createReadStream(this.uploadPath(uploadId))) h.update(chunk as Buffer);
    return h.digest("hex");
  }

  /** Moves a checked upload into place; when the blob already exists the copy is dropped (stored once). */
  async commitUpload(uploadId: string, sha256: string): Promise<void> {
    const dest = this.pathOf(sha256);
    if (existsSync(dest)) {
      await this.discardUpload(uploadId);
      return;
    }
    await mkdir(join(this.root, sha256.slice(0, 2), sha256.slice(2, 4)), { recursive: true });
    await rename(this.uploadPath(uploadId), dest);
  }

  async discardUpload(uploadId: string): Promise<void> {
    await rm(this.uploadPath(uploadId), { force: true });
  }

  /** Writes a whole blob (edXML import, restore) after checking its hash. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (this.has(sha256)) return sha256;
    const tmp = join(this.root, ".uploads", `put-${sha256}-${process.pid}-${Date.now()}`);
    const fh = await open(tmp, "w");
    try {
      await fh.write(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await mkdir(join(this.root, sha256.slice(0, 2), sha256.slice(2, 4)), { recursive: true });
    await rename(tmp, this.pathOf(sha256));
    return sha256;
  }

  /** A byte range [start, end] inclusive as a web stream. */
  read(sha256: string, start?: number, end?: number): ReadableStream<Uint8Array> {
    return Readable.toWeb(createReadStream(this.pathOf(sha256), { start, end })) as ReadableStream<Uint8Array>;
  }
}
