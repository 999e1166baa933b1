import ipaddr from "ipaddr.js";

/**
 * Which addresses the revocation relay may connect to: public unicast only. ipaddr.js knows the
 * IANA special-purpose ranges (loopback, RFC 1918, link-local, unique-local, CGNAT, NAT64
 * rfc6052/rfc6145, 6to4, Teredo, documentation, multicast, unspecified…); anything it does not
 * call plain "unicast" is refused. Two IPv6 forms it calls unicast carry an IPv4 address that
 * some stacks still route, so they are refused here too: the deprecated IPv4-compatible
 * `::a.b.c.d` (`::7f00:1`) and the NAT64 prefix 64:ff9b::/32 beyond the /96 it knows.
 */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const addr = ipaddr.parse(ip);
  if (addr.range() !== "unicast") return false;
  if (addr.kind() === "ipv6") {
    const parts = (addr as ipaddr.IPv6).parts;
    if (parts.slice(0, 6).every((p) => p === 0)) return false;
    if (parts[0] === 0x64 && parts[1] === 0xff9b) return false;
  }
  return true;
}
