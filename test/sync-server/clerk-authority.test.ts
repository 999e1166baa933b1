/**
 * Issue 13 shares this check with the office-workflow issue (the rule table of
 * shared/sync/rules.ts, enforced by the server on every push): a clerk of a commune, signed in
 * as on the office network, cannot write the city-wide records nor rewrite the audit trail.
 * Nothing of a refused mutation is stored.
 */
import { expect, it } from "vitest";
import type { MutationResult } from "../../shared/sync/schemas.ts";
import { auth, clientTime, describeBackends, mutationId, officeWithUser, pullAll } from "./harness.ts";

describeBackends("a clerk's push of a city-wide or audit record", (env) => {
  it("is refused, with the reason in Vietnamese, and nothing is stored", async () => {
    const clerk = await officeWithUser(env(), "UBND phường Hồng Bàng", ["clerk"]);
    // The clerk's own audit entry (appending is allowed) that she then tries to rewrite and delete.
    const own = await env().app.request("/api/sync/push", {
      method: "POST",
      headers: auth(clerk, { "content-type": "application/json" }),
      body: JSON.stringify({
        clientId: "c1",
        mutations: [{ id: mutationId(), clientTime: clientTime(), type: "record.put", entity: "audit_entry", recordId: "a1", data: { what: "đăng nhập" } }],
      }),
    });
    const appended = ((await own.json()) as { results: MutationResult[] }).results[0]!;
    expect(appended.status).toBe("applied");
    const res = await env().app.request("/api/sync/push", {
      method: "POST",
      headers: auth(clerk, { "content-type": "application/json" }),
      body: JSON.stringify({
        clientId: "c1",
        mutations: [
          {
            id: mutationId(),
            clientTime: clientTime(),
            type: "record.put",
            entity: "holiday_calendar",
            recordId: "lich-2027",
            data: { holidays: ["2027-01-01"] },
          },
          {
            id: mutationId(),
            clientTime: clientTime(),
            type: "record.put",
            entity: "audit_entry",
            recordId: "a1",
            data: { what: "đã sửa" },
            baseVersion: appended.assigned.version,
          },
          { id: mutationId(), clientTime: clientTime(), type: "record.delete", entity: "audit_entry", recordId: "a1", baseVersion: appended.assigned.version },
        ],
      }),
    });
    const results = ((await res.json()) as { results: MutationResult[] }).results;
    expect(results.map((r) => r.status)).toEqual(["refused", "refused", "refused"]);
    for (const r of results) expect(r.error!.messageVi.length).toBeGreaterThan(10);
    const changes = (await pullAll(env(), clerk)).changes;
    expect(changes.some((c) => c.entity === "holiday_calendar")).toBe(false);
    const audit = changes.filter((c) => c.entity === "audit_entry");
    expect(audit.at(-1)).toMatchObject({ op: "put", data: { what: "đăng nhập" } });
  });
});
