/**
 * Who may ask to pair. By default only the sync server's origin, set when the agent is
 * installed (`vanthu agent --sync-origin URL`, kept in the agent's data folder), and in demo
 * mode any `http://127.0.0.1:*` (the PWA that `npm start` serves). A pattern may end in `:*`
 * (any port). Whatever the list says, only https anywhere or http on this machine.
 */
export function acceptableOrigin(origin: string): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.origin !== origin) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1" || u.hostname === "[::1]");
}

export function originMatches(origin: string, pattern: string): boolean {
  if (pattern.endsWith(":*")) {
    const base = pattern.slice(0, -2);
    try {
      const u = new URL(origin);
      return `${u.protocol}//${u.hostname}` === base;
    } catch {
      return false;
    }
  }
  return origin === pattern;
}

export function mayAskToPair(origin: string, allowed: readonly string[]): boolean {
  return acceptableOrigin(origin) && allowed.some((p) => originMatches(origin, p));
}
