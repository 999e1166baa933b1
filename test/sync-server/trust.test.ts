/**
 * The roots the server publishes to the offices' devices (`vanthu server --trust-anchor FILE`):
 * read at each request, so the demo CA the agent writes at its first start is published even
 * when the server started first; only signed-in devices get the list.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DemoCertificationAuthority } from "../../shared/pki/demo-ca.ts";
import { DEMO_PASSWORD, seedDemo } from "../../sync-server/seed.ts";
import { startSyncServer, type RunningServer } from "../../sync-server/serve.ts";

let dir: string;
let server: RunningServer;
let pemFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vanthu-trust-"));
  pemFile = join(dir, "demo-ca.pem");
  server = await startSyncServer({
    db: `sqlite:${join(dir, "db.sqlite")}`,
    blobs: join(dir, "blobs"),
    port: 0,
    trustAnchorFiles: [{ path: pemFile, labelVi: "CA thử (CHỈ DÙNG THỬ)" }],
  });
  await seedDemo(server.storage);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function anchors(token?: string) {
  return fetch(new URL("/api/trust/anchors", server.url), token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

it("publishes the file's root once it exists, to signed-in devices only", async () => {
  expect((await anchors()).status).toBe(401);
  const login = await fetch(new URL("/api/auth/login", server.url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "vanthu.anhung", password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  expect(await (await anchors(token)).json()).toEqual({ anchors: [] });
  const ca = await DemoCertificationAuthority.create();
  writeFileSync(pemFile, ca.certificate.toString("pem"));
  const body = (await (await anchors(token)).json()) as { anchors: Array<{ pem: string; labelVi: string }> };
  expect(body.anchors).toEqual([{ pem: ca.certificate.toString("pem"), labelVi: "CA thử (CHỈ DÙNG THỬ)" }]);
});
