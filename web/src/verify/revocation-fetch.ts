/**
 * How the verifier reaches CRL and OCSP servers from the browser. Most of them (ca.gov.vn among
 * them) send no CORS headers, so a direct fetch fails; then the request goes through the sync
 * server's revocation relay (`/api/revocation?url=…`, which also caches CRLs for offline use).
 * Until the server offers that route the answer is a failure, and the report says the
 * revocation data could not be had (INDETERMINATE, "thử lại sau").
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function revocationFetch(direct: FetchLike, relayBase: string, token: string | undefined): FetchLike {
  return async (url, init) => {
    try {
      return await direct(url, init);
    } catch (e) {
      if (!/^https?:\/\//.test(url) || !token) throw e;
      const relayed = await direct(`${relayBase}/api/revocation?url=${encodeURIComponent(url)}`, {
        method: init?.method ?? "GET",
        body: init?.body,
        signal: init?.signal,
        headers: { authorization: `Bearer ${token}`, ...(init?.headers as Record<string, string> | undefined) },
      });
      if (!relayed.ok) throw e;
      return relayed;
    }
  };
}
