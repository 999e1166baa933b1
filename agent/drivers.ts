/**
 * Where the PKCS#11 libraries (token drivers) of the tokens used in Vietnam usually are.
 * `--module` always wins; the agent only mentions a driver it finds, it never switches to it
 * by itself. Sources and confidence: agent/README.md.
 */
export interface TokenDriver {
  name: string;
  paths: string[];
}

export const KNOWN_TOKEN_DRIVERS: TokenDriver[] = [
  {
    // Ban Cơ yếu Chính phủ's official-service tokens (e.g. bit4id TokenME EVO)
    name: "bit4id (token chữ ký số chuyên dùng công vụ — VGCA)",
    paths: [
      "/usr/lib/libbit4xpki.so",
      "/usr/lib/bit4id/libbit4xpki.so",
      "/usr/local/lib/libbit4xpki.so",
      "C:\\Windows\\System32\\bit4xpki.dll",
      "/Library/bit4id/pkcs11/libbit4xpki.dylib",
    ],
  },
  { name: "SafeNet eToken", paths: ["/usr/lib/libeTPkcs11.so", "C:\\Windows\\System32\\eTPKCS11.dll"] },
  { name: "VNPT-CA", paths: ["/usr/lib/vnpt-ca/libcryptoki.so", "C:\\vnpt-ca\\cryptoki.dll"] },
  { name: "Viettel-CA", paths: ["/usr/lib/viettel-ca/libpkcs11.so", "C:\\Viettel-CA\\pkcs11.dll"] },
];
