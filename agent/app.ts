/**
 * The token agent as a Hono app over web-standard Request/Response: `createAgentApp(deps)`.
 * Tests drive it with app.request(); server.ts puts it on 127.0.0.1 with the Node adapter.
 *
 * Guards, in order: host (DNS rebinding) → CORS/PNA for paired origins → on /v1 (except
 * status): paired Origin, pairing token, JSON body, rate limits. The agent's own pages
 * (/pair, /consent) take form posts only from themselves and cannot be framed.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import {
  AGENT_PROTOCOL_VERSION,
  CreateSignRequestSchema,
  PairFormSchema,
  pairingCodeFromHash,
  type AgentError,
  type CertificateInfo,
  type StatusResponse,
} from "../shared/agent-protocol/index.ts";
import { VanthuError } from "../shared/errors.ts";
import { hostGuard } from "./guards/host/index.ts";
import { corsForPairedOrigins } from "./guards/cors/index.ts";
import { requirePairedOrigin } from "./guards/paired-origin/index.ts";
import { requirePairingToken } from "./guards/pairing-token/index.ts";
import { requireJsonBody } from "./guards/json-body/index.ts";
import { RateLimiter, rateLimit } from "./guards/rate-limit/index.ts";
import { requireOwnOriginForm } from "./guards/page-form/index.ts";
import { refuseClassified } from "./guards/classified/index.ts";
import { agentError, errorResponse, ownOrigins, type AgentEnv } from "./http.ts";
import type { PairingStore } from "./pairing/store.ts";
import type { SigningLog, SigningLogEntry } from "./log/signing-log.ts";
import type { TokenProvider } from "./tokens/provider.ts";
import { checkSigningCertificate, describeCertificate, isoVietnam, toAgentError } from "./certificates/index.ts";
import { SignRequests, viewOf, type SignRequestRecord } from "./signing/requests.ts";
import { signedAttributesProblem } from "./signing/signed-attributes.ts";
import { consentPage, consentResultPage, homePage, messagePage, pageHeaders, pairPage, type PendingPairingView } from "./pages/html.ts";
import { TokenError } from "./pkcs11/errors.ts";

export interface AgentLimits {
  /** New sign requests per pairing per minute. */
  signRequestsPerMinute: number;
  /** Sign requests awaiting consent per pairing at once. */
  awaitingPerPairing: number;
  /** Pairing attempts (form posts to /pair) per minute, whole agent. */
  pairingAttemptsPerMinute: number;
  /** PIN entries per minute, whole agent. */
  pinAttemptsPerMinute: number;
  /** Wrong PINs before one sign request is failed (the token's own counter is the real limit). */
  wrongPinsPerRequest: number;
  /** A sign request not consented to within this expires. */
  requestTtlMs: number;
  pairingTtlMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS = {
  signRequestsPerMinute: 30,
  awaitingPerPairing: 5,
  pairingAttemptsPerMinute: 10,
  pinAttemptsPerMinute: 5,
  wrongPinsPerRequest: 3,
  requestTtlMs: 5 * 60_000,
  pairingTtlMs: 5 * 60_000,
  maxBodyBytes: 24 * 1024 * 1024,
} satisfies AgentLimits;

export interface AgentEvents {
  /** After each document of a batch is signed (progress on the console). */
  documentSigned?(e: { requestId: string; index: number; total: number }): void | Promise<void>;
  /** After a batch ends, signed or not. */
  batchFinished?(e: { requestId: string; origin: string; signed: number; total: number; certificate: string; error?: AgentError }): void;
}

export interface AgentDeps {
  /** The port the agent listens on (a function: known only after listening on port 0). */
  port: number | (() => number);
  tokens: TokenProvider;
  pairings: PairingStore;
  log: SigningLog;
  now?: () => Date;
  version?: string;
  limits?: Partial<AgentLimits>;
  events?: AgentEvents;
  /** Demo mode: the demo CA's current CRL, served at /demo/ca.crl. */
  demoCrl?: () => Promise<Uint8Array>;
}

interface PendingPairing extends PendingPairingView {
  tokenHash: string;
  code: string;
  expiresAt: number;
  attempts: number;
}

