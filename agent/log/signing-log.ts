import { appendFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { dirname } from "node:path";

/** One line of the signing log: what was signed, when, with which certificate, for whom. Never the PIN. */
export interface SigningLogEntry {
  /** ISO 8601 with +07:00. */
  at: string;
  event: "batch-signed" | "batch-failed" | "batch-refused" | "pin-refused" | "paired" | "unpaired";
  origin: string;
  requestId?: string;
  certificate?: { id: string; subject: string; serialNumber: string; isDemo: boolean };
  documents?: { sha256: string; title: string; number?: string; signatureType: string; status: "signed" | "failed" | "refused" }[];
  error?: { code: string; messageEn: string };
}

/** An append-only JSON-lines file on the agent's machine (Điều 15.2: usable in an inspection). */
export class SigningLog {
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  append(entry: SigningLogEntry): void {
    appendFileSync(this.file, JSON.stringify(entry) + "\n", { mode: 0o600 });
  }

  read(): SigningLogEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SigningLogEntry);
  }
}
