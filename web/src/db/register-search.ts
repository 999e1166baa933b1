import { Dexie } from "dexie";
import { matchesQuery, queryTokens, registerQueryTokens, type IncomingRegisterEntry, type OutgoingRegisterEntry } from "../../../shared/domain/index.ts";
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
 * token with fewer is then known whole); a token that expands to several index tokens reads at
 * least MIN_PART keys of each; a query token that is the prefix of more than MAX_EXPANSIONS index
 * tokens and has more than WINDOW entries is checked on rows; a list that must reach further back
 * is read GROW times as far; a token up to DENSER times as dense as the one that drives is read by
 * keys, a denser one (a word in most entries) is checked on rows; the register itself is read at
 * most PAGE rows at a time. A test shrinks them to walk every path on a small register.
 */
export const searchSizes = { WINDOW: 256, MIN_PART: 128, MAX_EXPANSIONS: 12, GROW: 4, DENSER: 3, PAGE: 200 };

/** The paths a search took (a fixed set of names): the test checks that it walked every one. */
export const searchPaths = new Set<string>();

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
 * What the register view shows for a filter: the matching ids (as searchRegisterIds) and the rows
 * of the first `first` of them. The register's newest page is read together with its keys.
 */
export async function searchRegisterPage(db: VanthuDb, register: RegisterName, f: RegisterFilter, first: number): Promise<{ ids: string[]; rows: Entry[] }> {
  const table = db[register] as unknown as Table;
  const plain = !f.query?.trim() && !f.typeCode && !f.status && !f.from && !f.to && !f.issuer?.trim() && f.year !== undefined;
  if (plain && (f.limit ?? 200) <= first) {
    // The view's first screen of a year: its newest rows are the answer, in one request.
    const rows = await table
      .where("[year+number]")
      .between([f.year, Dexie.minKey], [f.year, Dexie.maxKey])
      .reverse()
      .limit(f.limit ?? 200)
      .toArray();
    check(f.signal);
    return { ids: rows.map((e) => e.id), rows };
  }
  const [ids, newest] = await Promise.all([
    searchRegisterIds(db, register, f),
    plain ? table.where("[year+number]").between([f.year, Dexie.minKey], [f.year, Dexie.maxKey]).reverse().limit(first).toArray() : undefined,
  ]);
  const rows = newest ?? (await table.bulkGet(ids.slice(0, first))).filter((r): r is Entry => r !== undefined);
  check(f.signal);
  return { ids, rows };
}

/**
 * Search over a register (R16) that reads keys, not rows. The per-year multi-entry index
 * `yearTokens` ("2026:uy") lists, for one token, the entries in primary-key order — ULIDs, so
 * registration order: read backwards (one getAll request with a direction, where the browser has
 * it) it gives the newest first. Each query token (a prefix of entry tokens) is read as the newest
 * WINDOW keys of its range: a token with fewer (a number, a rare word) is then known whole; a
 * common one is read per index token it expands to. The rarest list drives (see searchYear): its
 * entries, newest first, are the candidates, decided by the other lists' keys where those reach and
 * by rows where a token is too broad or too dense to read (or a filter is on another column); the
 * search stops as soon as it has `limit` matches, so the view's first screen (a small limit) costs
 * a few requests. A query of only broad tokens (one letter) reads the register's newest rows, where
 * matches are dense. Nothing is kept between searches: memory does not grow with the register. The
 * ids come newest first, at most `limit`; the view reads the rows of those it shows.
 */
