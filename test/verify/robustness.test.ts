/**
 * Robustness: thousands of mutated signed files (byte flips, truncations, edited
 * dictionaries, duplicated and nested structures) must each end in a report or a clean
 * error within a deadline — never a throw, a hang or a crash — and a change inside the
 * signed bytes must never come out "valid".
 */
import { describe, it, expect, beforeAll } from "vitest";
import { verifyPdf, type VerifyOptions, type ValidationReport } from "../../shared/verify/index.ts";
import { DemoCertificationAuthority, issue, makePdf, signLibpdf, nssDatabase, signPdfsig } from "./corpus.ts";

/**
 * Per seed file. The suite runs 200 (800 files, about a minute on a quiet machine); a deeper run
 * before a release: `VANTHU_FUZZ_CASES=5000 npx vitest run test/verify/robustness.test.ts`.
 */
const CASES_PER_SEED = Number(process.env.VANTHU_FUZZ_CASES ?? 200);
/** Per case: a report must come within this, or the case fails (a guard, not a speed test). */
const DEADLINE_MS = 15_000;
/** Each seed's mutations reach both clean errors and full reports at least this often. */
const MIN_PER_KIND = 12;

let opts: VerifyOptions;
const seeds: { name: string; bytes: Uint8Array; signed: [number, number, number, number] }[] = [];

/** A small deterministic PRNG (mulberry32), so that a failing case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function byteRangeOf(pdf: Uint8Array): [number, number, number, number] {
  const text = Buffer.from(pdf).toString("latin1");
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].at(-1)!;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

const TOKENS = [
  "/ByteRange",
  "/Contents",
  "/Length",
  "/Prev",
  "/Root",
  "/Size",
  "/Fields",
  "/Kids",
  "/V",
  "/Type",
  "/Filter",
  "/W",
  "/Index",
  "/N",
  "/First",
  "obj",
  "R",
  "startxref",
  "xref",
  "trailer",
];
const REPLACEMENTS = [
  "0",
  "-1",
  "99999999999",
  "null",
  "<<",
  ">>",
  "[",
  "]",
  "()",
  "<>",
  "/Sig",
  "1 0 R",
  "0 0 R",
  "[0 0 0 0]",
  "<< /Length 1 0 R >>",
  "9999999 0 R",
  "3.5",
  "true",
];

type Mutation = { kind: string; bytes: Uint8Array; touchesSigned: boolean };

function mutate(seed: (typeof seeds)[number], r: () => number): Mutation {
  const src = seed.bytes;
  const [a, b, c, d] = seed.signed;
  const inSigned = (p: number) => (p >= a && p < a + b) || (p >= c && p < c + d);
  const pick = r();
  if (pick < 0.35) {
    // 1–4 byte flips, half of them near the end where the structure lives.
    const out = new Uint8Array(src);
    let touches = false;
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const p = r() < 0.5 ? Math.floor(r() * out.length) : Math.max(0, out.length - 1 - Math.floor(r() * 2000));
      const before = out[p]!;
      out[p] = before ^ (1 + Math.floor(r() * 255));
      if (inSigned(p)) touches = true;
    }
    return { kind: "flip", bytes: out, touchesSigned: touches };
  }
  if (pick < 0.5) {
    const cut = Math.floor(r() * src.length);
    return { kind: "truncate", bytes: src.subarray(0, cut), touchesSigned: cut < c + d };
  }
  if (pick < 0.65) {
    // Inside the CMS: hex digits changed to other hex digits (certificates, attributes, signature value).
    const out = new Uint8Array(src);
    const hexStart = b + 1;
    let end = c - 1;
    while (end > hexStart && out[end - 1] === 0x30) end--;
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) out[hexStart + Math.floor(r() * Math.max(1, end - hexStart))] = "0123456789ABCDEF".charCodeAt(Math.floor(r() * 16));
    return { kind: "cms hex", bytes: out, touchesSigned: false };
  }
  const text = Buffer.from(src).toString("latin1");
  if (pick < 0.9) {
    // Edit a dictionary: replace the value after a structural token.
    const tok = TOKENS[Math.floor(r() * TOKENS.length)]!;
    const hits: number[] = [];
    for (let i = text.indexOf(tok); i >= 0 && hits.length < 64; i = text.indexOf(tok, i + 1)) hits.push(i);
    if (hits.length === 0) return { kind: "noop", bytes: src, touchesSigned: false };
    const at = hits[Math.floor(r() * hits.length)]! + tok.length;
    const len = 1 + Math.floor(r() * 12);
    const rep = REPLACEMENTS[Math.floor(r() * REPLACEMENTS.length)]!;
    const edited = text.slice(0, at) + " " + rep + " " + text.slice(at + len);
    return { kind: `edit ${tok}`, bytes: new Uint8Array(Buffer.from(edited, "latin1")), touchesSigned: inSigned(at) || edited.length !== text.length };
  }
  // Structural nonsense: deep nesting, duplicated tails, garbage appended.
  const which = r();
  if (which < 0.33)
    return {
      kind: "nesting appended",
      bytes: new Uint8Array(Buffer.from(text + "\n1 0 obj\n" + "[".repeat(5000) + "\nendobj\n", "latin1")),
      touchesSigned: false,
    };
  if (which < 0.66)
    return { kind: "tail duplicated", bytes: new Uint8Array(Buffer.from(text + text.slice(Math.floor(text.length / 2)), "latin1")), touchesSigned: false };
  const x = Math.floor(r() * text.length);
  const out = text.slice(0, x) + "<<".repeat(3000) + text.slice(Math.floor(r() * text.length));
  return { kind: "spliced", bytes: new Uint8Array(Buffer.from(out, "latin1")), touchesSigned: x < c + d };
}

/**
 * A report must come within DEADLINE_MS of this process's CPU time: a hang or a runaway loop
 * fails the case, while a machine busy with other work (less CPU per second) does not.
 */
