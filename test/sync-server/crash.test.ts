import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import type { Mutation, PullResponse, PushResponse } from "../../shared/sync/schemas.ts";
import { hashPassword } from "../../sync-server/auth/password.ts";
import { clientTime, describeBackends, mutationId } from "./harness.ts";

const vanthu = fileURLToPath(new URL("../../bin/vanthu.mjs", import.meta.url));

interface Child {
  proc: ChildProcess;
  url: string;
}

/** `vanthu server` as a real process, as an office would run it. */
function startServer(db: string, blobs: string): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [vanthu, "server", "--db", db, "--blobs", blobs, "--port", "0", "--host", "127.0.0.1", "--no-demo"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening\): (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    proc.on("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
}

function killHard(c: Child): Promise<void> {
  return new Promise((resolve) => {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
    c.proc.once("exit", () => resolve());
    c.proc.kill("SIGKILL");
  });
}

describeBackends("a server killed with SIGKILL in the middle of a push", (env) => {
  // Five server starts and kills per backend: bounded generously, since a loaded machine is slow, not broken.
  it("loses nothing and applies nothing twice after restart", { timeout: 600_000 }, async () => {
    const e = env();
    const office = await e.storage.createOffice({ name: "UBND phường Đồ Sơn", kind: "commune", organId: `C-${Math.random()}` });
    await e.storage.createUser({
      officeId: office.id,
      username: "crash.clerk",
      fullName: "Văn thư",
      passwordHash: await hashPassword("pw-crash"),
      roles: ["clerk"],
    });
    const db = e.target.dialect === "sqlite" ? `sqlite:${e.target.location}` : e.target.location;

    let server = await startServer(db, e.blobsDir);
    const login = async () =>
      (
        (await (
          await fetch(`${server.url}api/auth/login`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ username: "crash.clerk", password: "pw-crash" }),
          })
        ).json()) as { token: string }
      ).token;
    const doPush = async (token: string, mutations: Mutation[]) =>
      fetch(`${server.url}api/sync/push`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientId: "crash-client", mutations }),
      });

    // Kills spread over one push's duration as measured here; when every push happened to finish
    // before its kill (a machine slower or faster than the measure), one more round kills at once.
    const rounds = 4;
    const batches: Mutation[][] = [];
    let killedBeforeAnswer = 0;
    try {
      let token = await login();
      // How long one batch takes here, so that the kills land inside pushes (not an assertion).
      const warm = Array.from(
        { length: 300 },
        (_, i) =>
          ({
            id: mutationId("warm"),
            clientTime: clientTime(),
            type: "record.put",
            entity: "outgoing",
            recordId: `warm-${i}`,
            data: { pad: "x".repeat(2000) },
          }) satisfies Mutation,
      );
      const t0 = performance.now();
      expect((await doPush(token, warm)).status).toBe(200);
      const pushMs = performance.now() - t0;
      batches.push(warm);

      for (let round = 0; round < rounds || (round === rounds && killedBeforeAnswer === 0); round++) {
        const batch = Array.from(
          { length: 300 },
          (_, i) =>
            ({
              id: mutationId(`r${round}-`),
              clientTime: clientTime(),
              type: "record.put",
              entity: "outgoing",
              recordId: `r${round}-${i}`,
              data: { round, i, pad: "y".repeat(2000) },
            }) satisfies Mutation,
        );
        batches.push(batch);
        const inFlight = doPush(token, batch).then(
          (r) => r.status,
          () => "cut" as const,
        );
        await new Promise((r) => setTimeout(r, round < rounds ? ((round + 0.5) / rounds) * pushMs : 0));
        await killHard(server);
        if ((await inFlight) === "cut") killedBeforeAnswer++;
        server = await startServer(db, e.blobsDir);
        token = await login();
        // The client never got an answer (or did): it retries the same batch, as the outbox does.
        const retry = await doPush(token, batch);
        expect(retry.status).toBe(200);
        const statuses = new Set(((await retry.json()) as PushResponse).results.map((r) => r.status));
        // All or nothing: the batch either committed before the kill or not at all.
        expect(statuses.size).toBe(1);
      }

      // Every mutation exactly once: one change per record, every record at version 1.
      const changes: PullResponse["changes"] = [];
      let cursor = "";
      for (;;) {
        const page = (await (
          await fetch(`${server.url}api/sync/pull?cursor=${cursor}&limit=1000`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as PullResponse;
        // The server's own audit entries (one per sign-in of this test) are not the client's records.
        changes.push(...page.changes.filter((c) => c.entity !== "audit.entry"));
        cursor = page.cursor;
        if (!page.hasMore) break;
      }
      const expected = batches.flat().map((m) => (m as { recordId: string }).recordId);
      expect(changes.map((c) => c.id).sort()).toEqual(expected.sort());
      expect(changes.every((c) => c.version === 1)).toBe(true);
    } finally {
      await killHard(server);
    }
    expect(killedBeforeAnswer).toBeGreaterThan(0);
  });
});
