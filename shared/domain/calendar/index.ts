export * from "./lunar.ts";
export * from "./days.ts";
export * from "./holidays.ts";
export * from "./holiday-data.ts";
export * from "./working-day-calendar.ts";
