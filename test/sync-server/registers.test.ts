/**
 * Numbers from the office's register (issue 11, point 4): one sequence per register per year,
 * none shared, none lost — with devices reserving at once, drafts submitted at once, reserved
 * numbers used offline, cancelled with a reason, and a reservation outliving its year.
 */
import { expect, it } from "vitest";
import type { RegisterNumber } from "../../shared/sync/registers.ts";
import type { IncomingDelivery, Mutation, MutationResult } from "../../shared/sync/schemas.ts";
import type { QlvbClock } from "../../sync-server/clock/qlvb-clock.ts";
import {
  auth,
  clientTime,
  describeBackends,
  mutationId,
  officeWithUser,
  pullAll,
  uploadWhole,
  type Env,
  type MutationInput,
  type TestUser,
  login,
} from "./harness.ts";

let now = new Date("2026-11-29T09:00:00+07:00");
const clock: QlvbClock = { source: "test", now: () => now };

async function pushFrom(env: Env, user: TestUser, clientId: string, mutations: MutationInput[]): Promise<MutationResult[]> {
  const body = { clientId, mutations: mutations.map((m) => ({ id: mutationId(), clientTime: clientTime(), ...m })) };
  const res = await env.app.request("/api/sync/push", {
    method: "POST",
    headers: auth(user, { "content-type": "application/json" }),
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: MutationResult[] }).results;
}
async function register(env: Env, user: TestUser, year: number): Promise<RegisterNumber[]> {
  return ((await (await env.app.request(`/api/registers/vb-di/numbers?year=${year}`, { headers: auth(user) })).json()) as { numbers: RegisterNumber[] })
    .numbers;
}

