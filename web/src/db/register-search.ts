import { Dexie } from "dexie";
import { matchesQuery, queryTokens, type IncomingRegisterEntry, type OutgoingRegisterEntry } from "../../../shared/domain/index.ts";
import type { VanthuDb } from "./schema.ts";

type RegisterName = "incoming" | "outgoing";
type Entry = IncomingRegisterEntry | OutgoingRegisterEntry;
type Table = Dexie.Table<Entry, string>;

export interface RegisterFilter {
  year?: number;
  query?: string;
  typeCode?: string;
  /** Tác giả (incoming) — folded substring match. */
  issuer?: string;
  status?: string;
  /** yyyy-mm-dd bounds on the document date. */
  from?: string;
  to?: string;
  /** The newest this many matches (default 200). */
  limit?: number;
  /** A newer search (the next keystroke) aborts this one: it stops at its next read. */
  signal?: AbortSignal;
}

/**
 * The search's sizes: the newest WINDOW keys of a token's postings are read in one request (a
 * token with fewer is then known whole); a query token that is the prefix of more than
 * MAX_EXPANSIONS index tokens and has more than WINDOW entries is checked on rows; windows grow
 * eightfold up to MAX_WINDOW, past which the register is read row by row; rows are read PAGE at a
 * time. A test shrinks them to walk every path on a small register.
 */
export const searchSizes = { WINDOW: 512, MAX_EXPANSIONS: 24, MAX_WINDOW: 32_768, PAGE: 200 };

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("superseded", "AbortError");
}

/** True for the error an aborted search ends with (Dexie rethrows it from its transaction as a DexieError of that name). */
export function isAbortError(e: unknown): boolean {
  return (e instanceof DOMException || e instanceof Error) && e.name === "AbortError";
}

/** The matching entries, newest first (see searchRegisterIds); for printing and for tests. */
export async function searchRegister<R extends RegisterName>(
  db: VanthuDb,
  register: R,
  f: RegisterFilter,
): Promise<Array<R extends "incoming" ? IncomingRegisterEntry : OutgoingRegisterEntry>> {
  const ids = await searchRegisterIds(db, register, f);
  const rows = await (db[register] as unknown as Table).bulkGet(ids);
  check(f.signal);
  return rows.filter((r): r is Entry => r !== undefined) as never;
}

/**
 * Search over a register (R16) that reads keys, not rows. The per-year multi-entry index
 * `yearTokens` ("2026:uy") lists, for one token, the entries in primary-key order — ULIDs, so
 * registration order: read backwards (one getAll request with a direction, where the browser has
 * it) it gives the newest first. Each query token (a prefix of entry tokens) is read as the newest
 * WINDOW keys of its range: a token with fewer (a number, a rare word) is then known whole; a
 * common one is read per index token it expands to. The answer is the intersection of these
 * lists, exact above the oldest key every window reached; rows are read only to check what keys
 * cannot decide (a token too broad to read, a filter on another column). A query of only broad
 * tokens (one letter) reads the register's newest rows, where matches are dense. Nothing is kept
 * between searches: memory does not grow with the register. The ids come newest first, at most
 * `limit`; the view reads the rows of those it shows.
 */
export async function searchRegisterIds(db: VanthuDb, register: RegisterName, f: RegisterFilter): Promise<string[]> {
  const table = db[register] as unknown as Table;
  const limit = f.limit ?? 200;
  const issuerQ = f.issuer ? queryTokens(f.issuer) : [];
  // The issuer's words are also among the entry's tokens: they narrow by key, and are checked on the issuer column.
  const q = [...new Set([...queryTokens(f.query ?? ""), ...issuerQ])];
  const rowFilter =
    f.typeCode || f.status || f.from || f.to || issuerQ.length > 0
      ? (e: Entry) =>
          (!f.typeCode || e.typeCode === f.typeCode) &&
          (!f.status || e.status === f.status) &&
          (!f.from || e.documentDate >= f.from) &&
          (!f.to || e.documentDate <= f.to) &&
          (issuerQ.length === 0 || ("issuer" in e && matchesQuery(queryTokens(e.issuer), issuerQ)))
      : undefined;
  const search = { table, q, rowFilter, signal: f.signal };
  return db.transaction("r", table, async () => {
    const years = f.year !== undefined ? [f.year] : await registerYearsOf(table);
    const out: string[] = [];
    for (const year of years) {
      if (out.length >= limit) break;
      out.push(...(await searchYear(search, year, limit - out.length)));
      check(f.signal);
    }
    return out;
  });
}

