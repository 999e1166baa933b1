import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { VanthuError } from "../errors.ts";
import { x509 } from "./x509.ts";
import { exactBytes, toArrayBuffer } from "../bytes.ts";

export interface Pkcs12Contents {
  privateKey: CryptoKey;
  /** The certificate whose public key matches the private key. */
  certificate: x509.X509Certificate;
  /** The other certificates of the file (issuers), nearest first where the order can be told. */
  chain: x509.X509Certificate[];
}

const badPassword = () => new VanthuError("P12_BAD_PASSWORD", "Sai mật khẩu của tệp chứng thư (.p12/.pfx)", "wrong PKCS#12 password or damaged file");

/**
 * Opens a PKCS#12 file (password-based integrity and PBES2 encryption, as OpenSSL 3 and
 * current Windows write them) with pkijs, and imports the key into WebCrypto.
 */
export async function openPkcs12(bytes: Uint8Array, password: string, crypto: Crypto = globalThis.crypto): Promise<Pkcs12Contents> {
  pkijs.setEngine("vanthu", new pkijs.CryptoEngine({ name: "vanthu", crypto }));
  const asn = asn1js.fromBER(bytes);
  if (asn.offset === -1) throw new VanthuError("P12_NOT_PKCS12", "Tệp không phải là tệp chứng thư PKCS#12 (.p12/.pfx)", "not a PKCS#12 file");
  const pwd = new TextEncoder().encode(password);
  let pfx: pkijs.PFX;
  try {
    pfx = new pkijs.PFX({ schema: asn.result });
  } catch {
    throw new VanthuError("P12_NOT_PKCS12", "Tệp không phải là tệp chứng thư PKCS#12 (.p12/.pfx)", "not a PKCS#12 file");
  }
  try {
    await pfx.parseInternalValues({ password: pwd.buffer as ArrayBuffer, checkIntegrity: true });
  } catch {
    throw badPassword();
  }
  const keys: Uint8Array[] = [];
  const certs: x509.X509Certificate[] = [];
  const authSafe = pfx.parsedValue?.authenticatedSafe;
  if (!authSafe) throw badPassword();
  try {
    await authSafe.parseInternalValues({ safeContents: authSafe.safeContents.map(() => ({ password: pwd.buffer as ArrayBuffer })) });
  } catch {
    throw badPassword();
  }
  for (const sc of authSafe.parsedValue?.safeContents ?? []) {
    for (const bag of sc.value.safeBags) {
      if (bag.bagValue instanceof pkijs.PKCS8ShroudedKeyBag) {
        await bag.bagValue.parseInternalValues({ password: pwd.buffer as ArrayBuffer });
        const pk = bag.bagValue.parsedValue;
        if (pk) keys.push(new Uint8Array(pk.toSchema().toBER(false)));
      } else if (bag.bagValue instanceof pkijs.PrivateKeyInfo) {
        keys.push(new Uint8Array(bag.bagValue.toSchema().toBER(false)));
      } else if (bag.bagValue instanceof pkijs.CertBag) {
        const c = bag.bagValue.parsedValue;
        if (c instanceof pkijs.Certificate) certs.push(new x509.X509Certificate(new Uint8Array(c.toSchema().toBER(false))));
      }
    }
  }
  if (keys.length === 0) throw new VanthuError("P12_NO_KEY", "Tệp chứng thư không chứa khóa bí mật", "PKCS#12 file holds no private key");
  // Pair the key with its certificate by comparing public keys.
  for (const keyDer of keys) {
    const info = pkijs.PrivateKeyInfo.fromBER(toArrayBuffer(keyDer));
    const algOid = info.privateKeyAlgorithm.algorithmId;
    for (const cert of certs) {
      if (cert.publicKey.algorithm.name === undefined) continue;
      const isRsa = algOid === "1.2.840.113549.1.1.1";
      const isEc = algOid === "1.2.840.10045.2.1";
      if (!isRsa && !isEc) continue;
      const importAlg: RsaHashedImportParams | EcKeyImportParams = isRsa
        ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
        : { name: "ECDSA", namedCurve: (cert.publicKey.algorithm as EcKeyAlgorithm).namedCurve ?? "P-256" };
      let privateKey: CryptoKey;
      try {
        privateKey = await crypto.subtle.importKey("pkcs8", exactBytes(keyDer), importAlg, true, ["sign"]);
      } catch {
        continue;
      }
      if (await publicKeyMatches(privateKey, cert, crypto)) {
        const chain = orderChain(
          cert,
          certs.filter((c) => c !== cert),
        );
        return { privateKey, certificate: cert, chain };
      }
    }
  }
  throw new VanthuError(
    "P12_NO_MATCHING_CERT",
    "Tệp chứng thư không có chứng thư khớp với khóa bí mật",
    "no certificate in the PKCS#12 file matches its private key",
  );
}

async function publicKeyMatches(privateKey: CryptoKey, cert: x509.X509Certificate, crypto: Crypto): Promise<boolean> {
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  const pub = await cert.publicKey.export(privateKey.algorithm as RsaHashedImportParams, ["verify"], crypto);
  const pubJwk = await crypto.subtle.exportKey("jwk", pub);
  return jwk.kty === "RSA" ? jwk.n === pubJwk.n : jwk.x === pubJwk.x && jwk.y === pubJwk.y;
}

/** Orders issuers from the leaf upward by name chaining; leftovers are appended. */
function orderChain(leaf: x509.X509Certificate, others: x509.X509Certificate[]): x509.X509Certificate[] {
  const out: x509.X509Certificate[] = [];
  const rest = [...others];
  let cur = leaf;
  for (;;) {
    const i = rest.findIndex((c) => c.subject === cur.issuer && c.subject !== cur.subject);
    if (i < 0) break;
    cur = rest.splice(i, 1)[0]!;
    out.push(cur);
  }
  return [...out, ...rest];
}