export function createAgentApp(deps: AgentDeps) {
  const limits: AgentLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? (() => new Date());
  const nowMs = () => now().getTime();
  const port = typeof deps.port === "function" ? deps.port : () => deps.port as number;
  const agentOrigin = () => `http://127.0.0.1:${port()}`;
  const demo = deps.tokens.module.demo;
  const requests = new SignRequests(now, limits.requestTtlMs);
  const pending = new Map<string, PendingPairing>();
  const signLimiter = new RateLimiter(limits.signRequestsPerMinute, 60_000, nowMs);
  const pairLimiter = new RateLimiter(limits.pairingAttemptsPerMinute, 60_000, nowMs);
  const pinLimiter = new RateLimiter(limits.pinAttemptsPerMinute, 60_000, nowMs);
  const isPaired = (o: string) => deps.pairings.isPaired(o);
  const html = (c: Context, body: string, status: 200 | 400 | 403 | 404 | 410 | 429 = 200) => c.body(body, status, pageHeaders);
  const logEntry = (e: Omit<SigningLogEntry, "at">) => deps.log.append({ at: isoVietnam(now()), ...e });

  const app = new Hono<AgentEnv>();
  app.use("*", hostGuard({ port }));
  app.use("*", async (c, next) => {
    await next();
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  });
  app.onError((err, c) => errorResponse(c, 500, toAgentError(err)));

  // ---- Demo CA's CRL ------------------------------------------------------------------
  // Public data, as any CA's CRL is: readable by the PWA and by `vanthu verify` alike.
  if (deps.demoCrl) {
    const demoCrl = deps.demoCrl;
    app.get("/demo/ca.crl", async (c) => c.body((await demoCrl()).slice().buffer as ArrayBuffer, 200, { "Content-Type": "application/pkix-crl", "Access-Control-Allow-Origin": "*" }));
  }

  // ---- API -------------------------------------------------------------------------
  app.use("/v1/*", corsForPairedOrigins({ isPaired }));

  app.get("/v1/status", async (c) => {
    const origin = c.req.header("origin");
    let paired = false;
    const m = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "");
    if (origin && m) {
      const h = createHash("sha256").update(m[1]!).digest("hex");
      paired = deps.pairings.pairingsFor(origin).some((p) => sameSecret(p.tokenHash, h));
    }
    const body: StatusResponse = { agent: "vanthu-agent", version: deps.version ?? "0.1.0", protocolVersion: AGENT_PROTOCOL_VERSION, paired };
    if (paired) {
      body.module = deps.tokens.module;
      body.tokens = await deps.tokens.listTokens().catch(() => []);
    }
    // Readable by any page so the PWA can tell the agent runs; it says nothing else unpaired.
    if (origin && origin !== "null") c.header("Access-Control-Allow-Origin", origin);
    return c.json(body);
  });

  app.use("/v1/*", requirePairedOrigin({ isPaired }));
  app.use("/v1/*", requirePairingToken({ pairingsFor: (o) => deps.pairings.pairingsFor(o) }));
  app.use("/v1/*", requireJsonBody({ maxBytes: limits.maxBodyBytes }));
  app.use("/v1/*", bodyLimit({ maxSize: limits.maxBodyBytes, onError: (c) => errorResponse(c, 413, agentError("agent.body-too-large", "Yêu cầu quá lớn: hãy chia thành nhiều lô nhỏ hơn.", "body too large")) }));

  async function certificates(): Promise<CertificateInfo[]> {
    const list = await deps.tokens.listCertificates();
    return list.map((tc) => describeCertificate(tc, now(), demo));
  }

  app.get("/v1/certificates", async (c) => {
    try {
      return c.json({ certificates: await certificates() });
    } catch (e) {
      return errorResponse(c, 503, toAgentError(e));
    }
  });

  app.post(
    "/v1/sign-requests",
    rateLimit({ limiter: signLimiter, key: (c) => (c as Context<AgentEnv>).get("pairing").id, what: "yêu cầu ký" }),
    // R9 first, before anything of the request is kept.
    refuseClassified({ onRefused: (origin) => logEntry({ event: "batch-refused", origin, error: { code: "domain.classified", messageEn: "classified document refused (R9)" } }) }),
    async (c) => {
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        return errorResponse(c, 400, agentError("agent.bad-json", "Yêu cầu ký không đọc được (JSON hỏng).", "malformed JSON"));
      }
      const parsed = CreateSignRequestSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? `${issue.path.join(".")}: ${issue.message}` : "invalid";
        return errorResponse(c, 400, agentError("agent.invalid-request", `Yêu cầu ký không hợp lệ (${where}).`, `invalid sign request: ${where}`));
      }
      const req = parsed.data;
      const documents = [];
      for (const [i, d] of req.documents.entries()) {
        const der = new Uint8Array(Buffer.from(d.signedAttributes, "base64"));
        const problem = signedAttributesProblem(der);
        if (problem) {
          return errorResponse(c, 400, agentError("agent.invalid-request", `Văn bản thứ ${i + 1}: dữ liệu cần ký không phải thuộc tính ký CMS.`, `documents.${i}.signedAttributes: ${problem}`));
        }
        documents.push({ title: d.title, ...(d.number ? { number: d.number } : {}), sha256: d.sha256, signatureType: d.signatureType, signedAttributes: der });
      }
      let list: CertificateInfo[];
      try {
        list = await certificates();
      } catch (e) {
        return errorResponse(c, 503, toAgentError(e));
      }
      const cert = list.find((x) => x.id === req.certificateId);
      if (!cert) {
        return errorResponse(
          c,
          404,
          list.length === 0
            ? toAgentError(new TokenError("token.not-present", "Không thấy thiết bị ký số (USB token) nào. Hãy cắm token rồi thử lại.", "no token present"))
            : agentError("token.certificate-not-found", "Không tìm thấy chứng thư số đã chọn trên thiết bị ký số đang cắm.", `certificate ${req.certificateId} not on any token`),
        );
      }
      // R10: refuse an expired / not-yet-valid / wrong-usage certificate before any PIN.
      if (!cert.usable) return errorResponse(c, 422, cert.unusableReason!);
      const pairing = c.get("pairing");
      if (requests.awaitingFor(pairing.id) >= limits.awaitingPerPairing) {
        return errorResponse(c, 429, agentError("agent.rate-limited", "Đã có quá nhiều yêu cầu ký đang chờ xác nhận: hãy xử lý chúng trước.", "too many sign requests awaiting consent"));
      }
      const rec = requests.create({
        pairingId: pairing.id,
        origin: pairing.origin,
        certificate: cert,
        signatureAlgorithm: cert.keyAlgorithm === "EC" ? "ECDSA" : "RSASSA-PKCS1-v1_5",
        documents,
      });
      return c.json({ id: rec.id, consentUrl: `${agentOrigin()}/consent/${rec.id}`, expiresAt: isoVietnam(rec.expiresAt) }, 201);
    },
  );

  const ownRequest = (c: Context<AgentEnv>) => {
    const r = requests.get(c.req.param("id") ?? "");
    return r && r.pairingId === c.get("pairing").id ? r : undefined;
  };
  const notFound = (c: Context) => errorResponse(c, 404, agentError("agent.request-not-found", "Không có yêu cầu ký này (có thể đã hết hạn).", "sign request not found"));

  app.get("/v1/sign-requests/:id", (c) => {
    const r = ownRequest(c);
    return r ? c.json(viewOf(r)) : notFound(c);
  });

  app.delete("/v1/sign-requests/:id", (c) => {
    const r = ownRequest(c);
    if (!r) return notFound(c);
    if (r.state === "awaiting-consent") cancel(r, agentError("agent.request-cancelled", "Ứng dụng đã hủy yêu cầu ký.", "cancelled by the application"));
    return c.json(viewOf(r));
  });

  app.delete("/v1/pairing", (c) => {
    const p = c.get("pairing");
    deps.pairings.remove(p.id);
    logEntry({ event: "unpaired", origin: p.origin });
    return c.json({ unpaired: true });
  });

  app.all("/v1/*", (c) => errorResponse(c, 404, agentError("agent.not-found", "Không có chức năng này.", "no such API route")));

  // ---- pairing (the agent's own pages) -------------------------------------------------
  // The agent's pages take small forms only.
  for (const path of ["/pair", "/pair/*", "/consent/*", "/pairings/*"]) {
    app.use(path, bodyLimit({ maxSize: 64 * 1024, onError: (c) => html(c, messagePage("Không thực hiện", "Biểu mẫu quá lớn.", demo, "error", "error"), 400) }));
  }
  // Form posts to the agent's own pages come only from those pages (not /pair itself, which the PWA posts to).
  const ownForm = requireOwnOriginForm({ ownOrigins: () => ownOrigins(port()) });

  app.post("/pair", async (c) => {
    const origin = c.req.header("origin") ?? "";
    const refuse = (e: AgentError, status: 400 | 403 | 429 = 400) => html(c, messagePage("Không ghép nối được", e.messageVi, demo, "error", "error"), status);
    if (!pairLimiter.take("pair")) return refuse(agentError("agent.rate-limited", "Quá nhiều yêu cầu ghép nối: hãy đợi một phút.", "pairing rate limit"), 429);
    if (!acceptableOrigin(origin) || ownOrigins(port()).includes(origin)) {
      return refuse(agentError("agent.origin-refused", "Địa chỉ trang web đề nghị ghép nối không hợp lệ (phải là https, hoặc http trên chính máy này).", `origin ${JSON.stringify(origin)} cannot pair`), 403);
    }
    const form = PairFormSchema.safeParse(await c.req.parseBody().catch(() => ({})));
    if (!form.success) return refuse(agentError("agent.invalid-request", "Yêu cầu ghép nối thiếu thông tin.", "invalid pairing form"));
    for (const [id, p] of pending) if (p.expiresAt < nowMs()) pending.delete(id);
    if (pending.size >= 20) return refuse(agentError("agent.rate-limited", "Quá nhiều yêu cầu ghép nối đang chờ.", "too many pending pairings"), 429);
    const id = randomBytes(16).toString("base64url");
    pending.set(id, {
      id,
      origin,
      appName: form.data.appName,
      csrf: randomBytes(24).toString("base64url"),
      tokenHash: form.data.tokenHash,
      code: pairingCodeFromHash(form.data.tokenHash),
      expiresAt: nowMs() + limits.pairingTtlMs,
      attempts: 0,
    });
    return c.redirect(`/pair/${id}`, 303);
  });

  const pendingPairing = (id: string) => {
    const p = pending.get(id);
    if (p && p.expiresAt < nowMs()) {
      pending.delete(id);
      return undefined;
    }
    return p;
  };

  app.get("/pair/:id", (c) => {
    const p = pendingPairing(c.req.param("id"));
    if (!p) return html(c, messagePage("Không ghép nối được", "Yêu cầu ghép nối không còn (đã hết hạn hoặc đã xử lý). Hãy bắt đầu lại từ ứng dụng.", demo, "error", "error"), 410);
    return html(c, pairPage(p, demo));
  });

  app.post("/pair/:id", ownForm, async (c) => {
    const p = pendingPairing(c.req.param("id"));
    if (!p) return html(c, messagePage("Không ghép nối được", "Yêu cầu ghép nối không còn (đã hết hạn hoặc đã xử lý). Hãy bắt đầu lại từ ứng dụng.", demo, "error", "error"), 410);
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), p.csrf)) return html(c, messagePage("Không ghép nối được", "Biểu mẫu không hợp lệ.", demo, "error", "error"), 403);
    if (form.action === "reject") {
      pending.delete(p.id);
      return html(c, messagePage("Đã từ chối ghép nối", `Đã từ chối: ${p.origin} không được dùng thiết bị ký số.`, demo, "ok", "rejected"));
    }
    if (!sameSecret(String(form.code ?? "").trim(), p.code)) {
      p.attempts++;
      if (p.attempts >= 3) {
        pending.delete(p.id);
        return html(c, messagePage("Không ghép nối được", "Nhập sai mã ghép nối quá 3 lần: yêu cầu đã bị hủy. Hãy bắt đầu lại từ ứng dụng.", demo, "error", "error"), 403);
      }
      return html(c, pairPage(p, demo, agentError("agent.pairing-code-wrong", "Mã ghép nối không đúng: hãy nhập đúng mã đang hiển thị trong ứng dụng.", "wrong pairing code")), 400);
    }
    pending.delete(p.id);
    deps.pairings.add({ origin: p.origin, appName: p.appName, tokenHash: p.tokenHash, pairedAt: isoVietnam(now()) });
    logEntry({ event: "paired", origin: p.origin });
    return html(c, messagePage("Đã ghép nối", `Đã ghép nối: ${p.origin} có thể gửi yêu cầu ký; mỗi lần ký bạn vẫn phải xác nhận và nhập mã PIN tại đây.`, demo, "ok", "paired"));
  });

  // ---- consent and PIN (the agent's own page) ---------------------------------------

  const gone = (c: Context) => html(c, messagePage("Không có yêu cầu ký", "Yêu cầu ký không còn (đã hết hạn hoặc không tồn tại). Hãy gửi lại từ ứng dụng.", demo, "error", "error"), 404);

  app.get("/consent/:id", (c) => {
    const r = requests.get(c.req.param("id"));
    if (!r) return gone(c);
    if (r.state !== "awaiting-consent") return html(c, consentResultPage(r, demo));
    return html(c, consentPage(r, demo));
  });

  app.post("/consent/:id", ownForm, async (c) => {
    const r = requests.get(c.req.param("id"));
    if (!r) return gone(c);
    if (r.state !== "awaiting-consent") return html(c, consentResultPage(r, demo), 410);
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), r.csrf)) return html(c, messagePage("Không ký", "Biểu mẫu không hợp lệ.", demo, "error", "error"), 403);
    if (form.action === "reject") {
      cancel(r, agentError("agent.request-refused", "Người dùng đã từ chối ký.", "the person refused to sign"));
      logEntry({ event: "batch-refused", origin: r.origin, requestId: r.id, certificate: certSummary(r), documents: docSummary(r) });
      return html(c, consentResultPage(r, demo));
    }
    const pin = typeof form.pin === "string" ? form.pin : "";
    if (!pinLimiter.take("pin")) {
      return html(c, consentPage(r, demo, agentError("agent.rate-limited", "Nhập mã PIN quá nhiều lần trong một phút: hãy đợi rồi thử lại.", "PIN rate limit")), 429);
    }
    if (pin.length === 0) return html(c, consentPage(r, demo, agentError("token.pin-invalid", "Hãy nhập mã PIN.", "empty PIN")), 400);
    const problem = checkSigningCertificate(new Uint8Array(Buffer.from(r.certificate.certificate, "base64")), now());
    if (problem) {
      fail(r, toAgentError(problem));
      return html(c, consentResultPage(r, demo));
    }
    // One batch at a time: tokens share one login state per process, and a second login
    // would log the first batch out. A double-submitted form finds the request taken.
    return exclusive(async () => {
      if (r.state !== "awaiting-consent") return html(c, consentResultPage(r, demo), 410);
      return consentWithPin(c, r, pin);
    });
  });

  let tokenLock: Promise<unknown> = Promise.resolve();
  function exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = tokenLock.then(f, f);
    tokenLock = run.catch(() => undefined);
    return run;
  }

  async function consentWithPin(c: Context, r: SignRequestRecord, pin: string): Promise<Response> {
    let signer;
    try {
      signer = await deps.tokens.openSigner(r.certificate.id, pin);
    } catch (e) {
      const err = toAgentError(e);
      logEntry({ event: "pin-refused", origin: r.origin, requestId: r.id, certificate: certSummary(r), error: { code: err.code, messageEn: err.messageEn } });
      if (err.code === "token.pin-incorrect") {
        r.wrongPins++;
        if (r.wrongPins >= limits.wrongPinsPerRequest) {
          fail(r, agentError("agent.too-many-wrong-pins", `Nhập sai mã PIN ${r.wrongPins} lần: yêu cầu ký đã bị hủy để thiết bị không bị khóa. Hãy kiểm tra mã PIN rồi gửi lại yêu cầu.`, "too many wrong PINs for this request"));
          return html(c, consentResultPage(r, demo));
        }
        return html(c, consentPage(r, demo, err), 400);
      }
      if (err.code === "token.not-present" || err.code === "token.removed" || err.code === "token.certificate-not-found" || err.code === "token.pin-invalid") {
        return html(c, consentPage(r, demo, err), 400);
      }
      fail(r, err);
      return html(c, consentResultPage(r, demo));
    }
    await signBatch(r, signer);
    return html(c, consentResultPage(r, demo));
  }

  // ---- home: what runs, which sites are paired; unpairing from the agent's side --------
  const homeCsrf = randomBytes(24).toString("base64url");
  const home = (c: Context) => html(c, homePage({ origin: agentOrigin(), module: deps.tokens.module, pairings: [...deps.pairings.list()], csrf: homeCsrf }));
  app.get("/", (c) => home(c));
  app.post("/pairings/:id/remove", ownForm, async (c) => {
    const form = await c.req.parseBody();
    if (!sameSecret(String(form.csrf ?? ""), homeCsrf)) return html(c, messagePage("Không thực hiện", "Biểu mẫu không hợp lệ.", demo, "error", "error"), 403);
    const p = deps.pairings.list().find((x) => x.id === c.req.param("id"));
    if (p) {
      deps.pairings.remove(p.id);
      logEntry({ event: "unpaired", origin: p.origin });
    }
    return home(c);
  });

  async function signBatch(r: SignRequestRecord, signer: Awaited<ReturnType<TokenProvider["openSigner"]>>): Promise<void> {
    r.state = "signing";
    try {
      for (let i = 0; i < r.documents.length; i++) {
        const d = r.documents[i]!;
        try {
          const { signature } = await signer.sign(d.signedAttributes);
          r.results[i] = { index: i, sha256: d.sha256, status: "signed", signature: Buffer.from(signature).toString("base64"), signedAt: isoVietnam(now()) };
          await deps.events?.documentSigned?.({ requestId: r.id, index: i, total: r.documents.length });
        } catch (e) {
          // What is signed stays signed; this one and the rest are reported failed.
          const err = toAgentError(e);
          for (let j = i; j < r.documents.length; j++) r.results[j] = { index: j, sha256: r.documents[j]!.sha256, status: "failed", error: err };
          break;
        }
      }
    } finally {
      await signer.close().catch(() => undefined);
    }
    const failed = r.results.find((x) => x.status === "failed");
    r.state = failed ? "failed" : "completed";
    if (failed?.status === "failed") r.error = failed.error;
    deps.events?.batchFinished?.({
      requestId: r.id,
      origin: r.origin,
      signed: r.results.filter((x) => x.status === "signed").length,
      total: r.results.length,
      certificate: r.certificate.commonName,
      ...(r.error ? { error: r.error } : {}),
    });
    logEntry({
      event: failed ? "batch-failed" : "batch-signed",
      origin: r.origin,
      requestId: r.id,
      certificate: certSummary(r),
      documents: docSummary(r),
      ...(failed?.status === "failed" ? { error: { code: failed.error.code, messageEn: failed.error.messageEn } } : {}),
    });
  }

  function fail(r: SignRequestRecord, err: AgentError): void {
    r.state = "failed";
    r.error = err;
    r.results = r.results.map((x) => (x.status === "signed" ? x : { index: x.index, sha256: x.sha256, status: "failed", error: err }));
    logEntry({ event: "batch-failed", origin: r.origin, requestId: r.id, certificate: certSummary(r), documents: docSummary(r), error: { code: err.code, messageEn: err.messageEn } });
  }

  function cancel(r: SignRequestRecord, err: AgentError): void {
    r.state = "cancelled";
    r.error = err;
    r.results = r.results.map((x) => ({ index: x.index, sha256: x.sha256, status: "failed", error: err }));
  }

  return app;
}

function certSummary(r: SignRequestRecord): SigningLogEntry["certificate"] {
  return { id: r.certificate.id, subject: r.certificate.subject, serialNumber: r.certificate.serialNumber, isDemo: r.certificate.isDemo };
}

function docSummary(r: SignRequestRecord): SigningLogEntry["documents"] {
  return r.documents.map((d, i) => {
    const res = r.results[i];
    return {
      sha256: d.sha256,
      title: d.title,
      ...(d.number ? { number: d.number } : {}),
      signatureType: d.signatureType,
      status: res?.status === "signed" ? "signed" : r.state === "cancelled" ? "refused" : "failed",
    };
  });
}

/** https anywhere, http only on this machine (a PWA served by `npm start`). */
function acceptableOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.origin !== origin) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]");
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

export type AgentApp = ReturnType<typeof createAgentApp>;
export { VanthuError };
