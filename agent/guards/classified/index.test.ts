import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { refuseClassified } from "./index.ts";

const refused: string[] = [];
const app = new Hono()
  .use(refuseClassified({ onRefused: (o) => refused.push(o) }))
  .post("/v1/sign-requests", async (c) => c.json({ accepted: (await c.req.json()).documents.length }, 201));
const post = (documents: unknown[]) =>
  app.request("/v1/sign-requests", {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: "https://a.example" },
    body: JSON.stringify({ documents }),
  });

describe("refuseClassified", () => {
  it("refuses a request with any Mật, Tối mật or Tuyệt mật document", async () => {
    for (const secrecy of ["Mật", "Tối mật", "Tuyệt mật"]) {
      const res = await post([{ secrecy: "none" }, { secrecy }]);
      expect(res.status).toBe(422);
      const { error } = await res.json();
      expect(error.code).toBe("domain.classified");
      expect(error.messageVi).toMatch(/Điều 4\.1/);
    }
    expect(refused).toEqual(["https://a.example", "https://a.example", "https://a.example"]);
  });
  it("lets ordinary documents through, and the route can still read the body", async () => {
    const res = await post([{ secrecy: "none" }, {}]);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ accepted: 2 });
  });
});
