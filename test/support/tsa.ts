import { createServer, type Server } from "node:http";
import { writeFileSync, readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import type { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { x509 } from "../../shared/pki/x509.ts";
import { tool } from "./tools.ts";

function pem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A real RFC 3161 time-stamp authority on 127.0.0.1: OpenSSL's `ts -reply` answers each
 * query, with a time-stamping certificate issued by the given CA.
 */
export async function startTestTsa(ca: DemoCertificationAuthority): Promise<{ url: string; close(): Promise<void>; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-tsa-"));
  const unit = await ca.issue({
    commonName: "Demo TSA — thử nghiệm",
    keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    extendedKeyUsages: ["1.3.6.1.5.5.7.3.8"],
    extendedKeyUsageCritical: true,
  });
  writeFileSync(join(dir, "tsa.key"), pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", unit.keys.privateKey)));
  writeFileSync(join(dir, "tsa.crt"), unit.certificate.toString("pem") + "\n");
  writeFileSync(join(dir, "chain.pem"), unit.chain.map((c) => pem("CERTIFICATE", c)).join(""));
  writeFileSync(join(dir, "serial"), "01\n");
  writeFileSync(
    join(dir, "tsa.cnf"),
    `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/chain.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`,
  );
  let n = 0;
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const id = ++n;
      const q = join(dir, `q${id}.tsq`);
      const r = join(dir, `r${id}.tsr`);
      writeFileSync(q, Buffer.concat(chunks));
      const out = await tool("openssl", ["ts", "-reply", "-config", join(dir, "tsa.cnf"), "-queryfile", q, "-out", r]);
      state.requests++;
      if (out.code !== 0) {
        res.writeHead(500).end(out.stderr);
        return;
      }
      res.writeHead(200, { "Content-Type": "application/timestamp-reply" }).end(readFileSync(r));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
