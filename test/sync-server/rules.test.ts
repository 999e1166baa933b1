/**
 * The rule table (shared/sync/rules.ts) is what the server enforces: every entity × role ×
 * (own office / another office) × create/update/delete, and every typed act × role, pushed
 * through the API — the server's answer must be the table's, and a refused change must leave
 * the stored record as it was. Then the attacks of issue 11, by name.
 */
import { expect, it } from "vitest";
import { ACTION_RULES, actionRefusal, RECORD_RULES, recordRefusal, type ActionType, type RecordOp, type Where } from "../../shared/sync/rules.ts";
import type { Mutation, MutationResult, Role } from "../../shared/sync/schemas.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll, type Env, type TestUser } from "./harness.ts";

const ROLES: Role[] = ["clerk", "leader", "signature_officer", "district_it", "admin", "inspector"];
const ENTITIES = Object.keys(RECORD_RULES);
const OPS: RecordOp[] = ["create", "update", "delete"];

async function pushAs(
  env: Env,
  user: TestUser,
  mutations: Mutation[],
  officeId?: string,
): Promise<{ status: number; results: MutationResult[]; body: unknown }> {
  const headers = auth(user, { "content-type": "application/json", ...(officeId ? { "x-vanthu-office": officeId } : {}) });
  const res = await env.app.request("/api/sync/push", { method: "POST", headers, body: JSON.stringify({ clientId: `rules-${user.username}`, mutations }) });
  const body = (await res.json()) as { results?: MutationResult[] };
  return { status: res.status, results: body.results ?? [], body };
}

