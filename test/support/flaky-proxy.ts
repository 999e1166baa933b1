/**
 * A bad rural connection between the PWA and the sync server, on loopback: an HTTP proxy that
 * adds round-trip latency, shares a slow link's bandwidth among all requests, drops a share of
 * requests mid-way (the socket reset after part of the request or of the answer went through) and
 * can cut the network entirely for a while (every connection reset, new ones refused).
 *
 *   const proxy = await startFlakyProxy(server.url, SLOW_3G);
 *   page.goto(proxy.url); proxy.cut(60_000); … proxy.stats; await proxy.close();
 *
 * HTTP-level rather than TCP-level so that a drop hits one request (a push whose answer is lost
 * after the server applied it, an upload cut after part of its bytes), which is what the PWA's
 * retries must survive. Written here because the tools that do this (toxiproxy, tc netem) are
 * daemons or need root network namespaces; this one lives and dies with a test.
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Transform, type TransformCallback } from "node:stream";

export interface NetworkProfile {
  /** Added round-trip time: half before the request goes on, half before the answer starts. */
  latencyMs: number;
  /** Bandwidth of the link in each direction, shared by all requests (kilobits per second). */
  kbitPerSec: number;
  /** Share of requests whose connection is reset mid-way (0..1). */
  dropRate: number;
}

/** Chrome's "Slow 3G" link (400 kbit/s) with the 300 ms and one request in ten dropped. */
export const SLOW_3G: NetworkProfile = { latencyMs: 300, kbitPerSec: 400, dropRate: 0.1 };
export const CLEAR: NetworkProfile = { latencyMs: 0, kbitPerSec: 0, dropRate: 0 };

export interface FlakyProxy {
  url: string;
  profile: NetworkProfile;
  stats: { requests: number; dropped: number; refused: number; bytesDown: number; bytesUp: number };
  /** Cuts the network for `ms` (every open connection reset); resolves when it is back. */
  cut(ms: number): Promise<void>;
  /** Cuts (true) or restores (false) the network until told otherwise. */
  setDown(down: boolean): void;
  /** Resets every open connection now (a drop that hits everything in flight). */
  resetAll(): void;
  close(): Promise<void>;
}

/** A link of fixed bandwidth: each chunk waits its turn, so concurrent requests share it. */
class Link {
  #free = 0;
  constructor(private readonly profile: () => NetworkProfile) {}
  /** Milliseconds to wait before `bytes` more may pass. */
  reserve(bytes: number): number {
    const kbit = this.profile().kbitPerSec;
    if (!kbit) return 0;
    const now = performance.now();
    this.#free = Math.max(this.#free, now) + (bytes * 8) / kbit;
    return this.#free - now;
  }
}

/** Passes bytes at the link's pace, in small pieces; calls `onBytes` with the running total. */
function throttle(link: Link, onBytes: (total: number) => boolean): Transform {
  let total = 0;
  return new Transform({
    async transform(chunk: Buffer, _enc, done: TransformCallback) {
      for (let i = 0; i < chunk.length; i += 4096) {
        const piece = chunk.subarray(i, i + 4096);
        const wait = link.reserve(piece.length);
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        total += piece.length;
        if (!onBytes(total)) return done();
        this.push(piece);
      }
      done();
    },
  });
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

export async function startFlakyProxy(target: string, profile: NetworkProfile = SLOW_3G, random: () => number = Math.random): Promise<FlakyProxy> {
  const to = new URL(target);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(to.hostname)) throw new Error(`flaky proxy forwards to loopback only, not ${to.hostname}`);
  const state = { profile: { ...profile }, down: false };
  const stats = { requests: 0, dropped: 0, refused: 0, bytesDown: 0, bytesUp: 0 };
  const up = new Link(() => state.profile);
  const down = new Link(() => state.profile);
  const sockets = new Set<Socket>();
  const severed = new WeakSet<Socket>();
  const agent = new Agent({ keepAlive: true });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const p = state.profile;
    // A dropped request is cut either on its way up (part of the body sent) or on the way back
    // (the server did the work, the answer is lost part-way): both are what a retry must survive.
    const drop = random() < p.dropRate ? { upward: random() < 0.5, after: Math.floor(random() * 16_384) } : undefined;
    const kill = () => {
      stats.dropped++;
      severed.add(req.socket);
      req.socket.destroy();
      upstream.destroy();
    };
    await sleep(p.latencyMs / 2);
    if (state.down || req.socket.destroyed) return req.socket.destroy();
    const headers = { ...req.headers, host: to.host };
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers, agent }, async (answer) => {
      await sleep(p.latencyMs / 2);
      if (state.down || res.socket?.destroyed) return kill();
      // A short answer is cut before its last byte: the client must never see it whole.
      const length = Number(answer.headers["content-length"] ?? NaN);
      const cutAt = drop && !drop.upward ? (Number.isFinite(length) ? Math.min(drop.after, Math.max(0, length - 1)) : drop.after) : Infinity;
      if (cutAt === 0) return kill();
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer
        .pipe(
          throttle(down, (n) => {
            if (n >= cutAt) {
              kill();
              return false;
            }
            return !state.down;
          }),
        )
        .on("data", (d: Buffer) => (stats.bytesDown += d.length))
        .pipe(res);
    });
    upstream.on("error", () => req.socket.destroy());
    // The browser closed its side (a reload, a closed tab): the server sees the connection close.
    // A cut of the network (resetAll) tells the server nothing: its side stays open, as on a real line.
    res.on("close", () => {
      if (!res.writableFinished && !severed.has(req.socket)) upstream.destroy();
    });
    if (drop?.upward && (drop.after === 0 || Number(req.headers["content-length"] ?? 0) === 0)) {
      // Cut before the request reached the server at all.
      return kill();
    }
    req
      .pipe(
        throttle(up, (n) => {
          if (drop?.upward && n >= drop.after) {
            kill();
            return false;
          }
          return !state.down;
        }),
      )
      .on("data", (d: Buffer) => (stats.bytesUp += d.length))
      .pipe(upstream);
  };

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s: Socket) => {
    if (state.down) {
      stats.refused++;
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("clientError", (_e, s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const resetAll = () => {
    for (const s of sockets) {
      severed.add(s);
      s.destroy();
    }
  };
  const setDown = (d: boolean) => {
    state.down = d;
    if (d) resetAll();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get profile() {
      return state.profile;
    },
    set profile(p: NetworkProfile) {
      state.profile = { ...p };
    },
    stats,
    setDown,
    resetAll,
    async cut(ms: number) {
      setDown(true);
      await sleep(ms);
      setDown(false);
    },
    async close() {
      resetAll();
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
