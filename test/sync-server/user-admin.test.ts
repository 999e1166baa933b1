/**
 * User administration (issue 13): district IT and the administrator disable, enable and reset
 * users; a first or reset password must be changed before anything else; a person changes her
 * own password; passwords of fewer than 12 characters or on zxcvbn's common lists are refused.
 */
import { expect, it } from "vitest";
import { auth, describeBackends, login, officeWithUser, type TestUser } from "./harness.ts";

const GOOD = "Hoa phượng đỏ bên cầu Rào";
const GOOD2 = "Thuyền nan qua sông Cấm 1975";
const GOOD3 = "Mưa bóng mây trên đồi Thiên Văn";

describeBackends("user administration", (env) => {
  let it1: TestUser;
  let other: TestUser;
  let managed = "";
  let newUserId = "";

  const call = (u: TestUser | string, path: string, body?: unknown, method = "POST") =>
    env().app.request(path, {
      method,
      headers: { authorization: `Bearer ${typeof u === "string" ? u : u.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const loginRaw = (username: string, password: string) =>
    env().app.request("/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });

  it("refuses short, common and patterned passwords, with the reason in Vietnamese", async () => {
    managed = (await env().storage.createOffice({ name: "UBND xã Cát Hải", kind: "commune", organId: `H26.${Math.random()}` })).id;
    const district = await env().storage.createOffice({ name: "CNTT khu vực", kind: "district", organId: `D-${Math.random()}` });
    it1 = await officeWithUser(env(), "CNTT", ["district_it"], { officeId: district.id, managedOfficeIds: [managed] });
    other = await officeWithUser(env(), "UBND xã khác");
    for (const password of ["aaaaaaaaaa", "aaaaaaaaaaaa", "password1234", "123456789012", "qwertyuiop123", "vanthu.cathai2026", "Hồng Bàng"]) {
      const r = await call(it1, "/api/admin/users", { officeId: managed, username: "vanthu.cathai", fullName: "Trần Thị Bình", password, roles: ["clerk"] });
      expect([password, r.status]).toEqual([password, 422]);
      const body = (await r.json()) as { error: { code: string; messageVi: string } };
      expect(body.error.code).toBe("weak_password");
      expect(body.error.messageVi).toMatch(/Mật khẩu/);
    }
  });

  it("a new user's first password works only for changing it", async () => {
    const r = await call(it1, "/api/admin/users", {
      officeId: managed,
      username: "vanthu.cathai",
      fullName: "Trần Thị Bình",
      password: GOOD,
      roles: ["clerk"],
    });
    expect(r.status).toBe(201);
    newUserId = ((await r.json()) as { id: string }).id;
    const res = await loginRaw("vanthu.cathai", GOOD);
    expect(res.status).toBe(200);
    const session = (await res.json()) as { token: string; mustChangePassword: boolean };
    expect(session.mustChangePassword).toBe(true);
    const pull = await call(session.token, "/api/sync/pull?cursor=", undefined, "GET");
    expect(pull.status).toBe(403);
    expect(((await pull.json()) as { error: { code: string } }).error.code).toBe("password_change_required");
    expect((await call(session.token, "/api/auth/me", undefined, "GET")).status).toBe(200);
    // The wrong current password, the same password, a weak one: refused.
    expect((await call(session.token, "/api/auth/password", { currentPassword: "sai rồi", newPassword: GOOD2 })).status).toBe(403);
    expect((await call(session.token, "/api/auth/password", { currentPassword: GOOD, newPassword: GOOD })).status).toBe(422);
    expect((await call(session.token, "/api/auth/password", { currentPassword: GOOD, newPassword: "password1234" })).status).toBe(422);
    expect((await call(session.token, "/api/auth/password", { currentPassword: GOOD, newPassword: GOOD2 })).status).toBe(200);
    expect((await call(session.token, "/api/sync/pull?cursor=", undefined, "GET")).status).toBe(200);
    expect((await loginRaw("vanthu.cathai", GOOD)).status).toBe(401);
    const again = (await (await loginRaw("vanthu.cathai", GOOD2)).json()) as { mustChangePassword: boolean };
    expect(again.mustChangePassword).toBe(false);
  });

  it("district IT lists, disables, enables and resets users of its offices only", async () => {
    const list = (await (await call(it1, "/api/admin/users", undefined, "GET")).json()) as {
      users: { username: string; officeId: string; mustChangePassword: boolean }[];
    };
    expect(list.users.map((u) => u.username)).toEqual(["vanthu.cathai"]);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|passwordHash|password_hash/);
    const token = await login(env(), "vanthu.cathai", GOOD2);
    expect((await call(it1, `/api/admin/users/${newUserId}/disable`)).status).toBe(200);
    // Disabling ends the session at once and refuses the next sign-in.
    expect((await call(token, "/api/sync/pull?cursor=", undefined, "GET")).status).toBe(401);
    expect((await loginRaw("vanthu.cathai", GOOD2)).status).toBe(401);
    expect((await call(it1, `/api/admin/users/${newUserId}/enable`)).status).toBe(200);
    expect((await loginRaw("vanthu.cathai", GOOD2)).status).toBe(200);
    expect((await call(it1, `/api/admin/users/${newUserId}/reset-password`, { password: "short" })).status).toBe(422);
    expect((await call(it1, `/api/admin/users/${newUserId}/reset-password`, { password: GOOD3 })).status).toBe(200);
    expect((await loginRaw("vanthu.cathai", GOOD2)).status).toBe(401);
    const reset = (await (await loginRaw("vanthu.cathai", GOOD3)).json()) as { mustChangePassword: boolean };
    expect(reset.mustChangePassword).toBe(true);
    // Not a user of its offices; not itself; not a clerk.
    const stranger = (await env().storage.findUserByUsername(other.username))!;
    expect((await call(it1, `/api/admin/users/${stranger.id}/disable`)).status).toBe(404);
    const self = (await env().storage.findUserByUsername(it1.username))!;
    expect((await call(it1, `/api/admin/users/${self.id}/disable`)).status).toBe(404);
    expect((await call(other, "/api/admin/users", undefined, "GET")).status).toBe(403);
    expect((await call(other, `/api/admin/users/${newUserId}/disable`)).status).toBe(403);
  });

  it("a person changes her own password; her other sessions end, this one stays", async () => {
    const me = await officeWithUser(env(), "UBND phường Lê Chân");
    const second = await login(env(), me.username, me.password);
    expect((await call(me, "/api/auth/password", { currentPassword: me.password, newPassword: GOOD })).status).toBe(200);
    expect((await call(me, "/api/sync/pull?cursor=", undefined, "GET")).status).toBe(200);
    expect((await call(second, "/api/sync/pull?cursor=", undefined, "GET")).status).toBe(401);
  });
});
