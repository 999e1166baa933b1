import type { CertificateInventoryEntry } from "../../domain/certificates/inventory.ts";
import type { PolicyContext } from "./types.ts";

/** The inventory entry of the signing certificate (R19: its id is the SHA-256 of the DER, hex). */
export async function inventoryEntryOf(ctx: PolicyContext): Promise<CertificateInventoryEntry | undefined> {
  const inv = ctx.input.inventory;
  if (!inv) return undefined;
  const d = new Uint8Array(await ctx.crypto.subtle.digest("SHA-256", ctx.certificate.rawData));
  const id = [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
  return inv.entries.find((e) => e.id.toLowerCase() === id);
}