export async function searchRegisterIds(db: VanthuDb, register: RegisterName, f: RegisterFilter): Promise<string[]> {
  const table = db[register] as unknown as Table;
  const limit = f.limit ?? 200;
  const issuerQ = f.issuer ? queryTokens(f.issuer) : [];
  // The issuer's words are also among the entry's tokens: they narrow by key, and are checked on the issuer column.
  const q = [...new Set([...registerQueryTokens(f.query ?? ""), ...issuerQ])];
  const rowFilter =
    f.typeCode || f.status || f.from || f.to || issuerQ.length > 0
      ? (e: Entry) =>
          (!f.typeCode || e.typeCode === f.typeCode) &&
          (!f.status || e.status === f.status) &&
          (!f.from || e.documentDate >= f.from) &&
          (!f.to || e.documentDate <= f.to) &&
          (issuerQ.length === 0 || ("issuer" in e && matchesQuery(queryTokens(e.issuer), issuerQ)))
      : undefined;
  return db.transaction("r", table, async (tx) => {
    // A newer keystroke drops the reads still queued for this one, not only the next ones.
    f.signal?.addEventListener("abort", () => tx.active && tx.abort(), { once: true });
    const search = { table, trans: tx.idbtrans, q, rowFilter, signal: f.signal };
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
  /** The search's read transaction, for the key cursor Dexie has no call for. */
  trans: IDBTransaction;
  q: string[];
  rowFilter: ((e: Entry) => boolean) | undefined;
  signal: AbortSignal | undefined;
}

/**
 * A part of a token's postings in a year, newest first: the whole prefix range, or one index
 * token it expands to. A part read to its window's end knows nothing older than its oldest key.
 */
interface Part {
  /** The index key, or the prefix (its range) when `prefix`. */
  key: string;
  prefix: boolean;
  ids: string[];
  window: number;
  whole: boolean;
}

/** A query token's postings as read so far: every entry newer than `floor` (all of them when there is none), newest first. */
interface Postings {
  parts: Part[];
  ids: string[];
  set: Set<string>;
  floor: string | undefined;
}
type Token = Postings | "broad";

/** The union of the parts: known whole above the newest of their floors. */
function postingsOf(parts: Part[]): Postings {
  const floors = parts.filter((p) => !p.whole).map((p) => p.ids.at(-1) ?? "");
  const floor = floors.length ? floors.sort().at(-1) : undefined;
  const ids = [...new Set(parts.flatMap((p) => p.ids))].sort().reverse();
  return { parts, ids, set: new Set(ids), floor };
}

/**
 * One year's matches, newest first. The rarest token drives: a token known whole (a number, a rare
 * word) or else the one whose window reaches furthest back. Its entries are the candidates, newest
 * first; each other token decides by its keys where it is known (above its floor), and rows are
 * read — a page at a time, only as many as the answer needs — for what keys leave open (a broad or
 * dense token, a filter on another column). When the driver's window is spent before `limit`
 * matches, it is read GROW times as far (with the lists not much denser), and the candidates go on.
 */
async function searchYear(s: Search, year: number, limit: number): Promise<string[]> {
  if (s.q.length === 0) {
    searchPaths.add(s.rowFilter ? "filter only" : "newest");
    return s.rowFilter ? walkRows(s, year, s.rowFilter, limit) : newestIds(s.table, year, limit);
  }
  const firsts = await Promise.all(s.q.map((t) => firstRead(s.table, s.trans, year, t)));
  if (firsts.some((r) => r.newest.whole && r.newest.ids.length === 0)) {
    searchPaths.add("a token absent");
    return [];
  }
  // A token known whole drives: a common token that expands to several index tokens is then
  // cheaper checked on the rows of its candidates than read part by part (not so when only
  // single words' windows could drive: the expanded token may be the rare one, as "42" in "dot 42").
  const driven = firsts.some((r) => r.newest.whole);
  const tokens = await Promise.all(firsts.map((r) => tokenOf(s.table, r, driven)));
  check(s.signal);
  const known = tokens.filter((t): t is Postings => t !== "broad");
  if (known.length === 0) {
    searchPaths.add("every token broad");
    return walkRows(s, year, (e) => fullCheck(s, e), limit);
  }
  if (known.some((t) => t.floor === undefined && t.ids.length === 0)) {
    searchPaths.add("a token absent");
    return [];
  }
  const needsRow = s.rowFilter !== undefined || known.length < s.q.length;
  // What rows told, kept while the windows grow.
  const checked = new Map<string, boolean>();
  for (;;) {
    const driver = driverOf(known);
    const others = known.filter((t) => t !== driver);
    const dense = new Set(others.filter((t) => isDense(t, driver)));
    if (dense.size) searchPaths.add("dense token checked on rows");
    const candidates: Array<{ id: string; sure: boolean }> = [];
    // The lists alike in density that stop short of the next candidate: read further before going on.
    const short = new Set<Postings>();
    for (const id of driver.ids) {
      // Below the driver's floor its own list has gaps (a part read less far).
      if (driver.floor !== undefined && id < driver.floor) break;
      const open = others.filter((t) => !t.set.has(id));
      // A token known down to this entry that does not list it: no match.
      if (open.some((t) => t.floor === undefined || id >= t.floor)) continue;
      for (const t of open) if (!dense.has(t)) short.add(t);
      if (short.size) break;
      candidates.push({ id, sure: !needsRow && open.length === 0 });
    }
    // The candidates come newest first, so the matches found so far are the newest ones.
    const found = await checkOnRows(s, candidates, checked, limit);
    if (found.length >= limit || (short.size === 0 && driver.floor === undefined)) {
      searchPaths.add(driver.floor === undefined ? "rare token drives" : "window drives");
      return found;
    }
    searchPaths.add(short.size ? "short list grown" : "window grown");
    await grow(s, short.size ? [...short] : [driver]);
  }
}

/** The token with the fewest candidates: one known whole, the smallest; else the one whose window reaches furthest back. */
function driverOf(known: Postings[]): Postings {
  const whole = known.filter((t) => t.floor === undefined).sort((a, b) => a.ids.length - b.ids.length)[0];
  if (whole) return whole;
  return [...known].sort((a, b) => (a.floor! < b.floor! ? -1 : a.floor! > b.floor! ? 1 : a.ids.length - b.ids.length))[0]!;
}

/**
 * A token many times denser than the driver over the entries its window covers (a word in most
 * entries): reading its keys as far back as the driver's would cost more than reading the rows of
 * the driver's candidates, which decide it instead.
 */
function isDense(t: Postings, driver: Postings): boolean {
  if (t.floor === undefined) return false;
  const floor = t.floor;
  const driverAbove = driver.ids.filter((id) => id >= floor).length;
  return t.ids.length > searchSizes.DENSER * Math.max(1, driverAbove);
}

/** Lists read GROW times as far back. */
async function grow(s: Search, tokens: Postings[]): Promise<void> {
  await Promise.all(
    tokens.map(async (t) => {
      await Promise.all(t.parts.filter((p) => !p.whole).map((p) => readPart(s.table, p, p.window * searchSizes.GROW)));
      Object.assign(t, postingsOf(t.parts));
    }),
  );
  check(s.signal);
}

/** Entries that match every token and filter; rows are read (a page at a time) only for what keys leave open. */
async function checkOnRows(s: Search, candidates: Array<{ id: string; sure: boolean }>, checked: Map<string, boolean>, limit: number): Promise<string[]> {
  const out: string[] = [];
  let i = 0;
  while (i < candidates.length && out.length < limit) {
    const page = candidates.slice(i, i + Math.max(limit - out.length, 32));
    i += page.length;
    const open = page.filter((c) => !c.sure && !checked.has(c.id)).map((c) => c.id);
    if (open.length) {
      searchPaths.add("rows checked");
      const rows = await s.table.bulkGet(open);
      check(s.signal);
      for (const [j, id] of open.entries()) checked.set(id, rows[j] !== undefined && fullCheck(s, rows[j]!));
    }
    for (const c of page) if (c.sure || checked.get(c.id)) out.push(c.id);
  }
  return out.slice(0, limit);
}

function fullCheck(s: Search, e: Entry): boolean {
  return matchesQuery(e.searchTokens, s.q) && (!s.rowFilter || s.rowFilter(e));
}

/** The first read of a query token in a year: the newest WINDOW keys of its range, and (at the same time) the index tokens it expands to. */
interface FirstRead {
  newest: Part;
  expanding: Promise<{ keys: string[]; skipped: boolean } | "broad">;
}

async function firstRead(table: Table, trans: IDBTransaction, year: number, token: string): Promise<FirstRead> {
  const prefix = `${year}:${token}`;
  // One letter that many entries have begins too many words to read them one by one.
  const expanding = token.length === 1 ? Promise.resolve("broad" as const) : expansionsOf(trans, table.name, prefix);
  expanding.catch(() => {}); // awaited by tokenOf, or not needed
  const newest: Part = { key: prefix, prefix: true, ids: [], window: searchSizes.WINDOW, whole: false };
  await readPart(table, newest, searchSizes.WINDOW);
  return { newest, expanding };
}

/**
 * A query token's postings from its first read. A token with fewer than WINDOW entries is known
 * whole (a number, a rare word, whatever it expands to); a common one is read per index token it
 * expands to, each newest first, when it expands to few — unless `driven` (a token known whole drives).
 */
async function tokenOf(table: Table, { newest, expanding }: FirstRead, driven: boolean): Promise<Token> {
  if (newest.whole) {
    searchPaths.add("token read whole");
    return postingsOf([newest]);
  }
  const found = await expanding;
  if (found === "broad") {
    searchPaths.add("token broad");
    return "broad";
  }
  // One index token and nothing skipped: its range read backwards is already its newest.
  if (found.keys.length === 1 && !found.skipped) {
    searchPaths.add("token window");
    return postingsOf([newest]);
  }
  if (driven) {
    searchPaths.add("expanded token left to rows");
    return "broad";
  }
  searchPaths.add(found.skipped ? "whole numbers skipped" : "token expanded");
  // The window shared between the index tokens; those that stop too soon grow on their own.
  const window = Math.max(searchSizes.MIN_PART, Math.ceil(searchSizes.WINDOW / found.keys.length));
  const parts = found.keys.map((key): Part => ({ key, prefix: false, ids: [], window, whole: false }));
  await Promise.all(parts.map((p) => readPart(table, p, window)));
  return postingsOf(parts);
}

/** The newest `window` keys of a part (re-read from the newest: an index range cannot start at a primary key). */
async function readPart(table: Table, p: Part, window: number): Promise<void> {
  const range = p.prefix ? table.where("yearTokens").between(p.key, `${p.key}\uffff`, true, true) : table.where("yearTokens").equals(p.key);
  const ids = (await range.reverse().limit(window).primaryKeys()) as string[];
  // A prefix range runs index key by index key: its ids are sorted here, and an entry with two of its tokens counted once.
  p.ids = p.prefix ? [...new Set(ids)].sort().reverse() : ids;
  p.window = window;
  p.whole = ids.length < window;
}

/**
 * The index tokens that begin with `prefix`, found by one key cursor seeking from each to the next
 * (the browser's "nextunique" reads every entry of every token instead). A number and symbol kept
 * whole ("12/ubnd-vp") is skipped when its first part ("12") is listed: every entry that has the
 * whole has its first part as a token too.
 */
function expansionsOf(trans: IDBTransaction, store: string, prefix: string): Promise<{ keys: string[]; skipped: boolean } | "broad"> {
  const out: string[] = [];
  let skipped = false;
  // Only a first part made of letters and digits is a token of its own (a prefix such as "12/" is not).
  const alnum = /^[\p{L}\p{N}]*$/u.test(prefix.slice(prefix.indexOf(":") + 1));
  return new Promise((resolve, reject) => {
    const req = trans
      .objectStore(store)
      .index("yearTokens")
      .openKeyCursor(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve({ keys: out, skipped });
      const key = cursor.key as string;
      const sep = key.slice(prefix.length).search(/[^\p{L}\p{N}]/u);
      const head = sep < 0 ? key : key.slice(0, prefix.length + sep);
      if (sep >= 0 && alnum && out.at(-1) === head) {
        // Past every key that starts with the listed first part and a separator ("-./" sort before "0").
        skipped = true;
        return cursor.continue(`${head}0`);
      }
      out.push(key);
      if (out.length > searchSizes.MAX_EXPANSIONS) return resolve("broad");
      // The next index token: no string lies between a key and the key followed by U+0000.
      cursor.continue(`${key}\u0000`);
    };
  });
}

/** The newest `limit` entries of a year, by the register's own numbering: keys only, one request. */
async function newestIds(table: Table, year: number, limit: number): Promise<string[]> {
  return (await table.where("[year+number]").between([year, Dexie.minKey], [year, Dexie.maxKey]).reverse().limit(limit).primaryKeys()) as string[];
}

/** The register of one year, newest number first, read a page of rows at a time and checked row by row. */
async function walkRows(s: Search, year: number, keep: (e: Entry) => boolean, limit: number): Promise<string[]> {
  const out: string[] = [];
  let below: unknown = Dexie.maxKey;
  // A first page about the size of the answer (matches of a broad token are dense), then larger ones.
  let page = Math.min(searchSizes.PAGE, limit + 8);
  while (out.length < limit) {
    const rows = await s.table.where("[year+number]").between([year, Dexie.minKey], [year, below], true, false).reverse().limit(page).toArray();
    check(s.signal);
    for (const e of rows) if (keep(e) && out.push(e.id) >= limit) break;
    if (rows.length < page) break;
    below = rows.at(-1)!.number;
    page = Math.min(searchSizes.PAGE, page * 2);
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