describeBackends("the rule table, enforced on every push", (env) => {
  let home: TestUser; // an office whose members are tried
  let other: TestUser; // another office (not managed by anyone of home)
  const users = new Map<Role, TestUser>();

  it("sets up one account per role; district IT and the inspector manage the home office", async () => {
    home = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
    other = await officeWithUser(env(), "UBND xã An Hưng", ["clerk"]);
    users.set("clerk", home);
    for (const role of ["leader", "signature_officer"] as Role[])
      users.set(role, await officeWithUser(env(), "UBND phường Hồng Bàng", [role], { officeId: home.officeId }));
    const district = await officeWithUser(env(), "Tổ CNTT khu vực", ["district_it"], { kind: "district", managedOfficeIds: [home.officeId] });
    users.set("district_it", district);
    users.set("inspector", await officeWithUser(env(), "Thanh tra", ["inspector"], { kind: "district", managedOfficeIds: [home.officeId] }));
    users.set("admin", await officeWithUser(env(), "Quản trị", ["admin"], { kind: "district" }));
    expect(users.size).toBe(ROLES.length);
  });

  /** Seeds one record of each entity in an office, as the server itself would (trusted), to be updated or deleted. */
  async function seed(officeId: string, tag: string): Promise<Map<string, { id: string; version: number; data: Record<string, unknown> }>> {
    const data = { seeded: true, tag };
    const ids = ENTITIES.map((entity) => `${entity.replace(/_/g, "-")}-${tag}`);
    const results = await env().storage.applyPush(
      { userId: "seed", roles: ["admin"], officeId },
      ENTITIES.map((entity, i) => ({ id: mutationId("seed"), clientTime: clientTime(), type: "record.put", entity, recordId: ids[i]!, data })),
      { clientId: "seed" },
    );
    return new Map(ENTITIES.map((entity, i) => [entity, { id: ids[i]!, version: results[i]!.assigned.version!, data }]));
  }

  it("walks every entity × role × create/update/delete in the role's own office and in a managed one: the server answers as the table says", async () => {
    let walked = 0;
    for (const role of ROLES) {
      const user = users.get(role)!;
      const places: { where: Where; officeId: string }[] = [{ where: "own", officeId: user.officeId }];
      if (role === "district_it" || role === "inspector") places.push({ where: "managed", officeId: home.officeId });
      for (const { where, officeId } of places) {
        const seeded = await seed(officeId, `${role}-${where}`);
        const mutations: Mutation[] = [];
        const expected: { entity: string; op: RecordOp; refusal: ReturnType<typeof recordRefusal> }[] = [];
        for (const entity of ENTITIES) {
          const s = seeded.get(entity)!;
          for (const op of OPS) {
            const id = mutationId(op);
            if (op === "create")
              mutations.push({ id, clientTime: clientTime(), type: "record.put", entity, recordId: `new-${id}`, data: { by: role }, baseVersion: 0 });
            if (op === "update")
              mutations.push({
                id,
                clientTime: clientTime(),
                type: "record.put",
                entity,
                recordId: s.id,
                data: { by: role, changed: true },
                baseVersion: s.version,
              });
            if (op === "delete") mutations.push({ id, clientTime: clientTime(), type: "record.delete", entity, recordId: `${s.id}-del` });
            expected.push({ entity, op, refusal: recordRefusal(entity, op, [role], where) });
          }
        }
        // Deletes act on their own seeded copies, so that an allowed update does not stale them.
        const deletes = mutations.filter((m): m is Extract<Mutation, { type: "record.delete" }> => m.type === "record.delete");
        const seededForDelete = await env().storage.applyPush(
          { userId: "seed", roles: ["admin"], officeId },
          deletes.map((m) => ({
            id: mutationId("seed"),
            clientTime: clientTime(),
            type: "record.put",
            entity: m.entity,
            recordId: m.recordId,
            data: { seeded: true },
          })),
          { clientId: "seed" },
        );
        deletes.forEach((m, i) => (m.baseVersion = seededForDelete[i]!.assigned.version!));
        const { status, results } = await pushAs(env(), user, mutations, where === "managed" ? officeId : undefined);
        expect(status).toBe(200);
        expect(results).toHaveLength(mutations.length);
        for (const [i, e] of expected.entries()) {
          const r = results[i]!;
          const label = `${role} ${where} ${e.op} ${e.entity}`;
          if (e.refusal) {
            expect(r.status, label).toBe("refused");
            expect(r.error?.code, label).toBe(e.refusal.code);
            expect(r.error?.messageVi, label).toMatch(/\p{L}/u);
            // Nothing was written: the seeded record is as it was.
            const m = mutations[i] as Extract<Mutation, { type: "record.put" | "record.delete" }>;
            const stored = await env().storage.records.get(env().storage.db, officeId, e.entity, m.recordId);
            if (e.op === "create") expect(stored, label).toBeUndefined();
            else expect(stored?.deleted, label).toBe(false);
            if (e.op === "update") expect(stored?.data, label).toEqual(seeded.get(e.entity)!.data);
          } else {
            expect(r.status, `${label}: ${JSON.stringify(r.error)}`).toBe("applied");
          }
          walked++;
        }
      }
    }
    expect(walked).toBe(ENTITIES.length * OPS.length * (ROLES.length + 2));
  });

  it("an account acting for an office it neither belongs to nor manages is refused before any rule (403, nothing written)", async () => {
    for (const role of ROLES) {
      const { status, body } = await pushAs(
        env(),
        users.get(role)!,
        [{ id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "outgoing", recordId: "x", data: {} }],
        other.officeId,
      );
      expect(status, role).toBe(403);
      expect((body as { error: { code: string } }).error.code).toBe("office_forbidden");
    }
    expect((await pullAll(env(), other)).changes.filter((c) => c.entity === "outgoing")).toEqual([]);
  });

  it("walks every typed act × role: a role the table does not grant is refused by rule; a granted one never is", async () => {
    const minimal = (type: ActionType): Mutation => {
      const base = { id: mutationId(), clientTime: clientTime() };
      const sha = "a".repeat(64);
      switch (type) {
        case "exchange.send":
          return {
            ...base,
            type,
            documentRef: "r",
            recipients: [other.officeId],
            header: { codeNumber: "1", codeNotation: "UBND", subject: "x", promulgationDate: "2026-11-24" },
            blobs: [{ sha256: sha, name: "x.pdf", contentType: "application/pdf", role: "main" }],
          };
        case "exchange.accept":
          return { ...base, type, deliveryId: "none" };
        case "exchange.refuse":
          return { ...base, type, deliveryId: "none", reason: "x" };
        case "incoming.register":
          return {
            ...base,
            type,
            entryId: mutationId("e"),
            form: "scan",
            from: { name: "Sở Nội vụ" },
            numberAndSymbol: "01/SNV",
            documentDate: "2026-11-24",
            subject: "x",
            scan: { sha256: sha, name: "x.pdf" },
          };
        case "number.reserve":
          return { ...base, type, registerId: "vb-di", count: 1 };
        case "number.cancel":
          return { ...base, type, registerId: "vb-di", year: 2026, number: 99_999, reason: "x" };
        case "audit.append":
          return { ...base, type, entryId: mutationId("a"), action: "verification", summary: "Kiểm tra chữ ký số." };
        case "draft.create":
          return {
            ...base,
            type,
            draftId: mutationId("d"),
            subject: "x",
            numbering: { registerId: "vb-di", typeCode: "QĐ", issuerSymbol: "UBND" },
            revision: { sha256: sha, name: "x.pdf" },
          };
        case "draft.comment":
          return { ...base, type, draftId: "none", commentId: "c", text: "x" };
        case "draft.revise":
        case "draft.sign":
        case "draft.issue":
          return { ...base, type, draftId: "none", baseVersion: 1, revision: { sha256: sha, name: "x.pdf" } };
        case "draft.submit":
          return { ...base, type, draftId: "none", baseVersion: 1, officialId: "none" };
        case "draft.return":
          return { ...base, type, draftId: "none", baseVersion: 1, reasons: "x" };
        case "draft.approve":
          return { ...base, type, draftId: "none", baseVersion: 1 };
        case "draft.cancel":
          return { ...base, type, draftId: "none", baseVersion: 1, reason: "x" };
      }
    };
    const types = Object.keys(ACTION_RULES) as ActionType[];
    for (const role of ROLES) {
      const user = users.get(role)!;
      const { status, results } = await pushAs(env(), user, types.map(minimal));
      expect(status).toBe(200);
      for (const [i, type] of types.entries()) {
        const refusal = actionRefusal(type, [role], "own");
        const r = results[i]!;
        if (refusal) expect(r.error?.code, `${role} ${type}`).toBe("rule.role_forbidden");
        else expect(r.error?.code, `${role} ${type}: ${JSON.stringify(r.error)}`).not.toBe("rule.role_forbidden");
      }
    }
  });

  it("the attacks of issue 11 are refused, each reported to the client in Vietnamese", async () => {
    const clerk = users.get("clerk")!;
    const leader = users.get("leader")!;
    const seeded = await seed(home.officeId, "attack");
    const cal = seeded.get("holiday_calendar")!;
    // A clerk of a commune replaces the city-wide holiday calendar.
    let r = await pushAs(env(), clerk, [
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "record.put",
        entity: "holiday_calendar",
        recordId: cal.id,
        data: { fake: 31 },
        baseVersion: cal.version,
      },
    ]);
    expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "rule.role_forbidden" } });
    expect(r.results[0]!.error!.messageVi).toContain("Lịch ngày nghỉ".toLocaleLowerCase("vi"));
    // A leader deletes audit entries and rewrites the certificate inventory.
    const audit = seeded.get("audit_entry")!;
    const inv = seeded.get("cert_inventory")!;
    r = await pushAs(env(), leader, [
      { id: mutationId(), clientTime: clientTime(), type: "record.delete", entity: "audit_entry", recordId: audit.id, baseVersion: audit.version },
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "record.put",
        entity: "audit_entry",
        recordId: audit.id,
        data: { rewritten: true },
        baseVersion: audit.version,
      },
      {
        id: mutationId(),
        clientTime: clientTime(),
        type: "record.put",
        entity: "cert_inventory",
        recordId: inv.id,
        data: { rewritten: true },
        baseVersion: inv.version,
      },
    ]);
    expect(r.results.map((x) => [x.status, x.error?.code])).toEqual([
      ["refused", "rule.append_only"],
      ["refused", "rule.append_only"],
      ["refused", "rule.role_forbidden"],
    ]);
    // Nobody, not even district IT, changes an audit entry.
    r = await pushAs(
      env(),
      users.get("district_it")!,
      [{ id: mutationId(), clientTime: clientTime(), type: "record.delete", entity: "audit_entry", recordId: audit.id, baseVersion: audit.version }],
      home.officeId,
    );
    expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "rule.append_only" } });
    // A kind of record the table does not carry is refused, not stored.
    r = await pushAs(env(), clerk, [{ id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "anything_else", recordId: "x", data: {} }]);
    expect(r.results[0]).toMatchObject({ status: "refused", error: { code: "rule.unknown_entity" } });
    // District IT writes the city-wide calendar.
    r = await pushAs(
      env(),
      users.get("district_it")!,
      [
        {
          id: mutationId(),
          clientTime: clientTime(),
          type: "record.put",
          entity: "holiday_calendar",
          recordId: cal.id,
          data: { holidays: [] },
          baseVersion: cal.version,
        },
      ],
      home.officeId,
    );
    expect(r.results[0]!.status).toBe("applied");
  });

  it("GET /api/authority/capabilities gives the PWA the same answers", async () => {
    const res = await env().app.request("/api/authority/capabilities", { headers: auth(users.get("clerk")!) });
    const caps = (await res.json()) as {
      where: string;
      roleLabels: string[];
      records: Record<string, Record<RecordOp, boolean>>;
      actions: Record<string, boolean>;
    };
    expect(caps.where).toBe("own");
    expect(caps.roleLabels).toEqual(["Văn thư"]);
    expect(caps.records["holiday_calendar"]!.update).toBe(false);
    expect(caps.actions["draft.issue"]).toBe(true);
    expect(caps.actions["draft.approve"]).toBe(false);
  });
});
