import { randomUUID } from "node:crypto";
import type { Office, OfficeKind } from "../../shared/sync/schemas.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { toOffice, type StorageContext } from "./context.ts";

/** Offices: the tenants. Every office-scoped row elsewhere carries one of these ids. */
export class OfficeRepository {
  constructor(private readonly ctx: StorageContext) {}

  async isEmpty(): Promise<boolean> {
    const row = await this.ctx.db
      .selectFrom("offices")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n) === 0;
  }

  async create(o: { id?: string; name: string; kind: OfficeKind; organId: string; isDemo?: boolean }): Promise<Office> {
    const id = o.id ?? randomUUID();
    await this.ctx.db
      .insertInto("offices")
      .values({ id, name: o.name, kind: o.kind, organ_id: o.organId, is_demo: o.isDemo ? 1 : 0, created_at: stamp(this.ctx.clock) })
      .execute();
    return { id, name: o.name, kind: o.kind, organId: o.organId, isDemo: !!o.isDemo };
  }

  async get(id: string): Promise<Office | undefined> {
    const r = await this.ctx.db.selectFrom("offices").selectAll().where("id", "=", id).executeTakeFirst();
    return r ? toOffice(r) : undefined;
  }

  /** The directory of offices (names and organ ids only: what a sender needs to address a document). */
  async list(): Promise<Office[]> {
    const rows = await this.ctx.db.selectFrom("offices").selectAll().orderBy("name").execute();
    return rows.map(toOffice);
  }
}
