import { lazy } from "solid-js";
/** pdf.js is loaded only when a document is opened, to keep the first screen small. */
export const ViewerView = lazy(() => import("./viewer.tsx"));
