import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Pairing } from "../http.ts";

const FileSchema = z.object({
  version: z.literal(1),
  pairings: z.array(z.object({ id: z.string(), origin: z.string(), appName: z.string(), tokenHash: z.string().regex(/^[0-9a-f]{64}$/), pairedAt: z.string() })),
});

/**
 * The paired origins, remembered in the agent's config (a JSON file, written atomically).
 * Only the SHA-256 of each pairing token is kept. `file` undefined: memory only.
 */
export class PairingStore {
  private pairings: Pairing[] = [];

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const parsed = FileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      // A damaged file is not silently discarded: the agent refuses to start.
      if (!parsed.success) throw new Error(`pairing file ${file} is damaged: ${parsed.error.message.split("\n")[0]}`);
      this.pairings = parsed.data.pairings;
    }
  }

  isPaired(origin: string): boolean {
    return this.pairings.some((p) => p.origin === origin);
  }

  pairingsFor(origin: string): Pairing[] {
    return this.pairings.filter((p) => p.origin === origin);
  }

  list(): readonly Pairing[] {
    return this.pairings;
  }

  add(p: Omit<Pairing, "id">): Pairing {
    const pairing = { id: randomBytes(8).toString("hex"), ...p };
    this.pairings = [...this.pairings.filter((x) => x.tokenHash !== p.tokenHash), pairing];
    this.save();
    return pairing;
  }

  remove(id: string): void {
    this.pairings = this.pairings.filter((p) => p.id !== id);
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, pairings: this.pairings }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
