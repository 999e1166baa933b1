import { expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../bin/cli/main.ts";
import { command as cityCommand } from "../../bin/cli/commands/city.ts";
import { findOffices } from "../../shared/domain/offices/index.ts";
import { accountsTemplate, addAccounts, readAccountsCsv, setUpCity } from "../../sync-server/city/setup.ts";
import { whenDurable } from "../../sync-server/storage/open.ts";
import { hashPassword } from "../../sync-server/auth/password.ts";
import { describeBackends, login, type Env } from "./harness.ts";

async function officeRows(env: Env) {
  return env.storage.db.selectFrom("offices").select(["id", "name", "kind", "organ_id", "created_at"]).orderBy("id").execute();
}
async function managedCount(env: Env) {
  const r = await env.storage.db
    .selectFrom("managed_offices")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function databaseUrl(env: Env): string {
  return env.target.dialect === "sqlite" ? `sqlite:${env.target.location}` : env.target.location;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  try {
    // The command's own module, as the built `vanthu` loads it (only this command is needed here).
    const code = await main(args, { summaries: { city: cityCommand.summary }, load: async () => cityCommand });
    return { code, out: chunks.join("") };
  } finally {
    process.stdout.write = write;
  }
}

describeBackends("setting the city up from Nghị quyết 1669 (114 offices)", (env) => {
  it("creates 114 commune offices, the Sở KH&CN and the IT unit; twice gives the same result", async () => {
    // A district IT account that exists before the setup manages every commune office after it.
    await env().storage.createOffice({ id: "it-old", name: "Tổ CNTT (cũ)", kind: "district", organId: "IT.OLD" });
    await env().storage.createUser({
      officeId: "it-old",
      username: "it.truoc",
      fullName: "Cán bộ CNTT",
      passwordHash: await hashPassword("x-12345678"),
      roles: ["district_it"],
    });
    const first = await setUpCity(env().storage);
    expect(first.created).toHaveLength(116);
    expect(first.conflicts).toEqual([]);
    expect(first.managedLinksAdded).toBe(115);
    const before = await officeRows(env());
    const links = await managedCount(env());
    const second = await setUpCity(env().storage);
    expect(second).toEqual({ created: [], unchanged: first.created, conflicts: [], managedLinksAdded: 0 });
    expect(await officeRows(env())).toEqual(before);
    expect(await managedCount(env())).toBe(links);
    const kinds = before.filter((o) => o.id.startsWith("hp-")).map((o) => o.kind);
    expect(kinds.filter((k) => k === "commune")).toHaveLength(114);
    expect(before.find((o) => o.id === "hp-008-phuong-hong-bang")).toMatchObject({ name: "UBND phường Hồng Bàng", organ_id: "HP.1669.008" });
    expect(before.find((o) => o.id === "hp-113-dac-khu-cat-hai")!.name).toBe("UBND đặc khu Cát Hải");
    // The exchange's directory offers them, found by typing without diacritics.
    const directory = await env().storage.listOffices();
    expect(findOffices(directory, "hong bang").map((o) => o.name)).toEqual(["UBND phường Hồng Bàng"]);
    expect(findOffices(directory, "bach long vi").map((o) => o.id)).toEqual(["hp-114-dac-khu-bach-long-vi"]);
  });

  it("adds the first accounts from the CSV district IT filled in, once; a bad file changes nothing", async () => {
    const template = accountsTemplate().split("\n");
    expect(template[0]).toBe("co_quan,ten_dang_nhap,ho_ten,vai_tro");
    expect(template[1]).toBe("UBND phường Thủy Nguyên,vanthu.thuynguyen,,văn thư");
    const filled = [
      template[0],
      "UBND phường Hồng Bàng,vanthu.hongbang,Trần Thị Hoa,văn thư",
      "ubnd phuong hong bang,lanhdao.hongbang,Nguyễn Văn An,lãnh đạo;phụ trách chữ ký số",
      "UBND đặc khu Cát Hải,vanthu.cathai,,văn thư",
      '"Bộ phận công nghệ thông tin (quản trị hệ thống văn thư số)",it.thanhpho,"Lê Văn Cường",cntt',
    ].join("\n");
    const { rows, skipped } = await readAccountsCsv(env().storage, filled);
    const first = await addAccounts(env().storage, rows, skipped);
    expect(first.created.map((a) => [a.username, a.officeId])).toEqual([
      ["vanthu.hongbang", "hp-008-phuong-hong-bang"],
      ["lanhdao.hongbang", "hp-008-phuong-hong-bang"],
      ["it.thanhpho", "hp-cntt"],
    ]);
    expect(first.skipped).toBe(1);
    expect((await env().storage.findUserByUsername("lanhdao.hongbang"))!.roles).toEqual(["leader", "signature_officer"]);
    // The one-time password works, and must be changed before anything else.
    const token = await login(env(), "vanthu.hongbang", first.created[0]!.password);
    expect(token).toBeTruthy();
    const me = (await (await env().app.request("/api/auth/me", { headers: { authorization: `Bearer ${token}` } })).json()) as {
      mustChangePassword?: boolean;
    };
    expect(me.mustChangePassword).toBe(true);
    const again = await addAccounts(env().storage, (await readAccountsCsv(env().storage, filled)).rows);
    expect(again.created).toEqual([]);
    expect(again.unchanged).toEqual(["vanthu.hongbang", "lanhdao.hongbang", "it.thanhpho"]);
    // A new IT account manages the offices after the setup runs again.
    expect((await setUpCity(env().storage)).managedLinksAdded).toBe(115);
    // Errors name the line, and nothing is created.
    const users = await env().storage.db.selectFrom("users").select("username").execute();
    for (const [bad, msg] of [
      [`${template[0]}\nUBND xã Không Có,vanthu.x,Ai Đó,văn thư`, 'Dòng 2 của tệp tài khoản: không có cơ quan "UBND xã Không Có".'],
      [
        `${template[0]}\ncam giang,vanthu.camgiang,Ai Đó,văn thư`,
        'Dòng 2 của tệp tài khoản: "cam giang" khớp nhiều cơ quan (UBND xã Cẩm Giang; UBND xã Cẩm Giàng); hãy ghi đúng tên.',
      ],
      [
        `${template[0]}\nUBND phường Hồng Bàng,Văn Thư,Ai Đó,văn thư`,
        'Dòng 2 của tệp tài khoản: tên đăng nhập "Văn Thư" chỉ gồm chữ thường không dấu, số, . _ - (3–50 ký tự).',
      ],
      [
        `${template[0]}\nUBND phường Hồng Bàng,vanthu.hb2,Ai Đó,thủ quỹ`,
        'Dòng 2 của tệp tài khoản: vai trò "thủ quỹ" không rõ (văn thư, lãnh đạo, phụ trách chữ ký số; nhiều vai trò cách nhau bằng ;).',
      ],
      ["ten,vai\nx,y", "Dòng đầu của tệp tài khoản phải là: co_quan,ten_dang_nhap,ho_ten,vai_tro"],
    ] as const) {
      await expect(readAccountsCsv(env().storage, bad)).rejects.toMatchObject({ messageVi: msg });
    }
    const moved = (await readAccountsCsv(env().storage, `${template[0]}\nUBND xã An Hưng,vanthu.hongbang,Trần Thị Hoa,văn thư`)).rows;
    await expect(addAccounts(env().storage, moved)).rejects.toMatchObject({
      messageVi: "Dòng 2 của tệp tài khoản: tên đăng nhập vanthu.hongbang đã dùng ở cơ quan khác.",
    });
    expect(await env().storage.db.selectFrom("users").select("username").execute()).toEqual(users);
  });

  it("the command does the same, twice, and writes the one-time passwords to a private file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "city-cli-"));
    const accounts = join(dir, "accounts.csv");
    writeFileSync(accounts, ["co_quan,ten_dang_nhap,ho_ten,vai_tro", "UBND xã An Hưng,vanthu.anhung,Phạm Thị Thu,văn thư"].join("\n"));
    const before = await officeRows(env());
    // The command opens its own connection, in this process: the harness's group COMMIT must be done first
    // (the command's busy wait would block the event loop that runs it).
    await whenDurable(env().storage.db);
    const out1 = await cli(["city", "setup", "--db", databaseUrl(env()), "--accounts", accounts, "--passwords-out", join(dir, "pw.csv")]);
    expect(out1.code).toBe(0);
    expect(out1.out).toContain("Cơ quan: 0 tạo mới, 116 đã có");
    expect(out1.out).toContain("Tài khoản: 1 tạo mới, 0 đã có, 0 dòng chưa điền");
    expect(readFileSync(join(dir, "pw.csv"), "utf8")).toMatch(/^ten_dang_nhap,co_quan,mat_khau_dung_mot_lan\nvanthu\.anhung,hp-\d{3}-xa-an-hung,\S{16}\n$/);
    expect(statSync(join(dir, "pw.csv")).mode & 0o077).toBe(0);
    const out2 = await cli(["city", "setup", "--db", databaseUrl(env()), "--accounts", accounts]);
    expect(out2.out).toContain("Tài khoản: 0 tạo mới, 1 đã có");
    expect(await officeRows(env())).toEqual(before);
  });
});

it("the accounts template suggests one user name per office, distinct even for look-alike names", () => {
  const names = accountsTemplate()
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",")[1]!);
  expect(names).toHaveLength(228);
  expect(new Set(names).size).toBe(228);
  expect(names).toContain("vanthu.camgiang82");
  expect(names).toContain("vanthu.camgiang83");
});
