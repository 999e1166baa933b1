export * from "./canonical.ts";
export * from "./audit-chain.ts";
export * from "./events.ts";
export * from "./export.ts";
export * from "./report-pdf.ts";
export * from "./schemas.ts";
