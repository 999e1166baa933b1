import { randomBytes } from "node:crypto";
import type { Role } from "../../shared/sync/schemas.ts";
import { Role as RoleSchema } from "../../shared/sync/schemas.ts";
import { VanthuError } from "../../shared/errors.ts";
import { cityOffices, findOffices, type CityOffice } from "../../shared/domain/offices/index.ts";
import { foldVietnamese } from "../../shared/domain/search-text.ts";
import { stamp } from "../clock/qlvb-clock.ts";
import { hashPassword } from "../auth/password.ts";
import type { SyncStorage } from "../storage/storage.ts";
import { UserRepository } from "../users/repository.ts";
import { csvLine, readCsv } from "./csv.ts";

/**
 * District IT sets the city up in one step: the 114 commune-level offices of Nghị quyết
 * 1669/NQ-UBTVQH15 with their kind and name, the Sở Khoa học và Công nghệ and the IT unit, in one
 * transaction; every district IT account then manages every commune office. Run twice, it
 * changes nothing: offices are keyed by their stable id, and an office already there is left
 * as it is (a name or organ code district IT corrected stays corrected).
 */
export interface CitySetupReport {
  created: string[];
  unchanged: string[];
  /** Offices of the list whose organ code is already used by another office (left alone, reported). */
  conflicts: { id: string; organId: string; usedBy: string }[];
  managedLinksAdded: number;
}

export async function setUpCity(storage: SyncStorage, offices: readonly CityOffice[] = cityOffices()): Promise<CitySetupReport> {
  const report: CitySetupReport = { created: [], unchanged: [], conflicts: [], managedLinksAdded: 0 };
  await storage.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("offices").select(["id", "organ_id", "name"]).execute();
    const byId = new Map(existing.map((o) => [o.id, o]));
    const byOrgan = new Map(existing.map((o) => [o.organ_id, o]));
    const now = stamp(storage.clock);
    for (const o of offices) {
      if (byId.has(o.id)) {
        report.unchanged.push(o.id);
        continue;
      }
      const clash = byOrgan.get(o.organId);
      if (clash) {
        report.conflicts.push({ id: o.id, organId: o.organId, usedBy: clash.name });
        continue;
      }
      await trx.insertInto("offices").values({ id: o.id, name: o.name, kind: o.kind, organ_id: o.organId, is_demo: 0, created_at: now }).execute();
      report.created.push(o.id);
    }
    // Every district IT account of the city manages every commune office (and the Sở's, to help it).
    const managed = offices.filter((o) => o.kind !== "district").map((o) => o.id);
    const present = new Set([...report.created, ...report.unchanged]);
    const it = (await trx.selectFrom("users").select(["id", "roles", "office_id"]).execute()).filter((u) =>
      (JSON.parse(u.roles) as string[]).includes("district_it"),
    );
    for (const u of it) {
      const have = new Set((await trx.selectFrom("managed_offices").select("office_id").where("user_id", "=", u.id).execute()).map((r) => r.office_id));
      for (const id of managed) {
        if (have.has(id) || !present.has(id) || id === u.office_id) continue;
        await trx.insertInto("managed_offices").values({ user_id: u.id, office_id: id }).execute();
        report.managedLinksAdded++;
      }
    }
  });
  return report;
}

/** The roles a row of the accounts CSV may give, as district IT writes them. */
const ROLE_WORDS: Record<string, Role> = {
  "van thu": "clerk",
  "văn thư": "clerk",
  clerk: "clerk",
  "lanh dao": "leader",
  "lãnh đạo": "leader",
  leader: "leader",
  "phu trach chu ky so": "signature_officer",
  "phụ trách chữ ký số": "signature_officer",
  signature_officer: "signature_officer",
  cntt: "district_it",
  district_it: "district_it",
};

export const ACCOUNTS_CSV_HEADER = ["co_quan", "ten_dang_nhap", "ho_ten", "vai_tro"] as const;

/** A CSV for district IT to fill in: one row per office and role, with a suggested user name. */
export function accountsTemplate(offices: readonly CityOffice[] = cityOffices()): string {
  const lines = [csvLine([...ACCOUNTS_CSV_HEADER])];
  const communes = offices.filter((x) => x.kind === "commune");
  const plain = (o: CityOffice) => foldVietnamese(o.unit?.name ?? o.name).replace(/[^a-z0-9]+/g, "");
  const count = new Map<string, number>();
  for (const o of communes) count.set(plain(o), (count.get(plain(o)) ?? 0) + 1);
  for (const o of communes) {
    // Two names that differ only by a tone mark (Cẩm Giàng, Cẩm Giang) get their clause number.
    const slug = count.get(plain(o))! > 1 ? `${plain(o)}${o.unit?.clause ?? ""}` : plain(o);
    lines.push(csvLine([o.name, `vanthu.${slug}`, "", "văn thư"]), csvLine([o.name, `lanhdao.${slug}`, "", "lãnh đạo"]));
  }
  return lines.join("\n") + "\n";
}

