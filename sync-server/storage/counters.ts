import { sql } from "kysely";
import type { Tx } from "./context.ts";

/** Next number of a yearly sequence (số đến, số đi), atomic under concurrent writers on both databases. */
export async function nextCounter(trx: Tx, officeId: string, name: string, year: number): Promise<number> {
  const row = await trx
    .insertInto("counters")
    .values({ office_id: officeId, name, year, last: 1 })
    .onConflict((oc) => oc.columns(["office_id", "name", "year"]).doUpdateSet({ last: sql<number>`counters.last + 1` }))
    .returning("last")
    .executeTakeFirstOrThrow();
  return Number(row.last);
}
