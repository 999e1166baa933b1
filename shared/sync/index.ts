export * from "./schemas.ts";
export * from "./time.ts";
export * from "./edxml.ts";
export * from "./rules.ts";
export * from "./drafts.ts";
export * from "./registers.ts";
export * from "./audit.ts";
