import { VanthuError } from "../../shared/errors.ts";

/**
 * A small RFC 4180 reader for the one CSV district IT fills in (accounts: four short columns).
 * Written here because nothing in the project reads CSV and a parser library would be a new
 * dependency for twenty lines: quoted fields, doubled quotes, CRLF or LF, a BOM.
 */
export function readCsv(text: string): string[][] {
  const s = text.replace(/^\uFEFF/, "");
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new VanthuError("csv.unterminated", "Tệp CSV có một ô mở ngoặc kép mà không đóng.", "CSV has an unterminated quoted field");
  if (field !== "" || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",");
}
