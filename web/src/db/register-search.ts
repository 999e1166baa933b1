import { Dexie } from "dexie";
import { matchesQuery, queryTokens, type IncomingRegisterEntry, type OutgoingRegisterEntry } from "../../../shared/domain/index.ts";
import type { VanthuDb } from "./schema.ts";

type RegisterName = "incoming" | "outgoing";
type Entry = IncomingRegisterEntry | OutgoingRegisterEntry;

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
 * The search's sizes: WINDOW keys of one token's postings are read at a time, newest first; up
 * to PROBE entries of a token are read in one request, in index order, to find the small ones;
 * a query token that is the prefix of more than MAX_EXPANSIONS index tokens is checked on rows,
 * not read as postings; a query of common tokens first reads up to DENSE_WALK of the newest
 * entries. A test shrinks them to walk every path on a small register.
 */
export const searchSizes = { WINDOW: 256, PROBE: 2048, MAX_EXPANSIONS: 24, DENSE_WALK: 2000 };

function check(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("superseded", "AbortError");
}

/** True for the error an aborted search ends with. */
export function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}

/**
 * Search over a register (R16) that reads only what it shows. The per-year multi-entry index
 * `yearTokens` ("2026:uy") lists, for one token, the entries in primary-key order — ULIDs, so
 * registration order: read backwards it gives the newest first. For each query token (a prefix
 * of entry tokens) the index tokens it expands to are listed (nextunique, cheap), and the newest
 * WINDOW entries of each (a token with fewer than PROBE entries is read whole); the token with the fewest or the sparsest entries drives; its entries
 * are read newest first, a page at a time, and checked against every token and filter, until
 * `limit` match. A query whose every token is very broad (one letter) walks the register itself,
 * newest first, where matches are dense. Nothing is kept between searches: memory does not grow
 * with the register.
 */
export async function searchRegister<R extends RegisterName>(
  db: VanthuDb,
  register: R,
  f: RegisterFilter,
): Promise<Array<R extends "incoming" ? IncomingRegisterEntry : OutgoingRegisterEntry>> {
  const table = db[register] as unknown as Dexie.Table<Entry, string>;
  const limit = f.limit ?? 200;
  const q = queryTokens(f.query ?? "");
  const issuerQ = f.issuer ? queryTokens(f.issuer) : [];
  const keep = (e: Entry) =>
    (f.year === undefined || e.year === f.year) &&
    (!f.typeCode || e.typeCode === f.typeCode) &&
    (!f.status || e.status === f.status) &&
    (!f.from || e.documentDate >= f.from) &&
    (!f.to || e.documentDate <= f.to) &&
    (issuerQ.length === 0 || ("issuer" in e && matchesQuery(queryTokens(e.issuer), issuerQ))) &&
    (q.length === 0 || matchesQuery(e.searchTokens, q));
  const years = f.year !== undefined ? [f.year] : await registerYearsOf(table);
  const out: Entry[] = [];
  for (const year of years) {
    if (out.length >= limit) break;
    const found =
      q.length === 0
        ? await walkRegister(table, year, keep, limit - out.length, f.signal)
        : await searchYear(table, year, q, keep, limit - out.length, f.signal);
    out.push(...found);
  }
  return out as never;
}

/** The register of one year, newest number first, checked row by row. */
async function walkRegister(
  table: Dexie.Table<Entry, string>,
  year: number,
  keep: (e: Entry) => boolean,
  limit: number,
  signal?: AbortSignal,
): Promise<Entry[]> {
  check(signal);
  const rows = await table
    .where("[year+number]")
    .between([year, Dexie.minKey], [year, Dexie.maxKey])
    .reverse()
    .filter((e) => !signal?.aborted && keep(e))
    .limit(limit)
    .toArray();
  check(signal);
  return rows;
}

interface Postings {
  /** Newest first, at most the window (merged over the token's expansions). */
  ids: string[];
  /** True when `ids` are all the entries of the token in this year. */
  complete: boolean;
}

/** A token with few entries (a number, a rare word) is read whole in one request, whatever it expands to. */
async function probeOf(table: Dexie.Table<Entry, string>, year: number, token: string, signal?: AbortSignal): Promise<Postings | "common"> {
  const probe = (await table.where("yearTokens").startsWith(`${year}:${token}`).limit(searchSizes.PROBE).primaryKeys()) as string[];
  check(signal);
  return probe.length < searchSizes.PROBE ? { ids: [...new Set(probe)].sort().reverse(), complete: true } : "common";
}

