export * from "./handling.ts";
export * from "./deadlines.ts";
export * from "./register-columns.ts";
export * from "./trace.ts";
