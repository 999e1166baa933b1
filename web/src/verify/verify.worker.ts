/// <reference lib="webworker" />
import { verifyPdf } from "../../../shared/verify/index.ts";
import { bundledTrustAnchors, parseCertificates } from "../../../shared/trust/index.ts";
import type { CrlCache } from "../../../shared/pki/revocation.ts";
import { openVanthuDb } from "../db/schema.ts";
import type { VerifyProgressMessage, VerifyRequest, VerifyResponse } from "./protocol.ts";
import { summariseReport } from "./summarise.ts";
import { revocationFetch } from "./revocation-fetch.ts";

/**
 * Verification off the main thread (R10). Trust anchors: the bundled government roots plus
 * the office's own; CRLs come from the IndexedDB cache (R13: offline), and are fetched and
 * cached when the network is there and the CRL server answers the browser.
 */
const db = openVanthuDb();
const crlCache: CrlCache = {
  async get(url) {
    const v = (await db.meta.get(`crl:${url}`))?.value as { der: Uint8Array } | undefined;
    return v?.der;
  },
  async put(url, der) {
    await db.meta.put({ key: `crl:${url}`, value: { der, fetchedAt: new Date().toISOString() } });
  },
};

self.onmessage = async (ev: MessageEvent<VerifyRequest>) => {
  const req = ev.data;
  const reply = (r: Omit<VerifyResponse, "id">) => (self as unknown as Worker).postMessage({ id: req.id, ...r } satisfies VerifyResponse);
  // A few messages a second at most: the page redraws a bar, the hashing goes on here.
  let told = 0;
  const onProgress = (progress: VerifyProgressMessage["progress"]) => {
    const now = performance.now();
    if (now - told < 150 && progress.bytesDone < progress.bytesTotal) return;
    told = now;
    (self as unknown as Worker).postMessage({ id: req.id, progress } satisfies VerifyProgressMessage);
  };
  try {
    const anchors = [...(await bundledTrustAnchors()), ...req.trustAnchors.flatMap((der) => parseCertificates(der))];
    const report = await verifyPdf(req.pdf, {
      trustAnchors: anchors,
      crls: req.crls.map((c) => c.der),
      crlCache,
      fetch: navigator.onLine
        ? revocationFetch((u, i) => fetch(u, i), self.location.origin, ((await db.meta.get("session"))?.value as { token?: string } | undefined)?.token)
        : undefined,
      now: req.at ? new Date(req.at) : undefined,
      onProgress,
    } as Parameters<typeof verifyPdf>[1]);
    reply({ ok: true, ...summariseReport(report) });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const vi = (e as { messageVi?: string }).messageVi;
    reply({ ok: false, verdict: "error", summaryVi: vi ?? "Không kiểm tra được chữ ký số của tệp này.", signatures: [], report: null, errorEn: msg });
  }
};
