import { Hono } from "hono";
import { expect, it } from "vitest";
import { admission } from "./admission.ts";

it("works on at most `limit` requests at once and lets the others in in arrival order, also after a failure", async () => {
  const app = new Hono();
  app.use("*", admission(2));
  app.onError((_e, c) => c.text("refused", 500));
  let inside = 0;
  let most = 0;
  const entered: number[] = [];
  const release: (() => void)[] = [];
  app.get("/:n", async (c) => {
    const n = Number(c.req.param("n"));
    entered.push(n);
    inside++;
    most = Math.max(most, inside);
    await new Promise<void>((resolve) => release.push(resolve));
    inside--;
    if (n === 1) throw new Error("refused");
    return c.text(String(n));
  });
  const answers = [0, 1, 2, 3, 4].map((n) => app.request(`/${n}`));
  // Let each admitted request reach its handler, then release them one at a time.
  for (let done = 0; done < 5; done++) {
    while (release.length === 0) await new Promise((r) => setImmediate(r));
    release.shift()!();
  }
  const statuses = (await Promise.all(answers)).map((r) => r.status);
  expect(most).toBe(2);
  expect(entered).toEqual([0, 1, 2, 3, 4]);
  expect(statuses).toEqual([200, 500, 200, 200, 200]);
});
