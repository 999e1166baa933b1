/**
 * Trình ký on the server (issue 11, point 3): the draft goes from the drafter to the named
 * official and back, is signed, issued by the clerk with the register's number and sent; every
 * step is recorded with who, when (QLVB) and what changed; every revision is kept.
 */
import { expect, it } from "vitest";
import { verifyAuditChain } from "../../shared/domain/audit/audit-chain.ts";
import type { Draft, DraftParticulars } from "../../shared/sync/drafts.ts";
import type { RegisterNumber } from "../../shared/sync/registers.ts";
import type { Mutation, MutationResult, OutgoingExchange } from "../../shared/sync/schemas.ts";
import { offsetQlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import {
  auth,
  clientTime,
  describeBackends,
  mutationId,
  officeWithUser,
  pullAll,
  pushOk,
  uploadWhole,
  type Env,
  type MutationInput,
  type TestUser,
} from "./harness.ts";

const qlvb = offsetQlvbClock("qlvb:test", 0);
const particulars: DraftParticulars = {
  signerName: "Nguyễn Văn Thử",
  signerTitle: "Chủ tịch",
  capacity: "direct",
  recipients: ["UBND xã An Hưng", "Lưu: VT"],
  urgency: "none",
};
const pdf = (label: string) => new TextEncoder().encode(`%PDF-1.7\n% ${label} ${Math.random()}\n%%EOF\n`);

async function one(env: Env, user: TestUser, m: MutationInput): Promise<MutationResult> {
  return (await pushOk(env, user, [{ id: mutationId(), clientTime: clientTime(), ...m } as Mutation])).results[0]!;
}
async function draftOf(env: Env, user: TestUser, id: string): Promise<Draft> {
  const res = await env.app.request(`/api/drafts/${id}`, { headers: auth(user) });
  expect(res.status).toBe(200);
  return (await res.json()) as Draft;
}

describeBackends(
  "trình ký: drafter → official → clerk → sent",
  (env) => {
    let drafter: TestUser, official: TestUser, otherLeader: TestUser, clerk: TestUser, recipient: TestUser;
    let officialId = "";
    const id = "draft-qd-1";
    let version = 0;
    let number = "";

    it("the drafter creates a draft with its file; the office pulls it", async () => {
      drafter = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
      official = await officeWithUser(env(), "UBND phường Hồng Bàng", ["leader"], { officeId: drafter.officeId });
      otherLeader = await officeWithUser(env(), "UBND phường Hồng Bàng", ["leader"], { officeId: drafter.officeId });
      clerk = drafter;
      recipient = await officeWithUser(env(), "UBND xã An Hưng", ["clerk"]);
      const officials = (await (await env().app.request("/api/drafts/officials", { headers: auth(drafter) })).json()) as {
        officials: { id: string; fullName: string }[];
      };
      expect(officials.officials).toHaveLength(2);
      officialId = (await env().storage.findUserByUsername(official.username))!.id;
      const sha = await uploadWhole(env(), drafter, pdf("dự thảo 1"));
      const r = await one(env(), drafter, {
        type: "draft.create",
        draftId: id,
        subject: "Quyết định về việc kiện toàn tổ chuyển đổi số",
        numbering: { registerId: "vb-di", typeCode: "QĐ", issuerSymbol: "UBND" },
        revision: { sha256: sha, name: "du-thao.pdf" },
        particulars,
      });
      expect(r.status).toBe("applied");
      version = r.assigned.version!;
      // The official's device (another account of the office) sees it by pull.
      const pulled = await pullAll(env(), official);
      const d = pulled.changes.filter((c) => c.entity === "draft.document" && c.id === id).at(-1)!.data as unknown as Draft;
      expect(d).toMatchObject({ state: "drafting", version: 1, number: null, revisions: [{ n: 1, kind: "draft", sha256: sha }] });
      // Who signs and to whom it goes travel with it: another văn thư's device can issue and send it.
      expect(d.particulars).toEqual(particulars);
    });

    it("a draft needs its file on the server, and a numbering the register can format", async () => {
      const noBlob = await one(env(), drafter, {
        type: "draft.create",
        draftId: "draft-x",
        subject: "x",
        numbering: { registerId: "vb-di", typeCode: "QĐ", issuerSymbol: "UBND" },
        revision: { sha256: "b".repeat(64), name: "x.pdf" },
      });
      expect(noBlob).toMatchObject({ status: "refused", error: { code: "blob_missing" } });
      const sha = await uploadWhole(env(), drafter, pdf("cv"));
      const bad = await one(env(), drafter, {
        type: "draft.create",
        draftId: "draft-y",
        subject: "x",
        numbering: { registerId: "vb-di", typeCode: "CV", issuerSymbol: "UBND" },
        revision: { sha256: sha, name: "x.pdf" },
      });
      expect(bad.status).toBe("refused");
      expect(bad.error!.messageVi).toMatch(/Công văn/);
    });

    it("submitted to a named official with a note, the draft takes the register's number (ND30 format, date of issue)", async () => {
      const r = await one(env(), drafter, { type: "draft.submit", draftId: id, baseVersion: version, officialId, note: "Kính trình Chủ tịch xem xét" });
      expect(r.status, JSON.stringify(r.error)).toBe("applied");
      expect(r.assigned.number).toMatchObject({ registerId: "vb-di", number: 1, numberAndSymbol: "01/QĐ-UBND", source: "register" });
      expect(r.assigned.number!.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      number = r.assigned.number!.numberAndSymbol;
      version = r.assigned.version!;
      const d = await draftOf(env(), official, id);
      expect(d.state).toBe("submitted");
      expect(d.official).toMatchObject({ id: officialId });
      expect(d.history.at(-1)).toMatchObject({
        step: "submit",
        from: "drafting",
        to: "submitted",
        note: "Kính trình Chủ tịch xem xét",
        numberAndSymbol: "01/QĐ-UBND",
      });
      expect(d.history.at(-1)!.at).toMatch(/\+07:00$/);
    });

    it("only the named official may return, approve or sign; a step on a stale version is a conflict", async () => {
      expect(await one(env(), otherLeader, { type: "draft.approve", draftId: id, baseVersion: version })).toMatchObject({
        status: "refused",
        error: { code: "not_named_official" },
      });
      expect(await one(env(), clerk, { type: "draft.approve", draftId: id, baseVersion: version })).toMatchObject({
        status: "refused",
        error: { code: "rule.role_forbidden" },
      });
      const stale = await one(env(), official, { type: "draft.approve", draftId: id, baseVersion: version - 1 });
      expect(stale).toMatchObject({ status: "conflict", current: { entity: "draft.document", id, version } });
      expect((stale.current!.data as unknown as Draft).state).toBe("submitted");
    });

    it("the official returns it with reasons; the drafter revises and submits again, keeping the number", async () => {
      // A comment from the drafter meanwhile does not make the official's step a conflict.
      expect((await one(env(), drafter, { type: "draft.comment", draftId: id, commentId: "c1", text: "Đã bổ sung căn cứ pháp lý" })).status).toBe("applied");
      const ret = await one(env(), official, { type: "draft.return", draftId: id, baseVersion: version, reasons: "Sửa Điều 2: thêm thời hạn thực hiện" });
      expect(ret.status).toBe("applied");
      version = ret.assigned.version!;
      const sha = await uploadWhole(env(), drafter, pdf("dự thảo 2"));
      const rev = await one(env(), drafter, {
        type: "draft.revise",
        draftId: id,
        baseVersion: version,
        revision: { sha256: sha, name: "du-thao-2.pdf" },
        note: "Đã thêm thời hạn",
      });
      version = rev.assigned.version!;
      const again = await one(env(), drafter, { type: "draft.submit", draftId: id, baseVersion: version, officialId });
      expect(again.assigned.number!.numberAndSymbol).toBe(number);
      version = again.assigned.version!;
    });

    it("approved on a phone, signed at the desk with the signed revision; the clerk issues it", async () => {
      const ok = await one(env(), official, { type: "draft.approve", draftId: id, baseVersion: version, note: "Đồng ý" });
      version = ok.assigned.version!;
      expect((await draftOf(env(), official, id)).state).toBe("approved");
      const signedSha = await uploadWhole(env(), official, pdf(`đã ký ${number}`));
      const signed = await one(env(), official, {
        type: "draft.sign",
        draftId: id,
        baseVersion: version,
        revision: { sha256: signedSha, name: "01-QD-UBND-ky.pdf" },
      });
      expect(signed.status).toBe("applied");
      version = signed.assigned.version!;
      expect(
        await one(env(), official, { type: "draft.issue", draftId: id, baseVersion: version, revision: { sha256: signedSha, name: "x.pdf" } }),
      ).toMatchObject({ status: "refused", error: { code: "rule.role_forbidden" } });
      const sealedSha = await uploadWhole(env(), clerk, pdf(`phát hành ${number}`));
      const issued = await one(env(), clerk, {
        type: "draft.issue",
        draftId: id,
        baseVersion: version,
        revision: { sha256: sealedSha, name: "01-QD-UBND-2026.pdf" },
      });
      expect(issued.status).toBe("applied");
      version = issued.assigned.version!;
    });

    it("sent with the register's number and the issued file only; the draft becomes sent", async () => {
      const d = await draftOf(env(), clerk, id);
      const issued = d.revisions.at(-1)!;
      const [codeNumber, codeNotation] = [number.split("/")[0]!, number.split("/")[1]!];
      const send = (header: { codeNumber: string; codeNotation: string }, sha256: string): MutationInput => ({
        type: "exchange.send",
        documentRef: id,
        draftId: id,
        recipients: [recipient.officeId],
        header: { ...header, subject: d.subject, promulgationDate: d.number!.issueDate },
        blobs: [{ sha256, name: "01-QD-UBND.pdf", contentType: "application/pdf", role: "main" }],
      });
      expect(await one(env(), clerk, send({ codeNumber: "125", codeNotation }, issued.sha256))).toMatchObject({
        status: "refused",
        error: { code: "number_mismatch" },
      });
      expect(await one(env(), clerk, send({ codeNumber, codeNotation }, d.revisions[0]!.sha256))).toMatchObject({
        status: "refused",
        error: { code: "file_mismatch" },
      });
      const sent = await one(env(), clerk, send({ codeNumber, codeNotation }, issued.sha256));
      expect(sent.status, JSON.stringify(sent.error)).toBe("applied");
      const after = await draftOf(env(), clerk, id);
      expect(after.state).toBe("sent");
      expect(after.exchangeId).toBe(sent.assigned.exchangeId);
      const out = (await (await env().app.request(`/api/exchange/outgoing/${sent.assigned.exchangeId}`, { headers: auth(clerk) })).json()) as OutgoingExchange;
      expect(`${out.header.codeNumber}/${out.header.codeNotation}`).toBe("01/QĐ-UBND");
    });

    it("every step is in the draft's history with who and when; every revision is kept; the audit chain has each act", async () => {
      const d = await draftOf(env(), clerk, id);
      expect(d.history.map((h) => h.step)).toEqual(["create", "submit", "return", "revise", "submit", "approve", "sign", "issue", "send"]);
      expect(d.history.find((h) => h.step === "return")).toMatchObject({ reasons: "Sửa Điều 2: thêm thời hạn thực hiện", by: { id: officialId } });
      expect(d.revisions.map((r) => r.kind)).toEqual(["draft", "draft", "signed", "issued"]);
      expect(d.comments).toEqual([expect.objectContaining({ id: "c1", text: "Đã bổ sung căn cứ pháp lý" })]);
      for (const h of d.history) expect(h.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00$/);
      const entries = await env().storage.audit.list(clerk.officeId);
      const actions = entries.map((e) => e.action);
      for (const a of ["draft", "signing", "issue", "send"]) expect(actions).toContain(a);
      expect(entries.find((e) => e.action === "signing")!.subject?.label).toBe("01/QĐ-UBND");
      expect((await verifyAuditChain(entries)).ok).toBe(true);
      // The recipient's chain has the arrival.
      expect((await env().storage.audit.list(recipient.officeId)).map((e) => e.action)).toContain("receive");
    });

    it("a cancelled draft cancels its number with the reason: the register keeps it, none disappears", async () => {
      const sha = await uploadWhole(env(), drafter, pdf("dự thảo hủy"));
      await one(env(), drafter, {
        type: "draft.create",
        draftId: "draft-cancel",
        subject: "Dự thảo sẽ hủy",
        numbering: { registerId: "vb-di", typeCode: "QĐ", issuerSymbol: "UBND" },
        revision: { sha256: sha, name: "x.pdf" },
      });
      const sub = await one(env(), drafter, { type: "draft.submit", draftId: "draft-cancel", baseVersion: 1, officialId });
      expect(sub.assigned.number!.number).toBe(2);
      const c = await one(env(), drafter, { type: "draft.cancel", draftId: "draft-cancel", baseVersion: sub.assigned.version!, reason: "Không ban hành nữa" });
      expect(c.status).toBe("applied");
      const reg = (await (await env().app.request("/api/registers/vb-di/numbers", { headers: auth(clerk) })).json()) as { numbers: RegisterNumber[] };
      expect(reg.numbers.map((n) => [n.number, n.state])).toEqual([
        [1, "assigned"],
        [2, "cancelled"],
      ]);
      expect(reg.numbers[1]!.cancelReason).toContain("Không ban hành nữa");
      expect(await one(env(), drafter, { type: "draft.submit", draftId: "draft-cancel", baseVersion: c.assigned.version!, officialId })).toMatchObject({
        status: "refused",
        error: { code: "draft_wrong_state" },
      });
    });
  },
  { clock: qlvb },
);