export interface AccountRow {
  line: number;
  officeId: string;
  username: string;
  fullName: string;
  roles: Role[];
}

export interface AccountsReport {
  created: { username: string; officeId: string; password: string }[];
  unchanged: string[];
  /** Rows left blank (no full name): not filled in yet. */
  skipped: number;
}

function rowError(line: number, vi: string, en: string): VanthuError {
  return new VanthuError("city.bad-accounts", `Dòng ${line} của tệp tài khoản: ${vi}`, `accounts CSV line ${line}: ${en}`);
}

/** Reads and checks the whole file first: a bad row stops everything before any account is made. */
export async function readAccountsCsv(storage: SyncStorage, text: string): Promise<{ rows: AccountRow[]; skipped: number }> {
  const rows = readCsv(text);
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  if (!header || ACCOUNTS_CSV_HEADER.some((h, i) => header[i] !== h)) {
    throw new VanthuError("city.bad-accounts", `Dòng đầu của tệp tài khoản phải là: ${ACCOUNTS_CSV_HEADER.join(",")}`, "accounts CSV header mismatch");
  }
  const offices = await storage.listOffices();
  const out: AccountRow[] = [];
  let skipped = 0;
  const seen = new Set<string>();
  for (const [i, r] of rows.entries()) {
    const line = i + 2;
    const [officeText = "", username = "", fullName = "", roleText = ""] = r.map((x) => x.trim());
    if (!fullName) {
      skipped++;
      continue;
    }
    const office =
      offices.find((o) => o.id === officeText) ??
      offices.filter((o) => o.name.normalize("NFC") === officeText.normalize("NFC"))[0] ??
      exactlyOne(findOffices(offices, officeText), line, officeText);
    if (!/^[a-z0-9._-]{3,50}$/.test(username))
      throw rowError(line, `tên đăng nhập "${username}" chỉ gồm chữ thường không dấu, số, . _ - (3–50 ký tự).`, `bad username '${username}'`);
    if (seen.has(username)) throw rowError(line, `tên đăng nhập ${username} lặp lại.`, `duplicate username ${username}`);
    seen.add(username);
    const roles = roleText
      .split(/[;+]/)
      .map((w) => ROLE_WORDS[w.trim().toLocaleLowerCase("vi")])
      .filter((x): x is Role => !!x && RoleSchema.safeParse(x).success);
    if (roles.length === 0)
      throw rowError(
        line,
        `vai trò "${roleText}" không rõ (văn thư, lãnh đạo, phụ trách chữ ký số; nhiều vai trò cách nhau bằng ;).`,
        `unknown role '${roleText}'`,
      );
    out.push({ line, officeId: office.id, username, fullName, roles: [...new Set(roles)] });
  }
  return { rows: out, skipped };
}

function exactlyOne<T extends { name: string }>(found: T[], line: number, text: string): T {
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw rowError(line, `không có cơ quan "${text}".`, `no office '${text}'`);
  throw rowError(line, `"${text}" khớp nhiều cơ quan (${found.map((o) => o.name).join("; ")}); hãy ghi đúng tên.`, `'${text}' matches ${found.length} offices`);
}

/** Creates the accounts not there yet, each with a one-time password; an existing user name in another office is an error. */
export async function addAccounts(storage: SyncStorage, rows: readonly AccountRow[], skipped = 0): Promise<AccountsReport> {
  const report: AccountsReport = { created: [], unchanged: [], skipped };
  for (const r of rows) {
    const u = await storage.findUserByUsername(r.username);
    if (u && u.officeId !== r.officeId)
      throw rowError(r.line, `tên đăng nhập ${r.username} đã dùng ở cơ quan khác.`, `username ${r.username} exists in office ${u.officeId}`);
  }
  for (const r of rows) {
    if (await storage.findUserByUsername(r.username)) {
      report.unchanged.push(r.username);
      continue;
    }
    const password = randomBytes(12).toString("base64url");
    const user = await storage.createUser({
      officeId: r.officeId,
      username: r.username,
      fullName: r.fullName,
      passwordHash: await hashPassword(password),
      roles: r.roles,
    });
    // A one-time password chosen by someone else: the person sets their own before anything else.
    await new UserRepository(storage).markMustChange(user.id);
    report.created.push({ username: r.username, officeId: r.officeId, password });
  }
  return report;
}
