import { VanthuError } from "../../errors.ts";
import type { Box } from "../layout.ts";

/** The seal's real diameter when the office has not set its own (Nghị định 30/2020: 35–36 mm is common). */
export const DEFAULT_SEAL_MM = 36;

/**
 * R2: the seal image stays whole on the page. Placed by R2's overlap (a third over the
 * signature, on its centre line) it can fall off the page when the signature sits near the
 * edge; a clipped seal is no seal, so refuse and say how to place it by hand.
 */
export function assertSealOnPage(seal: Box, page: { width: number; height: number }, pageNo: number): void {
  const off = seal.x < 0 || seal.y < 0 || seal.x + seal.width > page.width || seal.y + seal.height > page.height;
  if (!off) return;
  throw new VanthuError(
    "SEAL_OFF_PAGE",
    `Không đủ chỗ để đóng dấu trọn vẹn trên trang ${pageNo} (dấu trùm 1/3 chữ ký về bên trái sẽ ra ngoài mép trang); hãy chỉ rõ vị trí con dấu bằng --page và --rect`,
    `seal at x=${seal.x.toFixed(1)}, y=${seal.y.toFixed(1)} (${seal.width.toFixed(1)}×${seal.height.toFixed(1)} pt) falls outside page ${pageNo} (${page.width.toFixed(1)}×${page.height.toFixed(1)}); give --page and --rect`,
  );
}