interface Search {
  table: Table;
  q: string[];
  rowFilter: ((e: Entry) => boolean) | undefined;
  signal: AbortSignal | undefined;
}

/** One token's postings in a year, newest first. */
interface Postings {
  ids: string[];
  /** Set when `ids` is not the whole list: ids below it are unknown. */
  floor?: string;
}

async function searchYear(s: Search, year: number, limit: number): Promise<string[]> {
  if (s.q.length === 0) return s.rowFilter ? walkRows(s, year, s.rowFilter, limit) : newestIds(s.table, year, limit);
  for (let window = searchSizes.WINDOW; ; window *= 8) {
    if (window > searchSizes.MAX_WINDOW) return walkRows(s, year, (e) => fullCheck(s, e), limit);
    const postings = await Promise.all(s.q.map((t) => postingsOf(s.table, year, t, window)));
    check(s.signal);
    const lists = postings.filter((p): p is Postings => p !== "broad");
    if (lists.length === 0) return walkRows(s, year, (e) => fullCheck(s, e), limit);
    if (lists.some((p) => p.floor === undefined && p.ids.length === 0)) return [];
    const whole = lists.filter((p) => p.floor === undefined).sort((a, b) => a.ids.length - b.ids.length);
    // The driver: the shortest whole list; else the window that reached least far back.
    const driver = whole[0] ?? [...lists].sort((a, b) => (a.floor! > b.floor! ? -1 : 1))[0]!;
    const others = lists.filter((p) => p !== driver).map((p) => ({ set: new Set(p.ids), floor: p.floor }));
    const needsRow = s.rowFilter !== undefined || lists.length < s.q.length;
    const candidates: Array<{ id: string; sure: boolean }> = [];
    for (const id of driver.ids) {
      let sure = !needsRow;
      let out = false;
      for (const o of others) {
        if (o.set.has(id)) continue;
        if (o.floor === undefined || id >= o.floor) out = true;
        else sure = false;
        if (out) break;
      }
      if (!out) candidates.push({ id, sure });
    }
    const found = await checkOnRows(s, candidates, limit);
    // Enough, or the driver's whole list was read: the answer is exact.
    if (found.length >= limit || driver.floor === undefined) return found;
  }
}

/** Entries that match every token and filter; rows are read (a page at a time) only for the candidates keys left open. */
async function checkOnRows(s: Search, candidates: Array<{ id: string; sure: boolean }>, limit: number): Promise<string[]> {
  const out: string[] = [];
  let i = 0;
  while (i < candidates.length && out.length < limit) {
    const page = candidates.slice(i, i + Math.max(limit - out.length, 32));
    i += page.length;
    const open = page.filter((c) => !c.sure).map((c) => c.id);
    const rows = open.length ? await s.table.bulkGet(open) : [];
    check(s.signal);
    const ok = new Set(rows.filter((r): r is Entry => r !== undefined && fullCheck(s, r)).map((r) => r.id));
    for (const c of page) if (c.sure || ok.has(c.id)) out.push(c.id);
  }
  return out.slice(0, limit);
}

function fullCheck(s: Search, e: Entry): boolean {
  return matchesQuery(e.searchTokens, s.q) && (!s.rowFilter || s.rowFilter(e));
}

/**
 * A token's postings in a year: one request for the newest `window` keys of its range. A token
 * with fewer is known whole (a number, a rare word, whatever it expands to); a common one is read
 * per index token it expands to, each newest first, when it expands to few.
 */
