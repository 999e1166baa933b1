export * from "./units.ts";
export { HAI_PHONG_UNITS } from "./hai-phong-114.ts";