async function postingsOf(table: Dexie.Table<Entry, string>, year: number, token: string, window: number, signal?: AbortSignal): Promise<Postings | "broad"> {
  const probe = await probeOf(table, year, token, signal);
  if (probe !== "common") return probe;
  const expansions = (await table
    .where("yearTokens")
    .startsWith(`${year}:${token}`)
    .limit(searchSizes.MAX_EXPANSIONS + 1)
    .uniqueKeys()) as string[];
  check(signal);
  if (expansions.length > searchSizes.MAX_EXPANSIONS) return "broad";
  const lists = await Promise.all(expansions.map((k) => table.where("yearTokens").equals(k).reverse().limit(window).primaryKeys() as Promise<string[]>));
  check(signal);
  const complete = lists.every((l) => l.length < window);
  const ids = [...new Set(lists.flat())].sort().reverse();
  return { ids: complete ? ids : ids.slice(0, window), complete };
}

/**
 * The register of one year newest first, but no more than `maxRows` rows: for queries whose
 * every token is common, where matches are dense among the newest entries.
 */
async function walkSome(
  table: Dexie.Table<Entry, string>,
  year: number,
  keep: (e: Entry) => boolean,
  limit: number,
  maxRows: number,
  signal?: AbortSignal,
): Promise<{ rows: Entry[]; whole: boolean }> {
  check(signal);
  let scanned = 0;
  const rows = await table
    .where("[year+number]")
    .between([year, Dexie.minKey], [year, Dexie.maxKey])
    .reverse()
    .until(() => signal?.aborted === true || scanned >= maxRows)
    .filter((e) => {
      scanned++;
      return keep(e);
    })
    .limit(limit)
    .toArray();
  check(signal);
  return { rows, whole: scanned < maxRows };
}

async function searchYear(
  table: Dexie.Table<Entry, string>,
  year: number,
  q: string[],
  keep: (e: Entry) => boolean,
  limit: number,
  signal?: AbortSignal,
): Promise<Entry[]> {
  // Every token common (no token has fewer than PROBE entries): the newest entries most likely
  // match; read them first, and fall back to the postings when they are too sparse.
  const probes = await Promise.all(q.map((t) => probeOf(table, year, t, signal)));
  if (probes.every((p) => p === "common")) {
    const walked = await walkSome(table, year, keep, limit, searchSizes.DENSE_WALK, signal);
    if (walked.rows.length >= limit || walked.whole) return walked.rows;
  }
  for (let window = searchSizes.WINDOW; ; window *= 8) {
    const all = await Promise.all(q.map((t) => postingsOf(table, year, t, window, signal)));
    const lists = all.filter((p): p is Postings => p !== "broad");
    if (lists.length === 0) return walkRegister(table, year, keep, limit, signal);
    if (lists.some((p) => p.complete && p.ids.length === 0)) return [];
    // The driver: a complete list, the shortest; else the sparsest window (its oldest key is the oldest).
    const complete = lists.filter((p) => p.complete).sort((a, b) => a.ids.length - b.ids.length);
    const driver = complete[0] ?? [...lists].sort((a, b) => (a.ids.at(-1)! < b.ids.at(-1)! ? -1 : 1))[0]!;
    // Other complete lists narrow the candidates by key, before any row is read.
    let candidates = driver.ids;
    for (const other of complete.slice(1)) {
      const set = new Set(other.ids);
      candidates = candidates.filter((id) => set.has(id));
    }
    const out: Entry[] = [];
    for (let i = 0; i < candidates.length && out.length < limit; i += limit) {
      const rows = await table.bulkGet(candidates.slice(i, i + limit));
      check(signal);
      for (const r of rows) if (r && keep(r)) out.push(r);
    }
    // Enough, or the driver's whole list was read: the answer is exact.
    if (out.length >= limit || driver.complete) return out.slice(0, limit);
  }
}

async function registerYearsOf(table: Dexie.Table<Entry, string>): Promise<number[]> {
  const keys = (await table.orderBy("year").uniqueKeys()) as number[];
  return keys.sort((a, b) => b - a);
}