async function postingsOf(table: Table, year: number, token: string, window: number): Promise<Postings | "broad"> {
  const prefix = `${year}:${token}`;
  const newest = (await table.where("yearTokens").between(prefix, `${prefix}\uffff`, true, true).reverse().limit(window).primaryKeys()) as string[];
  if (newest.length < window) return { ids: newestFirst(newest) };
  const found = await expansionsOf(table, prefix);
  if (found === "broad") return "broad";
  // One index token and nothing skipped: its range read backwards is already newest first.
  if (found.keys.length === 1 && !found.skipped) return { ids: newest, floor: newest.at(-1)! };
  const expansions = found.keys;
  const lists = await Promise.all(expansions.map((k) => table.where("yearTokens").equals(k).reverse().limit(window).primaryKeys() as Promise<string[]>));
  // Below the newest of the oldest keys the incomplete lists reached, some entries may be missing.
  const floors = lists.filter((l) => l.length >= window).map((l) => l.at(-1)!);
  const floor = floors.sort().at(-1);
  const ids = newestFirst(lists.flat());
  return floor === undefined ? { ids } : { ids: ids.filter((id) => id >= floor), floor };
}

function newestFirst(ids: string[]): string[] {
  return [...new Set(ids)].sort().reverse();
}

/**
 * The index tokens that begin with `prefix`, found by seeking from one to the next (a request
 * each) rather than by listing unique keys, which reads every entry of every token. A number and
 * symbol kept whole ("12/ubnd-vp") is skipped when its first part ("12") is listed: every entry
 * that has the whole has its first part as a token too.
 */
async function expansionsOf(table: Table, prefix: string): Promise<{ keys: string[]; skipped: boolean } | "broad"> {
  const out: string[] = [];
  let skipped = false;
  const end = `${prefix}\uffff`;
  let from = prefix;
  let inclusive = true;
  while (out.length <= searchSizes.MAX_EXPANSIONS) {
    const key = (await table.where("yearTokens").between(from, end, inclusive, true).limit(1).keys())[0] as string | undefined;
    if (key === undefined) return { keys: out, skipped };
    const sep = key.slice(prefix.length).search(/[^\p{L}\p{N}]/u);
    const head = sep < 0 ? key : key.slice(0, prefix.length + sep);
    if (sep >= 0 && out.at(-1) === head) {
      // Past every key that starts with the listed first part and a separator ("-./" sort before "0").
      from = `${head}0`;
      inclusive = true;
      skipped = true;
      continue;
    }
    out.push(key);
    from = key;
    inclusive = false;
  }
  return "broad";
}

/** The newest `limit` entries of a year, by the register's own numbering: keys only, one request. */
async function newestIds(table: Table, year: number, limit: number): Promise<string[]> {
  return (await table
    .where("[year+number]")
    .between([year, Dexie.minKey], [year, Dexie.maxKey])
    .reverse()
    .limit(limit)
    .primaryKeys()) as string[];
}

/** The register of one year, newest number first, read a page of rows at a time and checked row by row. */
async function walkRows(s: Search, year: number, keep: (e: Entry) => boolean, limit: number): Promise<string[]> {
  const out: string[] = [];
  let below: unknown = Dexie.maxKey;
  while (out.length < limit) {
    const rows = await s.table
      .where("[year+number]")
      .between([year, Dexie.minKey], [year, below], true, false)
      .reverse()
      .limit(searchSizes.PAGE)
      .toArray();
    check(s.signal);
    for (const e of rows) if (keep(e) && out.push(e.id) >= limit) break;
    if (rows.length < searchSizes.PAGE) break;
    below = rows.at(-1)!.number;
  }
  return out;
}

/**
 * Years that have entries, newest first: one seek per year down the year index, instead of
 * listing its unique keys (which reads every entry).
 */
export async function registerYearsOf(table: Dexie.Table<{ year: number }, string>): Promise<number[]> {
  const years: number[] = [];
  for (;;) {
    const c = years.length === 0 ? table.orderBy("year") : table.where("year").below(years.at(-1)!);
    const last = (await c.reverse().limit(1).keys())[0] as number | undefined;
    if (last === undefined) return years;
    years.push(last);
  }
}
