import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("password hashing (scrypt)", () => {
  // The production cost, not the suite's lowered one (vite.config.ts).
  const suiteCost = process.env.VANTHU_SCRYPT_LOG2N;
  beforeAll(() => {
    delete process.env.VANTHU_SCRYPT_LOG2N;
  });
  afterAll(() => {
    if (suiteCost !== undefined) process.env.VANTHU_SCRYPT_LOG2N = suiteCost;
  });
  it("verifies the right password and refuses a wrong one", async () => {
    const h = await hashPassword("mật khẩu đúng");
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("mật khẩu đúng", h)).toBe(true);
    expect(await verifyPassword("mật khẩu sai", h)).toBe(false);
  });
  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("x")).not.toBe(await hashPassword("x"));
  });
  it("treats NFC and NFD spellings of a Vietnamese password alike", async () => {
    const h = await hashPassword("Hồng Bàng".normalize("NFC"));
    expect(await verifyPassword("Hồng Bàng".normalize("NFD"), h)).toBe(true);
  });
  it("verifies a hash made at another cost (the cost is stored with it)", async () => {
    process.env.VANTHU_SCRYPT_LOG2N = "10";
    try {
      const h = await hashPassword("mật khẩu");
      expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
      delete process.env.VANTHU_SCRYPT_LOG2N;
      expect(await verifyPassword("mật khẩu", h)).toBe(true);
    } finally {
      delete process.env.VANTHU_SCRYPT_LOG2N;
    }
  });
  it("refuses a malformed stored hash without throwing", async () => {
    expect(await verifyPassword("x", "plain")).toBe(false);
  });
});
