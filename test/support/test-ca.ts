/**
 * A throwaway certification authority and a server certificate for HTTPS tests, made with
 * openssl (as an office would make its own, or Caddy's internal CA does): the CA is what a
 * clerk's computer is told to trust; the server certificate names the host the browser uses.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCa {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  caPem: string;
}

export function makeTestCa(hostnames: string[], ips: string[] = ["127.0.0.1"]): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "vanthu-test-ca-"));
  const p = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=Văn thư số — CA thử nghiệm của tổ CNTT",
    "-utf8",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  ssl(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    p("server.key"),
    "-out",
    p("server.csr"),
    "-subj",
    `/CN=${hostnames[0]}`,
  );
  const san = [...hostnames.map((h) => `DNS:${h}`), ...ips.map((i) => `IP:${i}`)].join(",");
  writeFileSync(p("ext.cnf"), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  ssl(
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.crt"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-out",
    p("server.crt"),
    "-days",
    "2",
    "-extfile",
    p("ext.cnf"),
  );
  return { dir, caCert: p("ca.crt"), serverCert: p("server.crt"), serverKey: p("server.key"), caPem: readFileSync(p("ca.crt"), "utf8") };
}
