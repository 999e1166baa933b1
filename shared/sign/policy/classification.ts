import { detectSecrecyMark, SECRECY_REFUSAL_VI } from "../../domain/secrecy.ts";
import { refusal, type PolicyRule } from "./types.ts";

/**
 * R9: a document classified as a state secret is never signed here. The mark is read from
 * page 1, where Nghị định 30/2020 puts "Độ mật" (under the number and symbol), as text
 * segments so that a stamp sharing a line with another column is still found.
 */
export const classification: PolicyRule = async (ctx) => {
  const segments = await ctx.pageSegments(0);
  const level = detectSecrecyMark(segments.map((s) => s.text).join("\n"));
  if (level === "none") return [];
  return [
    refusal(
      "classification",
      "domain.classified",
      `Văn bản có dấu độ mật "${level.toLocaleUpperCase("vi")}". ${SECRECY_REFUSAL_VI}`,
      `classified document (${level}) refused (R9)`,
    ),
  ];
};