async function withDeadline(p: Promise<ValidationReport>): Promise<ValidationReport | "timeout"> {
  const start = process.cpuUsage();
  let timer: ReturnType<typeof setInterval> | undefined;
  const t = new Promise<"timeout">((resolve) => {
    timer = setInterval(() => {
      const used = process.cpuUsage(start);
      if ((used.user + used.system) / 1000 > DEADLINE_MS) resolve("timeout");
    }, 250);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearInterval(timer);
  }
}

beforeAll(async () => {
  const root = await DemoCertificationAuthority.create({ commonName: "Root — robustness" });
  const id = await issue(root, { commonName: "Người ký" });
  opts = { trustAnchors: [root.certificate], crls: [new Uint8Array((await root.crl([])).rawData)] };
  const plain = await makePdf({ pages: 2 });
  const streams = await makePdf({ pages: 2, objectStreams: true });
  const one = await signLibpdf(plain, id);
  const two = signPdfsig(one, await nssDatabase(id), { field: "Second" });
  const xs = await signLibpdf(streams, id);
  for (const [name, bytes] of [
    ["libpdf", one],
    ["libpdf+pdfsig", two],
    ["object streams", xs],
    ["pdfsig only", signPdfsig(plain, await nssDatabase(id), { field: "Only" })],
  ] as const) {
    const r = await verifyPdf(bytes, opts);
    expect(r.status, name).toBe("valid");
    seeds.push({ name, bytes, signed: byteRangeOf(bytes) });
  }
});

const SEEDS = ["libpdf", "libpdf+pdfsig", "object streams", "pdfsig only"];

// One test per seed file (each with its own PRNG), so that no single test holds thousands of
// cases against one wall-clock bound.
describe("mutated signed files", () => {
  it.each(SEEDS.map((name, s) => [name, s] as const))(
    `%s: ${CASES_PER_SEED} mutations, each ends in a report or a clean error, and no change to signed bytes is 'valid'`,
    async (_name, s) => {
      const counts: Record<string, number> = {};
      const failures: string[] = [];
      let total = 0;
      {
        const seed = seeds[s]!;
        const r = rng(1000 + s);
        for (let i = 0; i < CASES_PER_SEED; i++) {
          const m = mutate(seed, r);
          // An edit can happen to write back the very bytes it replaced: then nothing changed.
          if (m.bytes.length === seed.bytes.length && Buffer.compare(Buffer.from(m.bytes), Buffer.from(seed.bytes)) === 0) m.touchesSigned = false;
          total++;
          let report: ValidationReport | "timeout";
          try {
            report = await withDeadline(verifyPdf(m.bytes, opts));
          } catch (e) {
            failures.push(`${seed.name} #${i} ${m.kind}: threw ${(e as Error).message}`);
            continue;
          }
          if (report === "timeout") {
            failures.push(`${seed.name} #${i} ${m.kind}: no report within ${DEADLINE_MS} ms of CPU time`);
            continue;
          }
          counts[report.status] = (counts[report.status] ?? 0) + 1;
          if (!["valid", "invalid", "indeterminate", "unsigned", "error"].includes(report.status)) failures.push(`${seed.name} #${i}: status ${report.status}`);
          if (report.status === "error" && !(report.error?.messageVi && report.error.messageEn)) failures.push(`${seed.name} #${i}: error without messages`);
          if (report.status !== "error" && typeof report.message !== "string") failures.push(`${seed.name} #${i}: no message`);
          if (m.touchesSigned && report.status === "valid") {
            failures.push(`${seed.name} #${i} ${m.kind}: a change to signed bytes came out valid`);
            if (process.env.VANTHU_DUMP_DIR) {
              const { writeFileSync } = await import("node:fs");
              writeFileSync(`${process.env.VANTHU_DUMP_DIR}/case-${s}-${i}.pdf`, m.bytes);
              writeFileSync(`${process.env.VANTHU_DUMP_DIR}/seed-${s}.pdf`, seed.bytes);
            }
          }
        }
      }
      expect(seeds[s]!.name).toBe(SEEDS[s]);
      expect(failures).toEqual([]);
      expect(total).toBe(CASES_PER_SEED);
      // The corpus exercises both ends: clean errors and full reports.
      console.log(`${SEEDS[s]}: ${JSON.stringify(counts)}`);
      expect(counts.error ?? 0).toBeGreaterThan(MIN_PER_KIND);
      expect((counts.invalid ?? 0) + (counts.indeterminate ?? 0)).toBeGreaterThan(MIN_PER_KIND);
    },
    600_000,
  );
});
