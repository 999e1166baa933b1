/**
 * Search over Vietnamese text typed without diacritics (R16): "uy ban nhan dan" finds
 * "Ủy ban nhân dân". Text is folded (NFD, combining marks removed, đ→d, lower case) and cut
 * into tokens; registers store the tokens in a multi-entry index and queries match by prefix.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/**
 * A body's name as a key: "UBND xã An Hưng" and "ỦY BAN NHÂN DÂN XÃ AN HƯNG" name one body, so the
 * abbreviations written on documents (UBND, HĐND) are spelled out after folding.
 */
export function bodyNameKey(name: string): string {
  return foldVietnamese(name)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .replace(/\bubnd\b/g, "uy ban nhan dan")
    .replace(/\bhdnd\b/g, "hoi dong nhan dan")
    .trim();
}

/** Tokens of a text, folded, unique, in order of first appearance. "15/QĐ-UBND" gives 15, qd, ubnd and the whole "15/qd-ubnd". */
export function searchTokens(...texts: Array<string | undefined | null>): string[] {
  const out = new Set<string>();
  for (const t of texts) {
    if (!t) continue;
    const folded = foldVietnamese(t);
    for (const whole of folded.split(/\s+/)) {
      // A number and symbol is also kept whole so that "12/ubnd-vp" finds it exactly.
      if (/[/-]/.test(whole) && /\d/.test(whole)) out.add(whole.replace(/[^\p{L}\p{N}/.-]/gu, ""));
    }
    for (const tok of folded.split(/[^\p{L}\p{N}]+/u)) if (tok) out.add(tok);
  }
  return [...out];
}

/** Query tokens: every one must match (as a prefix of) some token of the entry. */
export function queryTokens(query: string): string[] {
  return [
    ...new Set(
      foldVietnamese(query)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ];
}

/**
 * Query tokens of a register search: the words, and a number and symbol typed whole ("12/UBND-VP",
 * or only "12/") also kept whole, as searchTokens keeps it — so that "12/ubnd-vp" finds number 12
 * and not 125, and the search reads the few entries of that symbol rather than every "ubnd".
 */
export function registerQueryTokens(query: string): string[] {
  const wholes = foldVietnamese(query)
    .split(/\s+/)
    .filter((w) => /[/-]/.test(w) && /\d/.test(w))
    .map((w) => w.replace(/[^\p{L}\p{N}/.-]/gu, "").replace(/\.+$/, ""));
  return [...new Set([...wholes.filter(Boolean), ...queryTokens(query)])];
}

/** True when every query token is a prefix of one of the entry's tokens. */
export function matchesQuery(entryTokens: readonly string[], query: string | readonly string[]): boolean {
  const q = typeof query === "string" ? queryTokens(query) : query;
  return q.every((qt) => entryTokens.some((et) => et.startsWith(qt)));
}
