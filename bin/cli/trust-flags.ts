import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.ts";
import { FileCertificateCache, FileCrlCache, loadTrust } from "./commands/verify.ts";
import { bundledIntermediates, bundledTrustAnchors } from "../../shared/trust/index.ts";
import type { TrustContext } from "../../shared/sign/policy/index.ts";

/** The trust flags `sign` and `verify` share (docs/cli.md): same names, same meaning. */
export const TRUST_FLAG_OPTIONS = {
  trust: { type: "string", multiple: true },
  crl: { type: "string", multiple: true },
  offline: { type: "boolean" },
  "no-default-trust": { type: "boolean" },
  "cache-dir": { type: "string" },
} as const;

export interface TrustFlagValues {
  trust?: string[];
  crl?: string[];
  offline?: boolean;
  "no-default-trust"?: boolean;
  "cache-dir"?: string;
}

export async function trustContextFromFlags(v: TrustFlagValues): Promise<TrustContext> {
  const anchors = v["no-default-trust"] ? [] : await bundledTrustAnchors();
  for (const t of v.trust ?? []) anchors.push(...loadTrust(t));
  if (anchors.length === 0) throw new CliError("USAGE", "Không có chứng thư gốc tin cậy nào (--no-default-trust cần --trust)", "no trust anchors", 2);
  const crls: Uint8Array[] = [];
  for (const c of v.crl ?? []) {
    try {
      crls.push(new Uint8Array(readFileSync(c)));
    } catch {
      throw new CliError("CRL_NOT_FOUND", `Không đọc được tệp CRL: ${c}`, `--crl ${c}: cannot read`, 2);
    }
  }
  const cacheDir = v["cache-dir"] ?? process.env.VANTHU_CACHE_DIR ?? join(homedir(), ".cache", "vanthu");
  const certCache = new FileCertificateCache(join(cacheDir, "certs"));
  return {
    anchors,
    // The G1 sub-CAs complete paths offline for tokens whose CMS carries only the signer's certificate.
    intermediates: [...(v["no-default-trust"] ? [] : await bundledIntermediates()), ...certCache.load()],
    crls,
    crlCache: new FileCrlCache(join(cacheDir, "crl")),
    fetch: v.offline ? undefined : (url: string, init?: RequestInit) => fetch(url, init),
    onIntermediate: (c) => certCache.store(c),
  };
}
