export * from "./schemas.ts";
export * from "./time.ts";
export * from "./edxml.ts";
