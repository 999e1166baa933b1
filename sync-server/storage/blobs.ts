import { randomUUID } from "node:crypto";
import { stamp } from "../clock/qlvb-clock.ts";
import type { StorageContext, Tx } from "./context.ts";

/** Which blobs exist, which office may read which, and unfinished uploads. The bytes live in blobs/store.ts. */
export class BlobRepository {
  constructor(private readonly ctx: StorageContext) {}

  async size(sha256: string): Promise<number | undefined> {
    const r = await this.ctx.db.selectFrom("blobs").select("size").where("sha256", "=", sha256).executeTakeFirst();
    return r ? Number(r.size) : undefined;
  }

  async canRead(officeId: string, sha256: string, trx: Tx = this.ctx.db): Promise<boolean> {
    const r = await trx.selectFrom("blob_refs").select("sha256").where("office_id", "=", officeId).where("sha256", "=", sha256).executeTakeFirst();
    return r !== undefined;
  }

  /** Records a blob whose bytes are already in the blob store, and gives the office access to it. */
  async record(officeId: string, sha256: string, size: number): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("blobs")
        .values({ sha256, size, created_at: stamp(this.ctx.clock) })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .execute();
      await this.addRef(trx, officeId, sha256);
    });
  }

  async addRef(trx: Tx, officeId: string, sha256: string): Promise<void> {
    await trx
      .insertInto("blob_refs")
      .values({ office_id: officeId, sha256, created_at: stamp(this.ctx.clock) })
      .onConflict((oc) => oc.columns(["office_id", "sha256"]).doNothing())
      .execute();
  }

  async createUpload(officeId: string, sha256: string, size: number): Promise<string> {
    const id = randomUUID();
    await this.ctx.db
      .insertInto("blob_uploads")
      .values({ id, office_id: officeId, sha256, size, created_at: stamp(this.ctx.clock) })
      .execute();
    return id;
  }

  /** An unfinished upload of the same blob by the same office: resumed rather than started again. */
  async findUpload(officeId: string, sha256: string, size: number): Promise<string | undefined> {
    const r = await this.ctx.db
      .selectFrom("blob_uploads")
      .select("id")
      .where("office_id", "=", officeId)
      .where("sha256", "=", sha256)
      .where("size", "=", size)
      .orderBy("created_at", "desc")
      .executeTakeFirst();
    return r?.id;
  }

  async getUpload(officeId: string, id: string): Promise<{ id: string; sha256: string; size: number } | undefined> {
    const r = await this.ctx.db
      .selectFrom("blob_uploads")
      .select(["id", "sha256", "size"])
      .where("id", "=", id)
      .where("office_id", "=", officeId)
      .executeTakeFirst();
    return r ? { id: r.id, sha256: r.sha256, size: Number(r.size) } : undefined;
  }

  /** Uploads started before `before` and never finished (any office): for the cleanup at start. */
  async staleUploads(before: string): Promise<string[]> {
    return (await this.ctx.db.selectFrom("blob_uploads").select("id").where("created_at", "<", before).execute()).map((r) => r.id);
  }

  async deleteUpload(id: string): Promise<void> {
    await this.ctx.db.deleteFrom("blob_uploads").where("id", "=", id).execute();
  }
}
