import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("password hashing (scrypt)", () => {
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
  it("refuses a malformed stored hash without throwing", async () => {
    expect(await verifyPassword("x", "plain")).toBe(false);
  });
});
