import { fileURLToPath } from "node:url";

/** Tinos (Apache-2.0), metric-compatible with Times New Roman, full Vietnamese coverage. */
export const SHIPPED_FONT_PATH = fileURLToPath(new URL("../../shared/assets/fonts/Tinos-Regular.ttf", import.meta.url));