describeBackends(
  "register numbers",
  (env) => {
    let clerk: TestUser, leader: TestUser;
    let leaderId = "";
    let sha = "";

    it("two devices reserving blocks at the same moment get disjoint numbers, and the register has every one", async () => {
      now = new Date("2026-11-29T09:00:00+07:00");
      clerk = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
      leader = await officeWithUser(env(), "UBND phường Hồng Bàng", ["leader"], { officeId: clerk.officeId });
      leaderId = (await env().storage.findUserByUsername(leader.username))!.id;
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => pushFrom(env(), clerk, i % 2 ? "laptop" : "desktop", [{ type: "number.reserve", registerId: "vb-di", count: 5 }])),
      );
      const numbers = answers.flatMap((r) => r[0]!.assigned.reserved!.numbers);
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const reg = await register(env(), clerk, 2026);
      expect(reg.map((n) => n.state)).toEqual(Array(40).fill("reserved"));
      expect(reg[0]!.reservedForClient).toMatch(/^(laptop|desktop)$/);
      // A leader does not hand out numbers.
      expect((await pushFrom(env(), leader, "phone", [{ type: "number.reserve", registerId: "vb-di", count: 1 }]))[0]).toMatchObject({
        status: "refused",
        error: { code: "rule.role_forbidden" },
      });
    });

    it("drafts submitted at once, some with reserved numbers from offline and some taking the next: no number twice", async () => {
      sha = await uploadWhole(env(), clerk, new TextEncoder().encode(`%PDF-1.7\n% ${Math.random()}\n%%EOF\n`));
      const ids = Array.from({ length: 20 }, (_, i) => `d-${i}`);
      for (const id of ids) {
        const [r] = await pushFrom(env(), clerk, "desktop", [
          {
            type: "draft.create",
            draftId: id,
            subject: `Dự thảo ${id}`,
            numbering: { registerId: "vb-di", typeCode: "TB", issuerSymbol: "UBND" },
            revision: { sha256: sha, name: "x.pdf" },
          },
        ]);
        expect(r!.status).toBe("applied");
      }
      // Even ones use reservations 1..10 (two devices), odd ones take fresh numbers; all pushed at the same time.
      const results = await Promise.all(
        ids.map((id, i) =>
          pushFrom(env(), clerk, i % 4 < 2 ? "laptop" : "desktop", [
            {
              type: "draft.submit",
              draftId: id,
              baseVersion: 1,
              officialId: leaderId,
              ...(i % 2 === 0 ? { reservedNumber: { year: 2026, number: i / 2 + 1 } } : {}),
            },
          ]),
        ),
      );
      const given = results.map((r) => r[0]!.assigned.number!);
      expect(results.every((r) => r[0]!.status === "applied")).toBe(true);
      expect(new Set(given.map((n) => n.number)).size).toBe(20);
      expect(
        given
          .filter((n) => n.source === "reserved")
          .map((n) => n.number)
          .sort((a, b) => a - b),
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(
        given
          .filter((n) => n.source === "register")
          .map((n) => n.number)
          .sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 10 }, (_, i) => 41 + i));
      expect(given.find((n) => n.number === 7)!.numberAndSymbol).toBe("07/TB-UBND");
    });

    it("a reserved number already used, or never reserved, is refused (never given twice)", async () => {
      const [r] = await pushFrom(env(), clerk, "desktop", [
        {
          type: "draft.create",
          draftId: "d-dup",
          subject: "x",
          numbering: { registerId: "vb-di", typeCode: "TB", issuerSymbol: "UBND" },
          revision: { sha256: sha, name: "x.pdf" },
        },
      ]);
      expect(r!.status).toBe("applied");
      for (const n of [3, 999]) {
        const [s] = await pushFrom(env(), clerk, "laptop", [
          { type: "draft.submit", draftId: "d-dup", baseVersion: 1, officialId: leaderId, reservedNumber: { year: 2026, number: n } },
        ]);
        expect(s).toMatchObject({ status: "refused", error: { code: "number_not_reserved" } });
      }
    });

    it("a reservation not used is cancelled with its reason; a reservation cannot outlive its year", async () => {
      const [c] = await pushFrom(env(), clerk, "laptop", [
        { type: "number.cancel", registerId: "vb-di", year: 2026, number: 40, reason: "Máy tính xách tay hỏng, không dùng số đã giữ" },
      ]);
      expect(c!.status).toBe("applied");
      const [again] = await pushFrom(env(), clerk, "laptop", [{ type: "number.cancel", registerId: "vb-di", year: 2026, number: 40, reason: "x" }]);
      expect(again).toMatchObject({ status: "refused", error: { code: "number_not_cancellable" } });
      now = new Date("2027-01-02T08:00:00+07:00");
      try {
        clerk.token = await login(env(), clerk.username, clerk.password); // the 2026 session has expired
        const [late] = await pushFrom(env(), clerk, "laptop", [
          { type: "draft.submit", draftId: "d-dup", baseVersion: 1, officialId: leaderId, reservedNumber: { year: 2026, number: 39 } },
        ]);
        expect(late).toMatchObject({ status: "refused", error: { code: "number_year_passed" } });
        // The new year starts again from 01.
        const [fresh] = await pushFrom(env(), clerk, "laptop", [{ type: "draft.submit", draftId: "d-dup", baseVersion: 1, officialId: leaderId }]);
        expect(fresh!.assigned.number).toMatchObject({ year: 2027, number: 1, numberAndSymbol: "01/TB-UBND" });
      } finally {
        now = new Date("2026-11-29T10:00:00+07:00");
      }
    });

    it("the register of the year accounts for every number: reserved, assigned or cancelled with a reason, no gap", async () => {
      const reg = await register(env(), clerk, 2026);
      expect(reg.map((n) => n.number)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      for (const n of reg) {
        if (n.state === "assigned") expect(n.draftId && n.numberAndSymbol).toBeTruthy();
        if (n.state === "cancelled") expect(n.cancelReason).toBeTruthy();
      }
      expect(reg.filter((n) => n.state === "assigned")).toHaveLength(20);
      expect(reg.find((n) => n.number === 40)).toMatchObject({ state: "cancelled", cancelReason: "Máy tính xách tay hỏng, không dùng số đã giữ" });
      // The office's devices see the same by pull.
      const pulled = (await pullAll(env(), leader)).changes.filter((c) => c.entity === "register.number");
      const latest = new Map(pulled.map((c) => [c.id, (c.data as unknown as RegisterNumber).state]));
      expect(latest.get("vb-di:2026:40")).toBe("cancelled");
      expect(latest.get("vb-di:2026:7")).toBe("assigned");
    });

    it("a paper document and an unsigned scan are registered without a signature verdict, with the next số đến", async () => {
      const [paper] = await pushFrom(env(), clerk, "desktop", [
        {
          type: "incoming.register",
          entryId: "paper-1",
          form: "paper",
          from: { name: "Công an thành phố Hải Phòng" },
          numberAndSymbol: "125/CAHP-PV01",
          documentDate: "2026-11-25",
          subject: "Về việc phối hợp bảo đảm an ninh trật tự",
          arrivedOn: "2026-11-28",
        },
      ]);
      expect(paper).toMatchObject({ status: "applied", assigned: { arrivalNumber: 1, arrivalYear: 2026 } });
      const scanSha = await uploadWhole(env(), clerk, new TextEncoder().encode(`%PDF-1.4\n% bản quét ${Math.random()}\n%%EOF\n`));
      const [scan] = await pushFrom(env(), clerk, "desktop", [
        {
          type: "incoming.register",
          entryId: "scan-1",
          form: "scan",
          from: { name: "Trường THCS Hồng Bàng" },
          numberAndSymbol: "12/THCS",
          documentDate: "2026-11-26",
          subject: "Báo cáo",
          scan: { sha256: scanSha, name: "ban-quet.pdf" },
        },
      ]);
      expect(scan!.assigned.arrivalNumber).toBe(2);
      const [noScan] = await pushFrom(env(), clerk, "desktop", [
        { type: "incoming.register", entryId: "scan-2", form: "scan", from: { name: "X" }, numberAndSymbol: "1/X", documentDate: "2026-11-26", subject: "x" },
      ]);
      expect(noScan).toMatchObject({ status: "refused", error: { code: "scan_missing" } });
      const [twice] = await pushFrom(env(), clerk, "desktop", [
        {
          type: "incoming.register",
          entryId: "paper-1",
          form: "paper",
          from: { name: "Công an thành phố Hải Phòng" },
          numberAndSymbol: "125/CAHP-PV01",
          documentDate: "2026-11-25",
          subject: "x",
        },
      ]);
      expect(twice).toMatchObject({ status: "refused", error: { code: "already_registered" } });
      const q = (await (await env().app.request("/api/exchange/incoming", { headers: auth(clerk) })).json()) as { incoming: IncomingDelivery[] };
      const p = q.incoming.find((d) => d.deliveryId === paper!.assigned.deliveryId)!;
      expect(p).toMatchObject({
        via: "paper",
        status: "accepted",
        arrivalNumber: 1,
        header: { codeNumber: "125", codeNotation: "CAHP-PV01" },
        from: { name: "Công an thành phố Hải Phòng" },
      });
      expect(q.incoming.find((d) => d.deliveryId === scan!.assigned.deliveryId)).toMatchObject({ via: "scan", blobs: [{ sha256: scanSha }] });
      expect((await env().storage.audit.countByAction(clerk.officeId))["register"]).toBe(2);
      // A leader does not register incoming documents.
      expect(
        (
          await pushFrom(env(), leader, "phone", [
            {
              type: "incoming.register",
              entryId: "paper-9",
              form: "paper",
              from: { name: "X" },
              numberAndSymbol: "1/X",
              documentDate: "2026-11-26",
              subject: "x",
            },
          ])
        )[0],
      ).toMatchObject({ status: "refused", error: { code: "rule.role_forbidden" } });
    });

    it("two entries of the sổ văn bản đi never share a number of one year", async () => {
      const entry = (id: string, number: number, year = 2026) => ({
        type: "record.put" as const,
        entity: "outgoing",
        recordId: id,
        data: { id, year, number, numberAndSymbol: `${String(number).padStart(2, "0")}/UBND-VP` },
        baseVersion: 0,
      });
      const [a, b, c] = await pushFrom(env(), clerk, "desktop", [entry("out-a", 7), entry("out-b", 7), entry("out-c", 7, 2025)]);
      expect(a!.status).toBe("applied");
      expect(b).toMatchObject({ status: "refused", error: { code: "number_taken" } });
      expect(b!.error!.messageVi).toContain("07/UBND-VP");
      expect(c!.status).toBe("applied"); // another year, another sequence
      // The entry itself may change, keeping its number.
      const [again] = await pushFrom(env(), clerk, "desktop", [
        { ...entry("out-a", 7), data: { id: "out-a", year: 2026, number: 7, numberAndSymbol: "07/UBND-VP", summary: "sửa" }, baseVersion: 1 },
      ]);
      expect(again!.status).toBe("applied");
    });
  },
  { clock },
);
