import { expect, it } from "vitest";
import { auth, describeBackends, login, officeWithUser, type TestUser } from "./harness.ts";

describeBackends("offices and users", (env) => {
  let admin: TestUser, it1: TestUser, clerk: TestUser;
  let managed = "";

  const post = (u: TestUser, path: string, body: unknown) =>
    env().app.request(path, { method: "POST", headers: auth(u, { "content-type": "application/json" }), body: JSON.stringify(body) });

  it("an administrator creates offices and users; the new user can log in", async () => {
    const system = await env().storage.createOffice({ name: "Quản trị", kind: "other", organId: `SYS-${Math.random()}` });
    admin = await officeWithUser(env(), "Quản trị", ["admin"], { officeId: system.id });
    const res = await post(admin, "/api/admin/offices", { name: "UBND xã Cát Hải", kind: "commune", organId: `H26.${Math.random()}` });
    expect(res.status).toBe(201);
    managed = ((await res.json()) as { id: string }).id;
    const dup = await post(admin, "/api/admin/offices", { name: "trùng", kind: "commune", organId: (await env().storage.getOffice(managed))!.organId });
    expect(dup.status).toBe(409);
    const u = await post(admin, "/api/admin/users", {
      officeId: managed,
      username: "vanthu.cathai",
      fullName: "Trần Thị Bình",
      password: "Hoa phượng đỏ bên cầu Rào",
      roles: ["clerk"],
    });
    expect(u.status).toBe(201);
    expect(typeof (await login(env(), "vanthu.cathai", "Hoa phượng đỏ bên cầu Rào"))).toBe("string");
    expect(
      (
        await post(admin, "/api/admin/users", {
          officeId: managed,
          username: "vanthu.cathai",
          fullName: "x",
          password: "Thuyền nan qua sông Cấm 1975",
          roles: ["clerk"],
        })
      ).status,
    ).toBe(409);
  });

  it("district IT creates clerks only in offices it manages, and never administrators", async () => {
    const district = await env().storage.createOffice({ name: "CNTT", kind: "district", organId: `D-${Math.random()}` });
    it1 = await officeWithUser(env(), "CNTT", ["district_it"], { officeId: district.id, managedOfficeIds: [managed] });
    clerk = await officeWithUser(env(), "UBND xã khác");
    expect(
      (
        await post(it1, "/api/admin/users", {
          officeId: managed,
          username: "lanhdao.cathai",
          fullName: "Lê Văn C",
          password: "Thuyền nan qua sông Cấm 1975",
          roles: ["leader"],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await post(it1, "/api/admin/users", {
          officeId: clerk.officeId,
          username: "ngoai.quyen",
          fullName: "x",
          password: "Thuyền nan qua sông Cấm 1975",
          roles: ["clerk"],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await post(it1, "/api/admin/users", {
          officeId: managed,
          username: "tu.phong",
          fullName: "x",
          password: "Thuyền nan qua sông Cấm 1975",
          roles: ["admin"],
        })
      ).status,
    ).toBe(403);
    expect((await post(it1, "/api/admin/offices", { name: "x", kind: "commune", organId: "X1" })).status).toBe(403);
    expect(
      (
        await post(clerk, "/api/admin/users", {
          officeId: clerk.officeId,
          username: "tu.tao",
          fullName: "x",
          password: "Thuyền nan qua sông Cấm 1975",
          roles: ["clerk"],
        })
      ).status,
    ).toBe(403);
    expect((await post(admin, "/api/admin/users", { officeId: managed, username: "Có Dấu", fullName: "x", password: "short", roles: [] })).status).toBe(400);
  });
});
